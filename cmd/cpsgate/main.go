// Package main is the cpsgate command. cpsgate keeps a Certificate Authority's software honest to its
// CPS: it links CPS sections to feature flags and fails a change that adds,
// modifies or enables a flag without a review of its linked sections.
package main

import (
	"os"
	"runtime/debug"
)

func main() {
	// A check is a short-lived process that allocates a few tens of MB;
	// collecting less often saves a good part of its CPU time.
	debug.SetGCPercent(400)
	os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

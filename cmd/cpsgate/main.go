// Package main is the cpsgate command. cpsgate keeps a Certificate Authority's software honest to its
// CPS: it links CPS sections to feature flags and fails a change that adds,
// modifies or enables a flag without a review of its linked sections.
package main

import (
	"os"
	"runtime/debug"
)

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// gcPercent is the garbage collector's GOGC unless the environment sets one:
// a check is a short-lived process that allocates a few tens of MB, and a
// report parses every version of the period and keeps few; collecting less
// often saves a good part of their CPU time.
const gcPercent = 400

// Package main is the cpsgate command. cpsgate keeps a Certificate Authority's software honest to its
// CPS: it links CPS sections to feature flags and fails a change that adds,
// modifies or enables a flag without a review of its linked sections.
package main

import (
	"os"

	"github.com/cpsgate/cpsgate/internal/gctune"
)

func main() {
	gctune.Start(os.Getenv)
	os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

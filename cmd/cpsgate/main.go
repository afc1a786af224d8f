// Package main is the cpsgate command. cpsgate keeps a Certificate Authority's software honest to its
// CPS: it links CPS sections to feature flags and fails a change that adds,
// modifies or enables a flag without a review of its linked sections.
package main

import (
	"os"
	"runtime"
	"runtime/debug"
)

func main() {
	if os.Getenv("GOGC") == "" {
		collectLater()
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// collectLater sets GOGC to firstGCPercent until the first collection (at a
// heap of 4 MB times the percentage over 100) and to gcPercent after it: the
// cleanup of an object unreachable from the start runs after that
// collection.
func collectLater() {
	debug.SetGCPercent(firstGCPercent)
	runtime.AddCleanup(new([64]byte), func(struct{}) { debug.SetGCPercent(gcPercent) }, struct{}{})
}

// GOGC, unless the environment sets it: firstGCPercent until the first
// collection, which it puts at a 40 MB heap (a boulder-scale check peaks at
// about half of that and ends before it), then gcPercent. A check or a
// report is a short-lived process: collecting less often saves a good part
// of its CPU time.
const (
	firstGCPercent = 1000
	gcPercent      = 400
)

// memoryLimit is the heap size past which the collector runs regardless of
// gcPercent, unless the environment sets GOMEMLIMIT: a large CA's check
// (thousands of flags set in hundreds of files) would otherwise grow its
// heap to five times what it keeps, and a CI runner's memory with it.
const memoryLimit = 1 << 30

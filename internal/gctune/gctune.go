// Package gctune sets the garbage collector of cpsgate's processes, which
// are short-lived: collecting less often than Go's default saves a good
// part of a check's CPU time; and it asks for a check's heap in huge pages.
// The environment's GOGC, GOMEMLIMIT and GODEBUG=disablethp=1, when set, win
// over every setting here.
package gctune

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync/atomic"
)

// GOGC, unless the environment sets it: FirstPercent until the first
// collection, which it puts at a 40 MB heap (a boulder-scale check peaks at
// about half of that and ends before it), then Percent.
const (
	FirstPercent = 1000
	Percent      = 400
)

// MemoryLimit is the heap size past which the collector runs regardless of
// GOGC, unless the environment sets GOMEMLIMIT: a large CA's check
// (thousands of flags set in hundreds of files) would otherwise grow its
// heap to five times what it keeps, and a CI runner's memory with it.
const MemoryLimit = 1 << 30

// after is GOGC after the first collection: Percent, or Budget's.
var after atomic.Int32

func init() { after.Store(Percent) }

// Start sets the collector for the process: GOGC FirstPercent until the
// first collection the collector starts on its own (at a heap of 4 MB times the percentage over 100), then
// Percent, and the memory limit; getenv reads the environment.
func Start(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(FirstPercent)
		afterFirst()
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(MemoryLimit)
	}
}

// afterFirst sets GOGC to after's value once the collector has run on its
// own: the cleanup of an object unreachable from the start runs after the
// next collection, and a forced one (HugePages') arms it again.
func afterFirst() {
	runtime.AddCleanup(new([64]byte), func(struct{}) {
		if automaticCollections() == 0 {
			afterFirst()
			return
		}
		debug.SetGCPercent(int(after.Load()))
	}, struct{}{})
}

// automaticCollections is how many collections the collector started on
// its own, not through runtime.GC.
func automaticCollections() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/automatic:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// HugePages asks for the next HugeHeap bytes of the heap in transparent
// huge pages, unless GODEBUG has disablethp=1 (Go's own switch for its heap's
// huge pages); getenv reads the environment. It is for a command that
// allocates a heap of tens of MB once and ends, a check: it costs one
// collection at once. A command that collects often, the report, runs
// slower with it (5.4 -> 6.3 s over 70,000 commits).
func HugePages(getenv func(string) string) {
	if !strings.Contains(getenv("GODEBUG"), "disablethp=1") && onRequest(thpSetting()) {
		hugeHeap()
	}
}

// onRequest reports whether the system's transparent huge page setting (the
// content of /sys/kernel/mm/transparent_hugepage/enabled, the chosen one in
// brackets) gives them on request: with "always" the heap has them already,
// with "never" (or no such file) it cannot, and asking costs a collection.
func onRequest(setting string) bool {
	return strings.Contains(setting, "[madvise]")
}

// Budget keeps the heap within about budget bytes, unless the environment
// sets GOGC, and returns what restores the setting before: for a command
// that runs long and allocates much while it keeps little (the report of a
// year of history), whose heap Percent would let grow to five times what it
// keeps. After each collection, GOGC is set so that the next one comes when
// the heap reaches budget, but never under MinBudgetPercent: a heap that
// keeps more than a third of the budget grows past it rather than the
// collector running all the time.
func Budget(getenv func(string) string, budget uint64) (restore func()) {
	if getenv("GOGC") != "" {
		return func() {}
	}
	// Also after the first collection, if it is still to come.
	percent := budgetPercent(budget, liveHeap())
	beforeAfter := after.Swap(int32(percent))
	before := debug.SetGCPercent(percent)
	var stopped atomic.Bool
	var arm func()
	arm = func() {
		// The cleanup of an object unreachable from the start runs after
		// the next collection.
		runtime.AddCleanup(new([64]byte), func(struct{}) {
			if stopped.Load() {
				return
			}
			p := budgetPercent(budget, liveHeap())
			after.Store(int32(p))
			debug.SetGCPercent(p)
			arm()
		}, struct{}{})
	}
	arm()
	return func() {
		stopped.Store(true)
		after.Store(beforeAfter)
		debug.SetGCPercent(before)
	}
}

// MinBudgetPercent is the least GOGC that Budget sets.
const MinBudgetPercent = 100

// budgetPercent is the GOGC that lets a heap that keeps live bytes grow to
// budget: between MinBudgetPercent and Percent.
func budgetPercent(budget, live uint64) int {
	if live == 0 {
		return Percent
	}
	p := int((budget - min(live, budget)) * 100 / live)
	return max(MinBudgetPercent, min(Percent, p))
}

// liveHeap is what the last collection kept (0 before the first).
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

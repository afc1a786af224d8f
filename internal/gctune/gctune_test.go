package gctune

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func gogc() uint64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestStart checks that GOGC is FirstPercent until the first collection
// that the collector starts on its own and Percent after it, and that the
// environment's GOGC wins.
func TestStart(t *testing.T) {
	before := debug.SetGCPercent(100)
	limit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetGCPercent(before); debug.SetMemoryLimit(limit) })
	Start(func(string) string { return "77" })
	if got := gogc(); got != 100 {
		t.Errorf("with GOGC set, Start set GOGC to %d", got)
	}
	Start(func(string) string { return "" })
	tests := []struct {
		name   string
		forced bool // runtime.GC, as HugePages does
		gc     bool
		want   uint64
	}{
		{name: "before the first collection", want: FirstPercent},
		{name: "after a forced one", forced: true, want: FirstPercent},
		{name: "after the first automatic one", gc: true, want: Percent},
	}
	for _, tt := range tests {
		if tt.forced {
			runtime.GC()
			time.Sleep(10 * time.Millisecond) // for a cleanup that would run
		}
		got := gogc()
		for deadline := time.Now().Add(10 * time.Second); tt.gc && got != tt.want && time.Now().Before(deadline); got = gogc() {
			collectOnItsOwn() // the cleanup runs on its own goroutine after it
			time.Sleep(time.Millisecond)
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("%s: GOGC (-got +want):\n%s", tt.name, diff)
		}
	}
	if got := debug.SetMemoryLimit(-1); got != MemoryLimit {
		t.Errorf("memory limit %d; want %d", got, MemoryLimit)
	}
}

func TestBudgetPercent(t *testing.T) {
	const mb = 1 << 20
	tests := []struct {
		budget, live uint64
		want         int
	}{
		{200 * mb, 0, Percent},                 // before the first collection
		{200 * mb, 10 * mb, Percent},           // 1,900% would do: at most Percent
		{200 * mb, 50 * mb, 300},               // 50 -> 200
		{200 * mb, 80 * mb, 150},               // 80 -> 200
		{200 * mb, 100 * mb, 100},              // 100 -> 200
		{200 * mb, 150 * mb, MinBudgetPercent}, // past a third: 2x, over the budget
		{200 * mb, 300 * mb, MinBudgetPercent},
	}
	for _, tt := range tests {
		if got := budgetPercent(tt.budget, tt.live); got != tt.want {
			t.Errorf("budgetPercent(%d MB, %d MB) = %d; want %d", tt.budget/mb, tt.live/mb, got, tt.want)
		}
	}
}

// ballast is kept alive by TestBudget: what the collections keep.
var ballast []byte

// TestBudget checks that Budget sets GOGC after each collection from what
// it kept, that it restores the setting before, and that the environment's
// GOGC wins.
// collectOnItsOwn allocates until the collector runs on its own.
func collectOnItsOwn() {
	for n := automaticCollections(); automaticCollections() == n; {
		ballast = make([]byte, 1<<20)
	}
	ballast = nil
}

func TestBudget(t *testing.T) {
	before := debug.SetGCPercent(400)
	t.Cleanup(func() { debug.SetGCPercent(before); ballast = nil })
	Budget(func(string) string { return "400" }, 1<<30)()
	if got := gogc(); got != 400 {
		t.Errorf("with GOGC set, Budget changed GOGC to %d", got)
	}
	ballast = make([]byte, 40<<20)
	restore := Budget(func(string) string { return "" }, 80<<20)
	// The collections keep about 40 MB of an 80 MB budget: GOGC about 100.
	got := gogc()
	for deadline := time.Now().Add(10 * time.Second); (got < MinBudgetPercent || got > 110) && time.Now().Before(deadline); got = gogc() {
		runtime.GC() // the cleanup runs on its own goroutine after a collection
		time.Sleep(time.Millisecond)
	}
	if got < MinBudgetPercent || got > 110 {
		t.Errorf("GOGC %d with 40 MB kept of an 80 MB budget; want about 100", got)
	}
	restore()
	if got := gogc(); got != 400 {
		t.Errorf("GOGC %d after restore; want 400", got)
	}
	// Collections after restore leave GOGC alone.
	runtime.GC()
	time.Sleep(10 * time.Millisecond)
	runtime.GC()
	if got := gogc(); got != 400 {
		t.Errorf("GOGC %d after restore and collections; want 400", got)
	}
}

func TestOnRequest(t *testing.T) {
	for setting, want := range map[string]bool{
		"always [madvise] never\n": true,
		"[always] madvise never\n": false,
		"always madvise [never]\n": false,
		"":                         false,
	} {
		if got := onRequest(setting); got != want {
			t.Errorf("onRequest(%q) = %t; want %t", setting, got, want)
		}
	}
}

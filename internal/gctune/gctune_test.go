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
// and Percent after it, and that the environment's GOGC wins.
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
		name string
		gc   bool
		want uint64
	}{
		{name: "before the first collection", want: FirstPercent},
		{name: "after it", gc: true, want: Percent},
	}
	for _, tt := range tests {
		got := gogc()
		for deadline := time.Now().Add(10 * time.Second); tt.gc && got != tt.want && time.Now().Before(deadline); got = gogc() {
			runtime.GC() // the cleanup runs on its own goroutine after a collection
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

// TestSteady checks that Steady sets GOGC and restores it, unless the
// environment sets GOGC.
func TestSteady(t *testing.T) {
	before := debug.SetGCPercent(400)
	t.Cleanup(func() { debug.SetGCPercent(before) })
	restore := Steady(func(string) string { return "" }, 150)
	if got := gogc(); got != 150 {
		t.Errorf("GOGC %d under Steady(150)", got)
	}
	if got := after.Load(); got != 150 {
		t.Errorf("GOGC after the first collection %d under Steady(150)", got)
	}
	restore()
	if got := gogc(); got != 400 {
		t.Errorf("GOGC %d after restore; want 400", got)
	}
	if got := after.Load(); got != Percent {
		t.Errorf("GOGC after the first collection %d after restore; want %d", got, Percent)
	}
	Steady(func(string) string { return "400" }, 150)()
	if got := gogc(); got != 400 {
		t.Errorf("with GOGC set, Steady changed GOGC to %d", got)
	}
}

package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestCollectLater checks that GOGC is firstGCPercent until the first
// collection and gcPercent after it.
func TestCollectLater(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })
	gogc := func() uint64 {
		s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	collectLater()
	tests := []struct {
		name string
		gc   bool
		want uint64
	}{
		{name: "before the first collection", want: firstGCPercent},
		{name: "after it", gc: true, want: gcPercent},
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
}

package gitrepo

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWalk checks that Walk lists every commit and, per commit, the paths
// and blobs that LogFiles and the commit's tree give.
func TestWalk(t *testing.T) {
	tr := newTestRepo(t)
	tr.commit("first\n\nbody line\nCloses (#7)", map[string]string{"a": "1", "d/c": "1", "x": "1"})
	tr.commit("unrelated", map[string]string{"x": "2"})
	tr.git("checkout", "-q", "-b", "side")
	tr.commit("on the side", map[string]string{"d/e": "1", "a": "side"})
	tr.git("checkout", "-q", "main")
	tr.commit("second", map[string]string{"a": "2"})
	tr.git("merge", "-q", "--no-ff", "-X", "ours", "-m", "Merge side (#9)", "side")
	tr.remove("d/c")
	tr.commit("remove d/c", nil)
	if err := os.Symlink("x", filepath.Join(tr.dir, "d", "link")); err != nil {
		t.Fatal(err)
	}
	tr.commit("link", nil)
	tr.commit("empty", nil)
	long := "long message\n\n" + strings.Repeat("a line of a long message body\n", 4000) // over the 64 KiB read buffer
	tr.commit(long, map[string]string{"a": "3"})
	r := tr.open()
	ctx := context.Background()

	for _, paths := range [][]string{nil, {"a", "d"}, {"d/c"}, {"x"}} {
		want, err := r.LogFiles(ctx, "", "HEAD", paths)
		if err != nil {
			t.Fatal(err)
		}
		var got []LogEntry
		var all int
		err = r.Walk(ctx, "HEAD", paths, func(e *WalkEntry) bool {
			all++
			if paths == nil || len(e.Files) > 0 {
				got = append(got, e.LogEntry)
			}
			for _, ch := range e.Changes {
				wantBlob, err := tr.gitErr("rev-parse", "--verify", "-q", e.SHA+":"+ch.Path)
				if err != nil || ch.Path == "d/link" {
					wantBlob = ""
				}
				if ch.Blob != wantBlob {
					t.Errorf("%s %s: blob %q, want %q", e.Subject, ch.Path, ch.Blob, wantBlob)
				}
			}
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("Walk %q (-got +want):\n%s", paths, diff)
		}
		if all != 8 {
			t.Errorf("Walk %q visited %d commits, want 8", paths, all)
		}
	}

	// Stopping the walk stops git.
	n := 0
	if err := r.Walk(ctx, "HEAD", nil, func(*WalkEntry) bool { n++; return n < 2 }); err != nil || n != 2 {
		t.Errorf("stopped walk: %d commits, %v", n, err)
	}
	if err := r.Walk(ctx, "no-such-ref", nil, func(*WalkEntry) bool { return true }); err == nil {
		t.Error("unknown ref: no error")
	}
	data, err := r.Blob(tr.git("rev-parse", "HEAD:x"))
	if err != nil || string(data) != "2" {
		t.Errorf("Blob: %q, %v", data, err)
	}

	// Blobs asks for many at once; what it cannot read is nil.
	x, a, tree := tr.git("rev-parse", "HEAD:x"), tr.git("rev-parse", "HEAD:a"), tr.git("rev-parse", "HEAD^{tree}")
	ids := []string{x, strings.Repeat("0", 40), tree, a}
	for range 2 * objectsBatch {
		ids = append(ids, a)
	}
	got := r.Blobs(ids)
	if len(got) != len(ids) || string(got[0]) != "2" || got[1] != nil || got[2] != nil || string(got[3]) != "3" || string(got[len(got)-1]) != "3" {
		t.Errorf("Blobs: %d results, first %q", len(got), got[:4])
	}
	if data, err := r.Blob(x); err != nil || string(data) != "2" { // the stream is still in sync
		t.Errorf("Blob after Blobs: %q, %v", data, err)
	}
}

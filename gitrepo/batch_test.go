package gitrepo

import (
	"bufio"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// nopWriteCloser accepts and drops requests.
type nopWriteCloser struct{ strings.Builder }

func (*nopWriteCloser) Close() error { return nil }

func TestCatFileReplies(t *testing.T) {
	id := strings.Repeat("a", 40)
	tests := []struct {
		name, reply string
		limit       int64
		want        []string // per request: "kind:data" or "error:..."
	}{
		{"blob", id + " blob 5\nhello\n", 10, []string{"blob:hello"}},
		{"empty blob", id + " blob 0\n\n", 10, []string{"blob:"}},
		{"missing", "req missing\n", 10, []string{"error:missing"}},
		{"ambiguous", "req ambiguous\n", 10, []string{"error:ambiguous object name"}},
		{
			"too large, then in sync", id + " blob 12\nhello, world\n" + id + " blob 2\nok\n", 5,
			[]string{"error:is 12 bytes, over the limit of 5 bytes (MaxBlobSize)", "blob:ok"},
		},
		{"garbage header", "what\n", 10, []string{`error:unexpected reply to "req": "what"`}},
		{"bad size", id + " blob -3\n", 10, []string{`error:unexpected reply to "req": "` + id + ` blob -3"`}},
		{"truncated body", id + " blob 50\nshort", 100, []string{`error:reading "req": unexpected EOF`}},
		{"no reply", "", 10, []string{`error:reading the reply to "req": EOF`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &catFile{in: &nopWriteCloser{}, out: bufio.NewReader(strings.NewReader(tt.reply))}
			var got []string
			for range tt.want {
				obj, err := c.request("req", tt.limit)
				if err != nil {
					got = append(got, "error:"+err.Error())
					continue
				}
				got = append(got, obj.kind+":"+string(obj.data))
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("replies (-got +want):\n%s", diff)
			}
		})
	}
}

func TestCanceledContext(t *testing.T) {
	tr := newTestRepo(t)
	head := tr.commit("c", map[string]string{"a": "a"})
	ctx, cancel := context.WithCancel(context.Background())
	r, err := Open(ctx, tr.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cancel()
	if _, err := r.Commit(head).ReadFile("a"); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadFile after cancel: err = %v, want context.Canceled", err)
	}
	if _, err := r.Resolve("HEAD"); !errors.Is(err, context.Canceled) {
		t.Errorf("Resolve after cancel: err = %v, want context.Canceled", err)
	}
	if _, err := r.WorkTree().Glob("*"); !errors.Is(err, context.Canceled) {
		t.Errorf("Glob after cancel: err = %v, want context.Canceled", err)
	}
}

func TestDeadCatFileIsRestarted(t *testing.T) {
	tr := newTestRepo(t)
	head := tr.commit("c", map[string]string{"a": "a", "b": "b"})
	r := tr.open()
	var s starts
	s.watch(r)
	if _, err := r.Commit(head).ReadFile("a"); err != nil {
		t.Fatal(err)
	}
	r.batchMu.Lock()
	r.batch.cmd.Process.Kill()
	r.batch.cmd.Process.Wait()
	r.batchMu.Unlock()

	if _, err := r.Commit(head).ReadFile("b"); err == nil || !strings.Contains(err.Error(), "git cat-file --batch") {
		t.Errorf("ReadFile with a dead cat-file: err = %v, want it to name git cat-file", err)
	}
	if got := readAll(r.Commit(head), "b"); got["b"] != "b" {
		t.Errorf("ReadFile after a restart = %q, want %q", got["b"], "b")
	}
	if got := s.count("cat-file"); got != 2 {
		t.Errorf("%d cat-file processes, want 2", got)
	}
}

package gitrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLogFiles(t *testing.T) {
	tr := newTestRepo(t)
	first := tr.commit("first\n\nbody line\nCloses (#7)", map[string]string{"a": "1", "d/c": "1", "x": "1"})
	tr.commit("unrelated", map[string]string{"x": "2"})
	tr.git("checkout", "-q", "-b", "side")
	tr.commit("on the side", map[string]string{"d/e": "1"})
	tr.git("checkout", "-q", "main")
	tr.commit("second", map[string]string{"a": "2"})
	tr.git("merge", "-q", "--no-ff", "-m", "Merge side (#9)", "side")
	merge := tr.git("rev-parse", "HEAD")
	r := tr.open()

	got, err := r.LogFiles(context.Background(), "", "HEAD", []string{"a", "d"})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Subject, Message string
		Files            []string
	}
	var rows []row
	for _, e := range got {
		rows = append(rows, row{e.Subject, e.Message, e.Files})
	}
	want := []row{
		{"Merge side (#9)", "Merge side (#9)\n", []string{"d/e"}},
		{"second", "second\n", []string{"a"}},
		{"first", "first\n\nbody line\nCloses (#7)\n", []string{"a", "d/c"}},
	}
	if diff := cmp.Diff(rows, want); diff != "" {
		t.Errorf("LogFiles (-got +want):\n%s", diff)
	}
	if got[0].SHA != merge || len(got[0].Parents) != 2 || got[2].SHA != first {
		t.Errorf("commits: got %s (parents %v) ... %s", got[0].SHA, got[0].Parents, got[2].SHA)
	}

	// A range that excludes the first commit.
	got, err = r.LogFiles(context.Background(), first, "HEAD", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[2].Subject != "unrelated" || got[2].Files[0] != "x" {
		t.Errorf("range from first: %+v", got)
	}
	if _, err := r.LogFiles(context.Background(), "", "no-such-ref", nil); err == nil {
		t.Error("unknown ref: no error")
	}
}

func TestTags(t *testing.T) {
	tr := newTestRepo(t)
	first := tr.commit("first", map[string]string{"a": "1"})
	tr.git("tag", "cps-1.0")
	second := tr.commit("second", map[string]string{"a": "2"})
	tr.git("tag", "-a", "-m", "annotated", "cps-2.0")
	tr.git("tag", "cps-2.0-final")
	got, err := tr.open().Tags(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{first: {"cps-1.0"}, second: {"cps-2.0", "cps-2.0-final"}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Tags (-got +want):\n%s", diff)
	}
}

// LogFiles lists, newest first, the first-parent commits from..to with each
// one's full message and the paths it changed against its first parent
// (git log --first-parent --name-only), limited to paths when given. It is
// the straightforward reference that TestWalk holds Walk to.
func (r *Repo) LogFiles(ctx context.Context, from, to string, paths []string) ([]LogEntry, error) {
	rng, err := r.logRange(ctx, from, to, paths)
	if err != nil {
		return nil, err
	}
	args := append([]string{"log", "--first-parent", "--name-only", "--no-renames", "-z", logFilesFormat}, rng...)
	out, err := r.run(ctx, args...)
	if err != nil {
		return nil, err
	}
	entries, err := parseLogFiles(out)
	if err != nil {
		return nil, fmt.Errorf("git log: %w", err)
	}
	return entries, nil
}

// parseLogFiles reads the output of LogFiles's git log: per commit,
// "\x1e" SHA NUL parents NUL time NUL author NUL email NUL message NUL, then
// "\n" and the changed paths, each followed by NUL.
func parseLogFiles(out []byte) ([]LogEntry, error) {
	tokens := bytes.Split(out, []byte{0})
	var entries []LogEntry
	for i := 0; i < len(tokens); {
		tok := strings.TrimPrefix(string(tokens[i]), "\n")
		if tok == "" {
			i++
			continue
		}
		if !strings.HasPrefix(tok, "\x1e") {
			return nil, fmt.Errorf("unexpected record %q", tok)
		}
		if i+6 > len(tokens) {
			return nil, errors.New("truncated output")
		}
		var f [logFields]string
		f[0] = strings.TrimPrefix(tok, "\x1e")
		for k := 1; k < 5; k++ {
			f[k] = string(tokens[i+k])
		}
		msg := string(tokens[i+5])
		f[5], _, _ = strings.Cut(msg, "\n")
		c, err := newCommit(f)
		if err != nil {
			return nil, err
		}
		e := LogEntry{Commit: c, Message: msg}
		i += 6
		for ; i < len(tokens); i++ {
			name := strings.TrimPrefix(string(tokens[i]), "\n")
			if strings.HasPrefix(name, "\x1e") {
				break
			}
			if name != "" {
				e.Files = append(e.Files, name)
			}
		}
		entries = append(entries, e)
	}
	return entries, nil
}

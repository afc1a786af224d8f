package gitrepo

import (
	"context"
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

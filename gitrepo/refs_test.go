package gitrepo

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOpen(t *testing.T) {
	tr := newTestRepo(t)
	tr.commit("c", map[string]string{"sub/dir/x": "x"})
	r, err := Open(context.Background(), filepath.Join(tr.dir, "sub", "dir"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	want, err := filepath.EvalSymlinks(tr.dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.Root() != want {
		t.Errorf("Root() = %q, want %q", r.Root(), want)
	}
	if !r.HasCommits() || r.IsShallow() {
		t.Errorf("HasCommits() = %v, IsShallow() = %v; want true, false", r.HasCommits(), r.IsShallow())
	}
}

func TestOpenErrors(t *testing.T) {
	outside := t.TempDir()
	if _, err := Open(context.Background(), outside); err == nil || !strings.Contains(err.Error(), "not a git repository") {
		t.Errorf("Open outside a repository: err = %v, want it to quote git's 'not a git repository'", err)
	}
	if _, err := Open(context.Background(), filepath.Join(outside, "nope")); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("Open of a missing directory: err = %v, want it to name the directory", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tr := newTestRepo(t)
	if _, err := Open(ctx, tr.dir); !errors.Is(err, context.Canceled) {
		t.Errorf("Open with a canceled context: err = %v, want context.Canceled", err)
	}
}

func TestResolve(t *testing.T) {
	tr := newTestRepo(t)
	first := tr.commit("first", map[string]string{"a": "1"})
	second := tr.commit("second", map[string]string{"a": "2"})
	tr.git("tag", "-a", "-m", "annotated", "v1", first)
	r := tr.open()

	tests := []struct {
		ref, want, wantErr string
	}{
		{ref: "HEAD", want: second},
		{ref: "main", want: second},
		{ref: "HEAD~1", want: first},
		{ref: first[:10], want: first},
		{ref: "v1", want: first},
		{ref: "no-such-branch", wantErr: `resolve "no-such-branch": no such commit`},
		{ref: "HEAD~5", wantErr: `resolve "HEAD~5": no such commit`},
		{ref: "main^", want: first},
		{ref: "v1^{}", want: first},
		{ref: "main:a", wantErr: `resolve "main:a": `},
		{ref: "main a", wantErr: `resolve "main a": no such commit`},
		{ref: "--all", wantErr: `invalid revision "--all"`},
		{ref: "", wantErr: `invalid revision ""`},
	}
	for _, tt := range tests {
		got, err := r.Resolve(tt.ref)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("Resolve(%q) = %q, %v; want an error containing %q", tt.ref, got, err, tt.wantErr)
		case tt.wantErr != "" && strings.Contains(err.Error(), "shallow"):
			t.Errorf("Resolve(%q): %v; the repository is not shallow", tt.ref, err)
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("Resolve(%q) = %q, %v; want %q", tt.ref, got, err, tt.want)
		}
	}
}

func TestShallowClone(t *testing.T) {
	origin := newTestRepo(t)
	first := origin.commit("first", map[string]string{"a": "1"})
	origin.commit("second", map[string]string{"a": "2"})
	origin.commit("third", map[string]string{"a": "3"})
	clone := &testRepo{tb: t, dir: filepath.Join(t.TempDir(), "clone")}
	origin.git("clone", "-q", "--depth", "1", "file://"+origin.dir, clone.dir)
	clone.git("checkout", "-q", "-b", "feature")
	r := clone.open()

	if !r.IsShallow() {
		t.Fatal("IsShallow() = false in a --depth 1 clone")
	}
	for _, ref := range []string{"HEAD~1", first} {
		_, err := r.Resolve(ref)
		if err == nil || !strings.Contains(err.Error(), "shallow clone") || !strings.Contains(err.Error(), "fetch-depth: 0") {
			t.Errorf("Resolve(%q) in a shallow clone: err = %v, want it to explain the shallow clone", ref, err)
		}
		if _, err := r.MergeBase("HEAD", ref); err == nil || !strings.Contains(err.Error(), "shallow clone") {
			t.Errorf("MergeBase(HEAD, %q) in a shallow clone: err = %v, want it to explain the shallow clone", ref, err)
		}
		if _, err := r.Commit(ref).ReadFile("a"); err == nil || !strings.Contains(err.Error(), "shallow clone") {
			t.Errorf("Commit(%q).ReadFile in a shallow clone: err = %v, want it to explain the shallow clone", ref, err)
		}
	}
}

func TestMergeBase(t *testing.T) {
	tr := newTestRepo(t)
	base := tr.commit("base", map[string]string{"a": "1"})
	tr.git("checkout", "-q", "-b", "feature")
	tr.commit("feature", map[string]string{"b": "1"})
	tr.git("checkout", "-q", "main")
	tr.commit("main", map[string]string{"c": "1"})
	tr.git("checkout", "-q", "--orphan", "unrelated")
	tr.commit("unrelated", map[string]string{"d": "1"})
	r := tr.open()

	if got, err := r.MergeBase("main", "feature"); err != nil || got != base {
		t.Errorf("MergeBase(main, feature) = %q, %v; want %q", got, err, base)
	}
	if _, err := r.MergeBase("main", "unrelated"); err == nil || !strings.Contains(err.Error(), "no common ancestor") {
		t.Errorf("MergeBase of unrelated histories: err = %v", err)
	}
	if _, err := r.MergeBase("main", "nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("MergeBase with a missing ref: err = %v, want it to name the ref", err)
	}
}

func TestDefaultBase(t *testing.T) {
	tr := newTestRepo(t)
	base := tr.commit("base", map[string]string{"a": "1"})
	tr.git("checkout", "-q", "-b", "feature")
	feature := tr.commit("feature", map[string]string{"b": "1"})
	tr.git("checkout", "-q", "main")
	ahead := tr.commit("main moves on", map[string]string{"c": "1"})

	tests := []struct {
		name     string
		checkout string
		want     string
	}{
		{"feature branch", "feature", base},
		{"on main", "main", ahead},
		{"detached at the feature", feature, base},
		{"detached at main's tip", ahead, ahead},
		{"detached inside main's history", base, base},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr.git("checkout", "-q", tt.checkout)
			r := tr.open()
			if got, err := r.DefaultBase(); err != nil || got != tt.want {
				t.Errorf("DefaultBase() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestDefaultBaseWithOrigin(t *testing.T) {
	origin := newTestRepo(t)
	origin.git("checkout", "-q", "-b", "trunk")
	base := origin.commit("base", map[string]string{"a": "1"})
	clone := &testRepo{tb: t, dir: filepath.Join(t.TempDir(), "clone")}
	origin.git("clone", "-q", "file://"+origin.dir, clone.dir)
	clone.git("config", "user.name", "Bob")
	clone.git("config", "user.email", "bob@example.org")
	// A local main that is not the default branch must not win over origin/HEAD.
	clone.git("branch", "main", base)

	clone.git("checkout", "-q", "-b", "feature")
	clone.commit("feature", map[string]string{"b": "1"})
	if got, err := clone.open().DefaultBase(); err != nil || got != base {
		t.Errorf("feature branch: DefaultBase() = %q, %v; want %q", got, err, base)
	}

	clone.git("checkout", "-q", "trunk")
	unpushed := clone.commit("unpushed", map[string]string{"c": "1"})
	if got, err := clone.open().DefaultBase(); err != nil || got != unpushed {
		t.Errorf("on the default branch with an unpushed commit: DefaultBase() = %q, %v; want HEAD %q", got, err, unpushed)
	}
}

func TestDefaultBaseNone(t *testing.T) {
	tr := newTestRepo(t)
	tr.git("checkout", "-q", "-b", "trunk")
	tr.commit("c", map[string]string{"a": "1"})
	r := tr.open()
	if _, err := r.DefaultBase(); err == nil || !strings.Contains(err.Error(), "none of origin/HEAD") {
		t.Errorf("DefaultBase without a default branch: err = %v", err)
	}
}

func TestLogRangeErrors(t *testing.T) {
	tr := newTestRepo(t)
	tr.commit("only", map[string]string{"a": "1"})
	r := tr.open()
	for _, tt := range []struct {
		from, to string
		paths    []string
		want     string
	}{
		{"", "nope", nil, `resolve "nope"`},
		{"nope", "HEAD", nil, `resolve "nope"`},
		{"", "HEAD", []string{"../x"}, "escapes the repository root"},
	} {
		if _, err := r.logRange(context.Background(), tt.from, tt.to, tt.paths); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("logRange(%q, %q, %q): err = %v, want it to contain %q", tt.from, tt.to, tt.paths, err, tt.want)
		}
	}
}

// must parses an RFC 3339 time.
func must(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// TestShallowCheckoutLikeActions mimics actions/checkout with its default
// fetch-depth 1: one commit fetched by id, detached, no branches at all.
func TestShallowCheckoutLikeActions(t *testing.T) {
	origin := newTestRepo(t)
	origin.commit("first", map[string]string{"a": "1"})
	head := origin.commit("second", map[string]string{"a": "2"})
	ci := newTestRepo(t)
	ci.git("remote", "add", "origin", "file://"+origin.dir)
	ci.git("fetch", "-q", "--depth", "1", "origin", head)
	ci.git("checkout", "-q", "--detach", "FETCH_HEAD")
	r := ci.open()

	if !r.IsShallow() {
		t.Fatal("IsShallow() = false")
	}
	_, err := r.DefaultBase()
	if err == nil || !strings.Contains(err.Error(), "none of origin/HEAD") || !strings.Contains(err.Error(), "fetch-depth: 0") {
		t.Errorf("DefaultBase in a depth-1 checkout: err = %v, want it to explain the missing branch and the shallow clone", err)
	}
	if got := readAll(r.Commit(head), "a"); got["a"] != "2" {
		t.Errorf("ReadFile(a) at the fetched commit = %q", got["a"])
	}
}

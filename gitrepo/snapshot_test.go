package gitrepo

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// readAll reads names from snap, recording errors as "error: ..." strings.
func readAll(snap Snapshot, names ...string) map[string]string {
	got := map[string]string{}
	for _, name := range names {
		data, err := snap.ReadFile(name)
		if err != nil {
			got[name] = "error: " + err.Error()
			continue
		}
		got[name] = string(data)
	}
	return got
}

func TestReadAtTwoCommits(t *testing.T) {
	tr := newTestRepo(t)
	first := tr.commit("first", map[string]string{"a.txt": "a1", "docs/cps.md": "# CPS v1\n"})
	second := tr.commit("second", map[string]string{"a.txt": "a2", "b.txt": "b2"})
	r := tr.open()

	tests := []struct {
		rev  string
		want map[string]string
	}{
		{first, map[string]string{"a.txt": "a1", "docs/cps.md": "# CPS v1\n"}},
		{second, map[string]string{"a.txt": "a2", "b.txt": "b2", "docs/cps.md": "# CPS v1\n"}},
	}
	for _, tt := range tests {
		snap := r.Commit(tt.rev)
		if snap.Name() != tt.rev {
			t.Errorf("Name() = %q, want %q", snap.Name(), tt.rev)
		}
		got := map[string]string{}
		for name := range tt.want {
			data, err := snap.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			got[name] = string(data)
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("files at %s (-got +want):\n%s", tt.rev, diff)
		}
	}
	if _, err := r.Commit(first).ReadFile("b.txt"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("b.txt at the first commit: err = %v, want fs.ErrNotExist", err)
	}
}

func TestIndexAndWorkTree(t *testing.T) {
	tr := newTestRepo(t)
	head := tr.commit("base", map[string]string{
		".gitignore": "*.log\n",
		"flags.go":   "v1",
		"gone.txt":   "tracked, then deleted on disk",
	})
	tr.write(map[string]string{"flags.go": "v2"})
	tr.git("add", "flags.go")
	tr.write(map[string]string{"flags.go": "v3", "new.txt": "untracked", "debug.log": "ignored"})
	tr.remove("gone.txt")
	r := tr.open()

	t.Run("partial staging", func(t *testing.T) {
		got := map[string]string{}
		for _, snap := range []Snapshot{r.Commit(head), r.Index(), r.WorkTree()} {
			data, err := snap.ReadFile("flags.go")
			if err != nil {
				t.Fatal(err)
			}
			got[snap.Name()] = string(data)
		}
		want := map[string]string{head: "v1", IndexName: "v2", WorkTreeName: "v3"}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("flags.go (-got +want):\n%s", diff)
		}
	})
	t.Run("listings", func(t *testing.T) {
		got := map[string][]string{}
		for _, snap := range []Snapshot{r.Commit(head), r.Index(), r.WorkTree()} {
			names, err := snap.Glob("**")
			if err != nil {
				t.Fatal(err)
			}
			got[snap.Name()] = names
		}
		want := map[string][]string{
			head:         {".gitignore", "flags.go", "gone.txt"},
			IndexName:    {".gitignore", "flags.go", "gone.txt"},
			WorkTreeName: {".gitignore", "flags.go", "new.txt"},
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("Glob(**) (-got +want):\n%s", diff)
		}
	})
	t.Run("deleted and untracked files", func(t *testing.T) {
		if _, err := r.WorkTree().ReadFile("gone.txt"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("WorkTree gone.txt: err = %v, want fs.ErrNotExist", err)
		}
		if _, err := r.Index().ReadFile("new.txt"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Index new.txt: err = %v, want fs.ErrNotExist", err)
		}
		got := readAll(r.WorkTree(), "new.txt", "debug.log")
		want := map[string]string{"new.txt": "untracked", "debug.log": "ignored"}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("work tree reads (-got +want):\n%s", diff)
		}
	})
}

func TestReadFileErrors(t *testing.T) {
	tr := newTestRepo(t)
	head := tr.commit("c", map[string]string{"docs/cps.md": "x", "file": "f"})
	r := tr.open()

	tests := []struct {
		name     string
		notExist bool   // the error wraps fs.ErrNotExist
		want     string // the error contains this
	}{
		{"missing.txt", true, `read "missing.txt" at `},
		{"docs/missing.md", true, "file does not exist"},
		{"nodir/x.md", true, "file does not exist"},
		{"file/x", true, "file does not exist"},
		{"docs", false, "docs is a directory"},
		{"docs/", false, "docs is a directory"},
		{"./docs/./cps.md/..", false, "docs is a directory"},
		{"/etc/passwd", false, "absolute"},
		{"../outside", false, "escapes the repository root"},
		{"docs/../../outside", false, "escapes the repository root"},
		{".", false, "names the repository root"},
		{"", false, "empty"},
	}
	for _, snap := range []Snapshot{r.Commit(head), r.Index(), r.WorkTree(), r.Empty()} {
		for _, tt := range tests {
			notExist, want := tt.notExist, tt.want
			if snap.Name() == EmptyTree && strings.HasSuffix(want, "is a directory") {
				notExist, want = true, "file does not exist" // the empty tree has no directories
			}
			_, err := snap.ReadFile(tt.name)
			if err == nil {
				t.Errorf("%s: ReadFile(%q) succeeded", snap.Name(), tt.name)
				continue
			}
			if got := errors.Is(err, fs.ErrNotExist); got != notExist {
				t.Errorf("%s: ReadFile(%q) = %v; wraps fs.ErrNotExist: %v, want %v", snap.Name(), tt.name, err, got, notExist)
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: ReadFile(%q) = %v, want it to contain %q", snap.Name(), tt.name, err, want)
			}
		}
	}
}

func TestCommitNotFound(t *testing.T) {
	tr := newTestRepo(t)
	tr.commit("c", map[string]string{"a": "a"})
	r := tr.open()
	missing := strings.Repeat("ab", 20)
	_, err := r.Commit(missing).ReadFile("a")
	if err == nil || errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("ReadFile at a missing commit: err = %v, want an error naming the revision, not fs.ErrNotExist", err)
	}
	if _, err := r.Commit(missing).Glob("**"); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("Glob at a missing commit: err = %v, want an error naming the revision", err)
	}
	if _, err := r.Commit("a\nb").ReadFile("a"); err == nil || !strings.Contains(err.Error(), "newline") {
		t.Errorf("ReadFile at a revision with a newline: err = %v, want it rejected", err)
	}
}

func TestGlob(t *testing.T) {
	tr := newTestRepo(t)
	files := map[string]string{
		"README.md":                 "",
		"docs/CP-CPS.md":            "",
		"docs/old/CPS-4.md":         "",
		"deploy/prod.json":          "",
		"deploy/eu/staging.json":    "",
		"deploy/eu/west/test.json":  "",
		"deploy/eu/west/notes.txt":  "",
		"deployment/other.json":     "",
		"features/features.go":      "",
		"features/features_test.go": "",
	}
	head := tr.commit("c", files)
	r := tr.open()

	tests := []struct {
		pattern string
		want    []string
	}{
		{"**/*.md", []string{"README.md", "docs/CP-CPS.md", "docs/old/CPS-4.md"}},
		{"docs/*.md", []string{"docs/CP-CPS.md"}},
		{"docs/**/*.md", []string{"docs/CP-CPS.md", "docs/old/CPS-4.md"}},
		{"deploy/**/*.json", []string{"deploy/eu/staging.json", "deploy/eu/west/test.json", "deploy/prod.json"}},
		{"deploy/*/*.json", []string{"deploy/eu/staging.json"}},
		{"deploy*/*.json", []string{"deploy/prod.json", "deployment/other.json"}},
		{"features/features.go", []string{"features/features.go"}},
		{"features/feature?.go", []string{"features/features.go"}},
		{"features/[a-f]*_test.go", []string{"features/features_test.go"}},
		{"*.md", []string{"README.md"}},
		{"nothing/**", nil},
		{"docs/CP-CPS.md/**", []string{"docs/CP-CPS.md"}}, // ** matches zero segments too
	}
	for _, snap := range []Snapshot{r.Commit(head), r.Index(), r.WorkTree()} {
		for _, tt := range tests {
			got, err := snap.Glob(tt.pattern)
			if err != nil {
				t.Errorf("%s: Glob(%q): %v", snap.Name(), tt.pattern, err)
				continue
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("%s: Glob(%q) (-got +want):\n%s", snap.Name(), tt.pattern, diff)
			}
		}
	}
	for _, bad := range []string{"[", "docs/[a-", "/abs/*.md", "../*.md", ""} {
		for _, snap := range []Snapshot{r.Commit(head), r.Index(), r.WorkTree(), r.Empty()} {
			if got, err := snap.Glob(bad); err == nil {
				t.Errorf("%s: Glob(%q) = %q, want an error", snap.Name(), bad, got)
			}
		}
	}
}

func TestGlobSmallDirectoriesWithoutAProcess(t *testing.T) {
	tr := newTestRepo(t)
	head := tr.commit("c", map[string]string{"docs/a.md": "", "docs/b.md": "", "x/y.json": "", "x/z/w.json": ""})
	r := tr.open()
	var s starts
	s.watch(r)
	for _, pattern := range []string{"docs/*.md", "docs/**", "docs/a.md", "x/*.json", "x/**/*.json", "**"} {
		if _, err := r.Commit(head).Glob(pattern); err != nil {
			t.Fatal(err)
		}
	}
	if got := s.count("ls-tree"); got != 0 {
		t.Errorf("ls-tree ran %d times, want 0: small directories are read through the batch process", got)
	}
}

func TestGlobLargeDirectoryOneLsTreePerPrefix(t *testing.T) {
	tr := newTestRepo(t)
	files := map[string]string{"top.json": ""}
	for i := range maxWalkTrees + 5 {
		files[fmt.Sprintf("deploy/env%03d/config.json", i)] = ""
	}
	head := tr.commit("c", files)
	r := tr.open()
	var s starts
	s.watch(r)
	for _, pattern := range []string{"deploy/**/*.json", "deploy/**", "deploy/env001/*.json"} {
		got, err := r.Commit(head).Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			t.Errorf("Glob(%q) listed nothing", pattern)
		}
	}
	if got := s.count("ls-tree"); got != 1 {
		t.Errorf("ls-tree ran %d times for one large prefix, want 1 (cached)", got)
	}
}

// TestWalkEqualsLsTree holds the batch listing to what git ls-tree -r lists,
// for every prefix of a tree with nested directories, odd names, a symlink
// and a submodule.
func TestWalkEqualsLsTree(t *testing.T) {
	tr := newTestRepo(t)
	first := tr.commit("first", map[string]string{
		"a.txt": "", "docs/cps.md": "", "docs/sub/deep/x.md": "", "docs/sub/y.md": "",
		"odd dir/ü name.json": "", "docs/sub/deep/z.json": "",
	})
	if err := os.Symlink("docs", filepath.Join(tr.dir, "link")); err != nil {
		t.Fatal(err)
	}
	tr.git("add", "link")
	tr.git("update-index", "--add", "--cacheinfo", "160000,"+first+",docs/sub/module")
	tr.git("commit", "-q", "-m", "link and gitlink")
	head := tr.git("rev-parse", "HEAD")
	r := tr.open()
	for _, prefix := range []string{"", "docs", "docs/sub", "docs/sub/deep", "docs/cps.md", "link", "docs/sub/module", "odd dir", "missing", "a.txt/x"} {
		got, ok, err := r.walk(head, prefix, maxWalkTrees)
		if err != nil || !ok {
			t.Fatalf("walk(%q) = %v, %v", prefix, ok, err)
		}
		out, err := r.run(r.ctx, append([]string{"ls-tree", "-r", "-z", "--full-tree", head}, pathspec(prefix)...)...)
		if err != nil {
			t.Fatal(err)
		}
		want, err := parseLsTree(out)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		slices.Sort(want)
		if diff := cmp.Diff(got, want, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("walk(%q) differs from ls-tree (-got +want):\n%s", prefix, diff)
		}
	}
}

func TestEmptyRepository(t *testing.T) {
	tr := newTestRepo(t)
	tr.write(map[string]string{"staged.txt": "staged", "untracked.txt": "u"})
	tr.git("add", "staged.txt")
	r := tr.open()

	if r.HasCommits() {
		t.Error("HasCommits() = true in a repository without commits")
	}
	if got := readAll(r.Index(), "staged.txt"); got["staged.txt"] != "staged" {
		t.Errorf("Index staged.txt = %q", got["staged.txt"])
	}
	names, err := r.WorkTree().Glob("*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(names, []string{"staged.txt", "untracked.txt"}); diff != "" {
		t.Errorf("work tree listing (-got +want):\n%s", diff)
	}
	empty := r.Empty()
	if empty.Name() != EmptyTree {
		t.Errorf("Empty().Name() = %q, want %q", empty.Name(), EmptyTree)
	}
	if names, err := empty.Glob("**"); err != nil || names != nil {
		t.Errorf("Empty().Glob(**) = %q, %v; want nothing", names, err)
	}
	if _, err := empty.ReadFile("staged.txt"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Empty().ReadFile: err = %v, want fs.ErrNotExist", err)
	}
	for _, f := range []func() (string, error){
		func() (string, error) { return r.Resolve("HEAD") },
		r.DefaultBase,
	} {
		if _, err := f(); !errors.Is(err, ErrNoCommits) {
			t.Errorf("err = %v, want ErrNoCommits", err)
		}
	}
}

func TestSymlinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	tr := newTestRepo(t)
	tr.write(map[string]string{"real/cps.md": "inside"})
	for link, target := range map[string]string{"escape": "/etc/passwd", "inner": "real/cps.md", "dirlink": "real"} {
		if err := os.Symlink(target, filepath.Join(tr.dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	head := tr.commit("links", nil)
	r := tr.open()

	tests := []struct{ name, want string }{
		{"escape", "escape is a symbolic link"},
		{"inner", "inner is a symbolic link"},
		{"dirlink/cps.md", "dirlink is a symbolic link"},
	}
	for _, snap := range []Snapshot{r.Commit(head), r.Index(), r.WorkTree()} {
		for _, tt := range tests {
			_, err := snap.ReadFile(tt.name)
			if snap.Name() == IndexName && tt.name == "dirlink/cps.md" {
				// The index has no directories: the path is simply not there.
				if !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("%s: ReadFile(%q): err = %v, want fs.ErrNotExist", snap.Name(), tt.name, err)
				}
				continue
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: ReadFile(%q): err = %v, want it to contain %q", snap.Name(), tt.name, err, tt.want)
			}
		}
		// A glob that matches a link, or could reach files through it, is
		// refused; one that cannot reach it lists the files.
		globs := []struct{ pattern, wantErr string }{
			{"**", `dirlink is a symbolic link that glob "**" reaches`},
			{"inner", `inner is a symbolic link that glob "inner" reaches`},
			{"dirlink/*.md", `dirlink is a symbolic link that glob "dirlink/*.md" reaches`},
			{"*/cps.md", `dirlink is a symbolic link that glob "*/cps.md" reaches`},
			{"real/*.md", ""},
			{"*.md", ""},
		}
		for _, g := range globs {
			names, err := snap.Glob(g.pattern)
			got := ""
			if err != nil {
				got = err.Error()
				var le *LinkError
				if !errors.As(err, &le) {
					t.Errorf("%s: Glob(%q): err %v is not a *LinkError", snap.Name(), g.pattern, err)
				}
			}
			if g.wantErr == "" && err != nil || g.wantErr != "" && !strings.HasPrefix(got, g.wantErr) {
				t.Errorf("%s: Glob(%q): err = %q, want %q", snap.Name(), g.pattern, got, g.wantErr)
			}
			if g.pattern == "real/*.md" {
				if diff := cmp.Diff(names, []string{"real/cps.md"}); diff != "" {
					t.Errorf("%s: listing (-got +want):\n%s", snap.Name(), diff)
				}
			}
		}
	}
}

func TestMatchUnder(t *testing.T) {
	tests := []struct {
		pattern, dir string
		want         bool
	}{
		{"deploy/**/*.json", "deploy/eu", true},
		{"deploy/**/*.json", "deploy", true},
		{"deploy/*.json", "deploy/eu", false},
		{"deploy/*/*.json", "deploy/eu", true},
		{"deploy/*/*.json", "deploy/eu/x", false},
		{"deploy/*.json", "other", false},
		{"**", "x", true},
		{"*.json", "x", false},
		{"a/b/c.json", "a", true},
		{"a/b/c.json", "a/c", false},
	}
	for _, tt := range tests {
		if got := MatchUnder(tt.pattern, tt.dir); got != tt.want {
			t.Errorf("MatchUnder(%q, %q) = %v, want %v", tt.pattern, tt.dir, got, tt.want)
		}
	}
}

func TestSubmodulesAreRefused(t *testing.T) {
	tr := newTestRepo(t)
	first := tr.commit("first", map[string]string{"a.txt": "a"})
	tr.git("update-index", "--add", "--cacheinfo", "160000,"+first+",vendor/sub")
	if err := os.MkdirAll(filepath.Join(tr.dir, "vendor", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	tr.git("commit", "-q", "-m", "add a gitlink")
	head := tr.git("rev-parse", "HEAD")
	r := tr.open()

	for _, snap := range []Snapshot{r.Commit(head), r.Index(), r.WorkTree()} {
		_, err := snap.Glob("**")
		if want := `vendor/sub is a submodule (gitlink) that glob "**" reaches`; err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: Glob(**): err = %v, want %q", snap.Name(), err, want)
		}
		names, err := snap.Glob("*.txt")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(names, []string{"a.txt"}); diff != "" {
			t.Errorf("%s: listing (-got +want):\n%s", snap.Name(), diff)
		}
		_, err = snap.ReadFile("vendor/sub")
		if want := "vendor/sub is a"; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: ReadFile(vendor/sub): err = %v, want it to contain %q", snap.Name(), err, want)
		}
	}
}

func TestOddFileNames(t *testing.T) {
	names := []string{
		"docs/My CPS v5.md",
		"docs/Zertifizierungsrichtlinie ü.md",
		"docs/認証局.md",
		"docs/tab\there.md",
		`docs/"quoted" and \back.md`,
		"-leading-dash.md",
	}
	if runtime.GOOS != "windows" {
		names = append(names, "docs/new\nline.md")
	}
	tr := newTestRepo(t)
	files := map[string]string{}
	for _, name := range names {
		files[name] = "content of " + name
	}
	head := tr.commit("odd names", files)
	r := tr.open()

	for _, snap := range []Snapshot{r.Commit(head), r.Index(), r.WorkTree()} {
		got := readAll(snap, names...)
		if diff := cmp.Diff(got, files); diff != "" {
			t.Errorf("%s: reads (-got +want):\n%s", snap.Name(), diff)
		}
		listed, err := snap.Glob("**/*.md")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(listed, slices.Sorted(maps.Keys(files))); diff != "" {
			t.Errorf("%s: Glob(**/*.md) (-got +want):\n%s", snap.Name(), diff)
		}
		spaced, err := snap.Glob("docs/My CPS*.md")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(spaced, []string{"docs/My CPS v5.md"}); diff != "" {
			t.Errorf("%s: Glob with a space (-got +want):\n%s", snap.Name(), diff)
		}
	}
}

func TestMergeConflictInIndex(t *testing.T) {
	tr := newTestRepo(t)
	tr.commit("base", map[string]string{"cps.md": "base\n", "other.md": "other\n"})
	tr.git("checkout", "-q", "-b", "feature")
	tr.commit("feature", map[string]string{"cps.md": "feature\n"})
	tr.git("checkout", "-q", "main")
	tr.commit("main", map[string]string{"cps.md": "main\n"})
	if _, err := tr.gitErr("merge", "-q", "feature"); err == nil {
		t.Fatal("the merge succeeded; want a conflict")
	}
	r := tr.open()

	_, err := r.Index().ReadFile("cps.md")
	if want := "cps.md is unmerged"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("ReadFile(cps.md) during a conflict: err = %v, want it to contain %q", err, want)
	}
	if got := readAll(r.Index(), "other.md"); got["other.md"] != "other\n" {
		t.Errorf("ReadFile(other.md) = %q", got["other.md"])
	}
	names, err := r.Index().Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(names, []string{"cps.md", "other.md"}); diff != "" {
		t.Errorf("index listing during a conflict (-got +want):\n%s", diff)
	}
}

func TestBlobOverLimit(t *testing.T) {
	tr := newTestRepo(t)
	big := strings.Repeat("x", 200)
	head := tr.commit("c", map[string]string{"big.bin": big, "small.txt": "small"})
	r := tr.open()
	r.MaxBlobSize = 100

	for _, snap := range []Snapshot{r.Commit(head), r.Index(), r.WorkTree()} {
		for range 2 { // the second round proves the stream stayed in sync
			_, err := snap.ReadFile("big.bin")
			if want := `read "big.bin" at ` + snap.Name() + ": is 200 bytes, over the limit of 100 bytes"; err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: ReadFile(big.bin): err = %v, want it to contain %q", snap.Name(), err, want)
			}
			if got := readAll(snap, "small.txt"); got["small.txt"] != "small" {
				t.Errorf("%s: small.txt after big.bin = %q", snap.Name(), got["small.txt"])
			}
		}
	}
}

func TestOneCatFileProcessForAllReads(t *testing.T) {
	tr := newTestRepo(t)
	files := map[string]string{}
	for i := range 200 {
		files[fmt.Sprintf("dir%d/file%03d.txt", i%7, i)] = fmt.Sprint("content ", i)
	}
	head := tr.commit("many", files)
	r := tr.open()
	var s starts
	s.watch(r)

	for _, snap := range []Snapshot{r.Commit(head), r.Index()} {
		names, err := snap.Glob("**/*.txt")
		if err != nil {
			t.Fatal(err)
		}
		if len(names) != 200 {
			t.Fatalf("%s: %d files listed, want 200", snap.Name(), len(names))
		}
		if diff := cmp.Diff(readAll(snap, names...), files); diff != "" {
			t.Errorf("%s: reads (-got +want):\n%s", snap.Name(), diff)
		}
	}
	if got := s.count("cat-file"); got != 1 {
		t.Errorf("%d cat-file processes started for 400 reads, want 1", got)
	}
}

func TestCloseAndRestart(t *testing.T) {
	tr := newTestRepo(t)
	head := tr.commit("c", map[string]string{"a": "a"})
	r := tr.open()
	var s starts
	s.watch(r)
	for range 2 {
		if got := readAll(r.Commit(head), "a"); got["a"] != "a" {
			t.Fatalf("ReadFile(a) = %q", got["a"])
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if got := s.count("cat-file"); got != 2 {
		t.Errorf("%d cat-file processes, want 2 (one per read after a Close)", got)
	}
}

func TestConcurrentReads(t *testing.T) {
	tr := newTestRepo(t)
	files := map[string]string{}
	for i := range 20 {
		files[fmt.Sprintf("f%02d", i)] = strings.Repeat(fmt.Sprint(i), 1000+i)
	}
	head := tr.commit("c", files)
	r := tr.open()

	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for _, snap := range []Snapshot{r.Commit(head), r.Index(), r.WorkTree(), r.Commit(head)} {
		for name, want := range files {
			wg.Go(func() {
				if got := readAll(snap, name)[name]; got != want {
					errs <- fmt.Errorf("%s: %s = %.40q…, want %.40q…", snap.Name(), name, got, want)
				}
				if _, err := snap.Glob("f*"); err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestBlobsAreKept holds that a blob read once is not read again while the
// Repo is open (base and head share most files): with its object deleted
// from the object database, the same blob still reads at another commit,
// until Close drops what was kept.
func TestBlobsAreKept(t *testing.T) {
	tr := newTestRepo(t)
	first := tr.commit("c1", map[string]string{"shared.json": `{"a": true}`, "x": "1"})
	second := tr.commit("c2", map[string]string{"x": "2"})
	r := tr.open()
	if got := readAll(r.Commit(first), "shared.json"); got["shared.json"] != `{"a": true}` {
		t.Fatalf("ReadFile at c1 = %q", got["shared.json"])
	}
	id := tr.git("rev-parse", second+":shared.json")
	if err := os.Remove(filepath.Join(tr.dir, ".git", "objects", id[:2], id[2:])); err != nil {
		t.Fatal(err)
	}
	if got := readAll(r.Commit(second), "shared.json"); got["shared.json"] != `{"a": true}` {
		t.Fatalf("ReadFile at c2 after the object was deleted = %q, want the kept blob", got["shared.json"])
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readAll(r.Commit(second), "shared.json"); !strings.HasPrefix(got["shared.json"], "error: ") {
		t.Errorf("ReadFile after Close = %q, want an error (the blob is gone and nothing is kept)", got["shared.json"])
	}
}

// TestPrefetch checks that Prefetch caches the blobs of a commit's regular
// files among the names, in one batch, and that ReadFile then answers as it
// does without it, also for names that are no regular file.
func TestPrefetch(t *testing.T) {
	tr := newTestRepo(t)
	tr.write(map[string]string{"a": "A", "b": "B", "dir/c": "C", "dir/d": "B"})
	if err := os.Symlink("a", filepath.Join(tr.dir, "link")); err != nil {
		t.Fatal(err)
	}
	head := tr.commit("c", nil)
	names := []string{"a", "b", "dir/c", "dir/d", "missing", "dir", "link", "../a"}
	read := func(snap Snapshot) map[string]string {
		got := map[string]string{}
		for _, name := range names {
			data, err := snap.ReadFile(name)
			if err != nil {
				got[name] = "error: " + err.Error()
				continue
			}
			got[name] = string(data)
		}
		return got
	}
	want := read(tr.open().Commit(head))

	r := tr.open()
	var s starts
	s.watch(r)
	snap := r.Commit(head)
	snap.(Prefetcher).Prefetch(names)
	r.mu.Lock()
	cached := len(r.blobs)
	r.mu.Unlock()
	if cached != 3 { // A, B and C: dir/d is B
		t.Errorf("Prefetch cached %d blobs; want 3", cached)
	}
	if diff := cmp.Diff(read(snap), want); diff != "" {
		t.Errorf("ReadFile after Prefetch (-got +want):\n%s", diff)
	}
	if got := s.count("cat-file"); got != 1 {
		t.Errorf("%d cat-file processes; want 1", got)
	}
}

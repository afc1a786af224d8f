package gitrepo

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"a.md", "a.md", true},
		{"a.md", "b/a.md", false},
		{"*.md", "a.md", true},
		{"*.md", "docs/a.md", false}, // * stays within a segment
		{"**/*.md", "a.md", true},    // ** matches zero segments
		{"**/*.md", "docs/a.md", true},
		{"**/*.md", "docs/x/y/a.md", true},
		{"**/*.md", "docs/a.mdx", false},
		{"docs/**", "docs", true},
		{"docs/**", "docs/a/b", true},
		{"docs/**", "docsx/a", false},
		{"**", "anything/at/all", true},
		{"deploy/**/*.json", "deploy/prod.json", true},
		{"deploy/**/*.json", "deploy/eu/west/prod.json", true},
		{"deploy/**/*.json", "other/deploy/prod.json", false},
		{"**/deploy/*.json", "a/b/deploy/prod.json", true},
		{"a/**/b/**/c", "a/b/c", true},
		{"a/**/b/**/c", "a/x/b/y/z/c", true},
		{"a/**/b/**/c", "a/x/y/c", false},
		{"a/**/**/c", "a/c", true},
		{"a/**/c", "a/b/c/d", false},
		{"a/**/c", "a/c/x/c", true},
		{"file?.go", "file1.go", true},
		{"file?.go", "file10.go", false},
		{"[a-c]*.go", "b_test.go", true},
		{"[^a-c]*.go", "b_test.go", false},
		{`\*.md`, "*.md", true},
		{`\*.md`, "a.md", false},
		{"a**b", "axxb", true},   // ** inside a segment is a plain *
		{"a**b", "ax/xb", false}, // and does not cross a slash
		{"[", "[", false},        // malformed
		{"*", "", true},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.name); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

func TestMatchManyDoubleStarsIsFast(t *testing.T) {
	// Backtracking over every split would take ages; the matcher is linear
	// in the pattern per name segment.
	pattern := strings.Repeat("**/", 30) + "x"
	name := strings.Repeat("d/", 200) + "y"
	if Match(pattern, name) {
		t.Errorf("Match(%q, %q) = true", pattern, name)
	}
}

func TestLiteralDir(t *testing.T) {
	tests := map[string]string{
		"deploy/**/*.json":     "deploy",
		"deploy/eu/*.json":     "deploy/eu",
		"docs/CP-CPS.md":       "docs",
		"CP-CPS.md":            "",
		"*.md":                 "",
		"**":                   "",
		"a/b[0-9]/c":           "a",
		`a/\*/c`:               "a",
		"features/features.go": "features",
	}
	got := map[string]string{}
	for pattern := range tests {
		got[pattern] = literalDir(pattern)
	}
	if diff := cmp.Diff(got, tests); diff != "" {
		t.Errorf("literalDir (-got +want):\n%s", diff)
	}
}

func TestCleanPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a/b.md", "a/b.md"},
		{"./a//b.md", "a/b.md"},
		{"a/../b.md", "b.md"},
		{"a/b/", "a/b"},
		{"/a", "error"},
		{"..", "error"},
		{"a/../../b", "error"},
		{".", "error"},
		{"", "error"},
	}
	for _, tt := range tests {
		got, err := cleanPath(tt.in)
		if err != nil {
			got = "error"
		}
		if got != tt.want {
			t.Errorf("cleanPath(%q) = %q (%v), want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseTree(t *testing.T) {
	id := strings.Repeat("\x01", 20)
	data := []byte("100644 a file\x00" + id + "40000 dir\x00" + id + "120000 link\x00" + id)
	got, err := parseTree(data, 20)
	if err != nil {
		t.Fatal(err)
	}
	hexID := strings.Repeat("01", 20)
	want := map[string]entry{
		"a file": {mode: 0o100644, id: hexID},
		"dir":    {mode: 0o040000, id: hexID},
		"link":   {mode: 0o120000, id: hexID},
	}
	if diff := cmp.Diff(got, want, cmp.AllowUnexported(entry{})); diff != "" {
		t.Errorf("parseTree (-got +want):\n%s", diff)
	}
	for _, bad := range []string{"100644 a", "100644 a\x00short", "9z a\x00" + id} {
		if _, err := parseTree([]byte(bad), 20); err == nil {
			t.Errorf("parseTree(%q) succeeded", bad)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	for b.Loop() {
		Match("deploy/**/*.json", "deploy/eu/west/prod.json")
	}
}

// benchRepo makes a repository with n files spread over a few directories.
func benchRepo(b *testing.B, n int) (*Repo, string, []string) {
	tr := newTestRepo(b)
	files := map[string]string{}
	var names []string
	for i := range n {
		name := fmt.Sprintf("dir%d/sub/file%04d.json", i%10, i)
		files[name] = strings.Repeat(fmt.Sprint(i), 100)
		names = append(names, name)
	}
	head := tr.commit("bench", files)
	return tr.open(), head, names
}

func BenchmarkReadFiles(b *testing.B) {
	r, head, names := benchRepo(b, 100)
	snap := r.Commit(head)
	for b.Loop() {
		for _, name := range names {
			if _, err := snap.ReadFile(name); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkGlob(b *testing.B) {
	r, head, _ := benchRepo(b, 1000)
	snap := r.Commit(head)
	for b.Loop() {
		names, err := snap.Glob("dir*/**/*.json")
		if err != nil {
			b.Fatal(err)
		}
		if len(names) != 1000 {
			b.Fatalf("%d names, want 1000", len(names))
		}
	}
}

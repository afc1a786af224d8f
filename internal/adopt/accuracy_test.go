package adopt

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cpsgate/cpsgate/flags"
)

// truth is a flag's hand-set links.
type truth struct {
	flag, doc string
	links     []string
}

// readFixture reads the lines of a testdata file that are not comments,
// split at tabs.
func readFixture(t *testing.T, name string) [][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, strings.Split(line, "\t"))
		}
	}
	return out
}

// writeCA40 writes the scripted 40-flag CA codebase into dir: a CPS with
// every section of the RFC 3647 outline (those without text in
// sections.txt read "No stipulation."), half the flags as fields of a Go
// struct, the other half as an iota enum with a defaults map, and a
// deployment config; it returns the hand-set links.
func writeCA40(t *testing.T, dir string) []truth {
	t.Helper()
	texts := map[string]string{}
	for _, f := range readFixture(t, "ca40/sections.txt") {
		texts[f[0]] = strings.ReplaceAll(f[1], `\n`, "\n\n")
	}
	outline, err := os.ReadFile(filepath.Join("..", "..", "cps", "rfc3647.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var doc strings.Builder
	doc.WriteString("# Example CA CP/CPS\n\n")
	used := 0
	for _, line := range strings.Split(strings.TrimSpace(string(outline)), "\n") {
		id, title, _ := strings.Cut(line, "\t")
		text, ok := texts[id]
		if ok {
			used++
		} else {
			text = "No stipulation."
		}
		fmt.Fprintf(&doc, "%s %s %s\n\n%s\n\n", strings.Repeat("#", strings.Count(id, ".")+1), id, title, text)
	}
	if used != len(texts) {
		t.Fatalf("sections.txt has %d sections, %d of them in the outline", len(texts), used)
	}
	var truths []truth
	for _, f := range readFixture(t, "ca40/flags.txt") {
		truths = append(truths, truth{flag: f[0], links: strings.Split(f[1], ","), doc: f[2]})
	}
	var st, enum, defaults, prod strings.Builder
	st.WriteString("// Package features holds the feature flags.\npackage features\n\n// Config is the set of feature flags.\ntype Config struct {\n")
	enum.WriteString("// Package legacy holds the flags of the older services.\npackage legacy\n\n// FeatureFlag names a flag.\ntype FeatureFlag int\n\nconst (\n\tunused FeatureFlag = iota\n")
	defaults.WriteString("\nvar features = map[FeatureFlag]bool{\n")
	prod.WriteString(`{"ra": {"features": {`)
	for i, tr := range truths {
		if i < len(truths)/2 {
			fmt.Fprintf(&st, "\t// %s\n\t%s bool\n\n", tr.doc, tr.flag)
			if i%3 == 0 {
				if i > 0 {
					prod.WriteString(", ")
				}
				fmt.Fprintf(&prod, "%q: %v", tr.flag, i%2 == 0)
			}
			continue
		}
		fmt.Fprintf(&enum, "\t// %s\n\t%s\n", tr.doc, tr.flag)
		fmt.Fprintf(&defaults, "\t%s: %v,\n", tr.flag, i%2 == 0)
	}
	st.WriteString("}\n")
	enum.WriteString(")\n" + defaults.String() + "}\n")
	prod.WriteString("}}}\n")
	for name, text := range map[string]string{
		"docs/CPS.md": doc.String(), "features/features.go": st.String(),
		"legacy/flags.go": enum.String(), "deploy/prod.json": prod.String(),
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return truths
}

// topOneAccuracy runs init's detection and drafting on dir and returns how
// many flags' best suggestion is one of their hand-set links, and the misses.
func topOneAccuracy(t *testing.T, dir string, truths []truth) (right int, misses []string) {
	t.Helper()
	tree, err := NewTree(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	found, err := tree.Detect(nil, []string{".cpsgate.yaml", "flags/registry.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Plan(tree, found, ".cpsgate.yaml", "flags/registry.yaml")
	if err != nil {
		t.Fatal(err)
	}
	drafts := map[string]Draft{}
	for _, d := range res.Drafts {
		drafts[d.Flag] = d
	}
	if len(drafts) != len(truths) {
		t.Errorf("init drafted %d flags, want %d", len(drafts), len(truths))
	}
	for _, tr := range truths {
		d := drafts[tr.flag]
		var top string
		if len(d.Suggested) > 0 {
			top = d.Suggested[0].ID
		}
		if slices.Contains(tr.links, top) {
			right++
			continue
		}
		var got []string
		for _, m := range d.Suggested {
			got = append(got, fmt.Sprintf("%s %s (%.2f)", m.ID, m.Title, m.Score))
		}
		misses = append(misses, fmt.Sprintf("%s: want %s, got %s", tr.flag, strings.Join(tr.links, "/"), strings.Join(got, "; ")))
	}
	return right, misses
}

// TestAccuracyCA40 measures the top-1 accuracy of the drafted suggestions
// on the scripted 40-flag codebase against the links set by hand.
func TestAccuracyCA40(t *testing.T) {
	dir := t.TempDir()
	truths := writeCA40(t, dir)
	right, misses := topOneAccuracy(t, dir, truths)
	t.Logf("top-1 accuracy on the 40-flag CA: %d/%d", right, len(truths))
	for _, m := range misses {
		t.Log("miss: " + m)
	}
	const floor = 30 // 75%
	if right < floor {
		t.Errorf("top-1 accuracy %d/%d is below the floor of %d", right, len(truths), floor)
	}
}

// TestAccuracyDemo measures the same on the demo's example CA, against the
// links of its hand-written registry.
func TestAccuracyDemo(t *testing.T) {
	demo := filepath.Join("..", "..", "cmd", "cpsgate", "demo")
	src, err := os.ReadFile(filepath.Join(demo, "flags", "registry.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	reg, err := flags.DecodeRegistry("registry.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	var truths []truth
	for _, e := range reg.Flags {
		truths = append(truths, truth{flag: e.Name, links: e.CPS})
	}
	// A copy without the configuration and registry, as before adoption.
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(demo)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{".cpsgate.yaml", "flags/registry.yaml"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	right, misses := topOneAccuracy(t, dir, truths)
	t.Logf("top-1 accuracy on the demo CA: %d/%d", right, len(truths))
	if right != len(truths) {
		t.Errorf("top-1 accuracy %d/%d, want all: %s", right, len(truths), strings.Join(misses, "; "))
	}
}

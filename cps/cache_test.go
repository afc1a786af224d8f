package cps

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// cacheDocs are documents with the constructs the segments of ParseCache
// must respect.
var cacheDocs = []string{
	"# 1. INTRODUCTION\n\n## 1.1 Overview\n\ntext\n\n## 1.2 Name\n\nmore\n",
	"\uFEFF---\na: b\n---\r\n## **4.2**\tTitle\r\n#### Profile\r\nx\r\n",
	"1.1 Over\nview\n---\n\n# Appendix A: Foo\n## A.1 Bar\n",
	"- ## 1 list\n> ## 2 quote\n```\n## 3\n```\n## 3 Same\n## 3 Same\n",
	"+++\nx\n+++\n##\n#\n###### 9.17\n",
	"# 1 A\n\n- item\n\n  continued\n\n# 2 B\n\n> quote\n\n# 3 C\n\n    code\n\n# 3.1 D\n",
	"# 1 A\n\n- item\n\n## 1.1 in list?\n\n1. one\n2. two\n\n## 1.2 [link][ref] *em*\n\n[ref]: /url\n",
	"# 1 A\n\n<div>\n\n# 2 B\n\n</div>\n\n# 3 C <b>x</b>\n\n<!--\n\n# 4 D\n\n-->\n",
	"# 1 A\n\nSetext\n======\n\n# 1 A\n\nx\n",
	"# 2 Dup\n\n# 2 Dup\n",
	"# 1 Same title\n\n## Same title\n\n## Same title\n\n# 2 Same title\n",
	"#1 no space\n\n# 1 Intro\n\n#\n\n# 2 Two\ntext\n# 3 Three\n\n   # 4 indented\n",
	"# 1 A\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n# 2 B\n\n~~~\n# 3 not\n~~~\n",
	"# 1 A\n\n> > > deep\n\n# 2 B\n\n<pre>\n\n# 3 C\n\n</pre>\n",
	"",
	"no headings at all\n",
}

// generatedDoc is a document of n sections, some with extra paragraphs.
func generatedDoc(n int, extra map[int]int) string {
	var b strings.Builder
	b.WriteString("# Generated CP/CPS\n\nIntro.\n\n")
	for i := range n {
		id := fmt.Sprintf("%d.%d", i/5+1, i%5+1)
		if i%5 == 0 {
			fmt.Fprintf(&b, "# %d Chapter %d\n\n", i/5+1, i/5+1)
		}
		fmt.Fprintf(&b, "## %s Section %s\n\nThe CA does %s.\n\n", id, id, id)
		for k := range extra[i] {
			fmt.Fprintf(&b, "Clarification %d.\n\n", k+1)
		}
	}
	return b.String()
}

// TestParseCache checks that ParseCache parses as Parse does, on the
// documents above, the test data, the fuzz seeds and versions of a
// generated document, each also with one line removed, doubled, indented or
// followed by a blank line, through one cache shared by all.
func TestParseCache(t *testing.T) {
	inputs := append([]string(nil), cacheDocs...)
	files, _ := filepath.Glob("testdata/*.md")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, string(data))
	}
	seeds, _ := filepath.Glob("testdata/fuzz/FuzzParse/*")
	for _, f := range seeds {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if q, ok := strings.CutPrefix(line, "[]byte("); ok {
				if s, err := strconv.Unquote(strings.TrimSuffix(q, ")")); err == nil {
					inputs = append(inputs, s)
				}
			}
		}
	}
	extra := map[int]int{}
	for v := range 5 {
		extra[(v*7)%20]++
		inputs = append(inputs, generatedDoc(20, extra))
	}
	var mutated []string
	for _, in := range inputs {
		lines := strings.SplitAfter(in, "\n")
		for i := range lines {
			edit := func(repl ...string) string {
				return strings.Join(append(append(append([]string(nil), lines[:i]...), repl...), lines[i+1:]...), "")
			}
			mutated = append(mutated, edit(), edit(lines[i], lines[i]), edit("  "+lines[i]), edit(lines[i], "\n"), edit("- "+lines[i]))
		}
	}
	c := NewParseCache()
	for round := range 2 { // cold, then warm
		for _, in := range append(inputs, mutated...) {
			want, wantErr := Parse("doc.md", []byte(in))
			got, err := c.Parse("doc.md", []byte(in))
			if diff := cmp.Diff(fmt.Sprint(err), fmt.Sprint(wantErr)); diff != "" {
				t.Fatalf("round %d, %q: error (-got +want):\n%s", round, in, diff)
			}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Fatalf("round %d, %q: document (-got +want):\n%s", round, in, diff)
			}
		}
	}
	// A plain document is cut before its headings.
	src := generatedDoc(20, nil)
	if segs := newSource("doc.md", []byte(src)).segments(); len(segs) != 25 {
		t.Errorf("segments: %d, want 25", len(segs))
	}
}

// TestParseCacheSharesTexts holds that the sections of a later version that
// an earlier one had take their text from the cache (one copy for both),
// not from the later version's source.
func TestParseCacheSharesTexts(t *testing.T) {
	v1 := "# 1. Intro\n\nFirst text.\n\n## 1.1 Scope\n\nScope text.\n\n## 1.2 Terms\n\nTerms text.\n"
	v2 := strings.Replace(v1, "Scope text.", "Scope text, amended.", 1)
	c := NewParseCache()
	d1, err := c.Parse("cps.md", []byte(v1))
	if err != nil {
		t.Fatal(err)
	}
	d2, err := c.Parse("cps.md", []byte(v2))
	if err != nil {
		t.Fatal(err)
	}
	var shared []string
	for i, s := range d2.Sections {
		if s.Text != "" && unsafe.StringData(s.Text) == unsafe.StringData(d1.Sections[i].Text) {
			shared = append(shared, s.ID)
		}
	}
	if diff := cmp.Diff(shared, []string{"1", "1.2"}); diff != "" {
		t.Errorf("sections sharing their text with the first version (-got +want):\n%s", diff)
	}
}

package cps

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/google/go-cmp/cmp"
)

// outlineCPS writes a CPS with the given entries: a heading per entry
// (level = depth; "Appendix X:" for a letter), "No stipulation." under each
// entry without subsections.
func outlineCPS(entries []OutlineEntry) string {
	var b strings.Builder
	for i, e := range entries {
		depth := strings.Count(e.ID, ".") + 1
		label := e.ID
		if depth == 1 && isLetterID(e.ID) {
			label = "Appendix " + e.ID + ":"
		}
		fmt.Fprintf(&b, "%s %s %s\n\n", strings.Repeat("#", min(depth, 6)), label, e.Title)
		if i+1 == len(entries) || !strings.HasPrefix(entries[i+1].ID, e.ID+".") {
			b.WriteString("No stipulation.\n\n")
		}
	}
	return b.String()
}

// lineOf returns the 1-based line of src that starts with prefix.
func lineOf(t *testing.T, src, prefix string) int {
	t.Helper()
	for i, l := range strings.Split(src, "\n") {
		if strings.HasPrefix(l, prefix) {
			return i + 1
		}
	}
	t.Fatalf("no line starts with %q", prefix)
	return 0
}

// without returns entries less those with the given IDs.
func without(entries []OutlineEntry, ids ...string) []OutlineEntry {
	return slices.DeleteFunc(slices.Clone(entries), func(e OutlineEntry) bool { return slices.Contains(ids, e.ID) })
}

// insertAfter returns entries with extra inserted after the entry with ID id.
func insertAfter(entries []OutlineEntry, id string, extra ...OutlineEntry) []OutlineEntry {
	i := slices.IndexFunc(entries, func(e OutlineEntry) bool { return e.ID == id })
	return slices.Insert(slices.Clone(entries), i+1, extra...)
}

func retitle(entries []OutlineEntry, id, title string) []OutlineEntry {
	out := slices.Clone(entries)
	out[slices.IndexFunc(out, func(e OutlineEntry) bool { return e.ID == id })].Title = title
	return out
}

func TestOutlineData(t *testing.T) {
	entries := Outline()
	counts := map[string]int{}
	for _, e := range entries {
		chapter, _, _ := strings.Cut(e.ID, ".")
		counts[chapter]++
	}
	want := map[string]int{"1": 18, "2": 5, "3": 19, "4": 67, "5": 48, "6": 37, "7": 17, "8": 7, "9": 52}
	if diff := cmp.Diff(counts, want); diff != "" {
		t.Errorf("outline entries per chapter mismatch (-got +want):\n%s", diff)
	}
	if !slices.IsSortedFunc(entries, func(a, b OutlineEntry) int { return CompareIDs(a.ID, b.ID) }) {
		t.Errorf("outline is not in ID order")
	}
}

func TestLint(t *testing.T) {
	full := Outline()
	type want struct {
		severity, rule string
		lineOf         string // the line starting with this, or...
		lineDelta      int    // ...that many lines from it
		msg            string
	}
	tests := []struct {
		name    string
		entries []OutlineEntry
		want    []want
	}{
		{name: "compliant", entries: full},
		{
			name:    "missing leaf",
			entries: without(full, "4.9.12"),
			want: []want{{SeverityError, RuleOutlineMissing, "### 4.9.13 ", -1,
				`missing section 4.9.12 "Special requirements re key compromise" of the RFC 3647 outline (expected after 4.9.11)`}},
		},
		{
			name:    "missing chapter with all its subsections",
			entries: without(full, "8", "8.1", "8.2", "8.3", "8.4", "8.5", "8.6"),
			want: []want{{SeverityError, RuleOutlineMissing, "# 9 ", -1,
				`missing section 8 "COMPLIANCE AUDIT AND OTHER ASSESSMENTS" of the RFC 3647 outline with its 6 subsections (expected after 7.3.2)`}},
		},
		{
			name:    "missing first",
			entries: without(full, "1"),
			want: []want{{SeverityError, RuleOutlineMissing, "## 1.1 ", 0,
				`missing section 1 "INTRODUCTION" of the RFC 3647 outline`}},
		},
		{
			name:    "missing after a section with extra subsections",
			entries: insertAfter(without(full, "6.1.2"), "6.1.1", OutlineEntry{"6.1.1.1", "HSM ceremony"}),
			want: []want{{SeverityError, RuleOutlineMissing, "### 6.1.3 ", -1,
				`missing section 6.1.2 "Private key delivery to subscriber" of the RFC 3647 outline (expected after 6.1.1)`}},
		},
		{
			name:    "out of order",
			entries: insertAfter(without(full, "4.9.1"), "4.9.2", OutlineEntry{"4.9.1", "Circumstances for revocation"}),
			want: []want{{SeverityError, RuleOutlineOrder, "### 4.9.2 ", 0,
				"section 4.9.2 is out of RFC 3647 order (expected after 4.9.1)"}},
		},
		{
			name:    "chapter moved to the front",
			entries: append(full[len(full)-52:len(full):len(full)], full[:len(full)-52]...),
			want: []want{{SeverityError, RuleOutlineOrder, "# 9 ", 0,
				"section 9 is out of RFC 3647 order (expected after 8.6)"}},
		},
		{
			name: "numbering gaps outside the outline",
			entries: insertAfter(insertAfter(full, "9.17", OutlineEntry{"A", "Profiles"}, OutlineEntry{"C", "Forms"}),
				"6.1.1", OutlineEntry{"6.1.1.1", "HSM"}, OutlineEntry{"6.1.1.4", "Ceremony"}),
			want: []want{
				{SeverityError, RuleNumberingGap, "#### 6.1.1.4 ", 0, "numbering skips 6.1.1.2 to 6.1.1.3 before 6.1.1.4"},
				{SeverityError, RuleNumberingGap, "# Appendix C:", 0, "numbering skips B before C"},
			},
		},
		{
			name:    "gap after the outline's last sibling",
			entries: insertAfter(full, "4.9.16", OutlineEntry{"4.9.18", "Resumption"}),
			want:    []want{{SeverityError, RuleNumberingGap, "### 4.9.18 ", 0, "numbering skips 4.9.17 before 4.9.18"}},
		},
		{
			name:    "title variants",
			entries: retitle(retitle(retitle(full, "3", "Identification & Authentication"), "1", "Introduction"), "4.9.12", "Special requirements related to key compromise"),
			want: []want{{SeverityWarning, RuleTitleMismatch, "### 4.9.12 ", 0,
				`section 4.9.12 is titled "Special requirements related to key compromise"; RFC 3647 says "Special requirements re key compromise"`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := outlineCPS(tt.entries)
			doc, err := Parse("cps.md", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			var wantProblems []Problem
			for _, w := range tt.want {
				pos := diag.Pos{File: "cps.md", Line: lineOf(t, src, w.lineOf) + w.lineDelta}
				wantProblems = append(wantProblems, Problem{Severity: w.severity, Rule: w.rule, Pos: pos, Msg: w.msg})
			}
			if diff := cmp.Diff(Lint([]*Document{doc}), wantProblems); diff != "" {
				t.Errorf("problems mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestLintEmptySection(t *testing.T) {
	src := outlineCPS(Outline())
	src = strings.Replace(src, "### 4.9.12 Special requirements re key compromise\n\nNo stipulation.\n",
		"### 4.9.12 Special requirements re key compromise\n\n  \t\n", 1)
	src = strings.Replace(src, "### 4.9.13 Circumstances for suspension\n\nNo stipulation.\n",
		"### 4.9.13 Circumstances for suspension\n\n#### Not numbered\n", 1)
	doc, err := Parse("cps.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{{Severity: SeverityError, Rule: RuleEmptySection, Pos: diag.Pos{File: "cps.md", Line: lineOf(t, src, "### 4.9.12 ")},
		Msg: `section 4.9.12 is empty; RFC 3647 practice is to write "No stipulation."`}}
	if diff := cmp.Diff(Lint([]*Document{doc}), want); diff != "" {
		t.Errorf("problems mismatch (-got +want):\n%s", diff)
	}
}

func TestLintAcrossDocuments(t *testing.T) {
	full := Outline()
	split := slices.IndexFunc(full, func(e OutlineEntry) bool { return e.ID == "5" })
	cpSrc, cpsSrc := outlineCPS(full[:split]), outlineCPS(without(full[split:], "5.6"))
	cp, err := Parse("cp.md", []byte(cpSrc))
	if err != nil {
		t.Fatal(err)
	}
	cps, err := Parse("cps.md", []byte(cpsSrc))
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{{Severity: SeverityError, Rule: RuleOutlineMissing, Pos: diag.Pos{File: "cps.md", Line: lineOf(t, cpsSrc, "## 5.7 ") - 1},
		Msg: `missing section 5.6 "Key changeover" of the RFC 3647 outline (expected after 5.5.7)`}}
	if diff := cmp.Diff(Lint([]*Document{cp, cps}), want); diff != "" {
		t.Errorf("problems mismatch (-got +want):\n%s", diff)
	}
}

func TestLintNothing(t *testing.T) {
	if diff := cmp.Diff(Lint(nil), []Problem(nil)); diff != "" {
		t.Errorf("problems mismatch (-got +want):\n%s", diff)
	}
}

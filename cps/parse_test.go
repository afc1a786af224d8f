package cps

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/google/go-cmp/cmp"
)

// brief is what the table tests compare of a section.
type brief struct {
	ID, Title  string
	Level      int
	Line, End  int
	Subheading []string // titles of unnumbered headings inside
}

func briefs(doc *Document) []brief {
	var out []brief
	for _, s := range doc.Sections {
		b := brief{ID: s.ID, Title: s.Title, Level: s.Level, Line: s.Pos.Line, End: s.End}
		for _, h := range s.Headings {
			b.Subheading = append(b.Subheading, h.Title)
		}
		out = append(out, b)
	}
	return out
}

func TestParseHeadings(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []brief
	}{
		{"atx", "## 4.9.12 Special requirements re key compromise\n",
			[]brief{{ID: "4.9.12", Title: "Special requirements re key compromise", Level: 2, Line: 1, End: 1}}},
		{"trailing dot chapter", "# 1. INTRODUCTION\n", []brief{{ID: "1", Title: "INTRODUCTION", Level: 1, Line: 1, End: 1}}},
		{"trailing dot section", "## 1.1. Overview\n", []brief{{ID: "1.1", Title: "Overview", Level: 2, Line: 1, End: 1}}},
		{"plain integer chapter", "# 1 Introduction\n", []brief{{ID: "1", Title: "Introduction", Level: 1, Line: 1, End: 1}}},
		{"lettered appendix section", "## A.1 Title\n", []brief{{ID: "A.1", Title: "Title", Level: 2, Line: 1, End: 1}}},
		{"appendix colon", "# Appendix A: Title\n", []brief{{ID: "A", Title: "Title", Level: 1, Line: 1, End: 1}}},
		{"appendix dash", "# Appendix A - Title\n", []brief{{ID: "A", Title: "Title", Level: 1, Line: 1, End: 1}}},
		{"annex lower case word", "# annex B — Profiles\n", []brief{{ID: "B", Title: "Profiles", Level: 1, Line: 1, End: 1}}},
		{"tab separator", "## 4.2\tTitle\n", []brief{{ID: "4.2", Title: "Title", Level: 2, Line: 1, End: 1}}},
		{"several spaces", "## 4.2    Title   here\n", []brief{{ID: "4.2", Title: "Title here", Level: 2, Line: 1, End: 1}}},
		{"no-break space", "## 4.2\u00a0Title\n", []brief{{ID: "4.2", Title: "Title", Level: 2, Line: 1, End: 1}}},
		{"bold number", "## **4.2** Title\n", []brief{{ID: "4.2", Title: "Title", Level: 2, Line: 1, End: 1}}},
		{"emphasis everywhere", "## _4.2 Certificate_ `application` [processing](#x)\n",
			[]brief{{ID: "4.2", Title: "Certificate application processing", Level: 2, Line: 1, End: 1}}},
		{"html anchor before number", "## <a name=\"_Toc1\"></a>4.2 Title\n", []brief{{ID: "4.2", Title: "Title", Level: 2, Line: 1, End: 1}}},
		{"entities and escapes", "## 9.6 Representations &amp; warranties \\*\n",
			[]brief{{ID: "9.6", Title: "Representations & warranties *", Level: 2, Line: 1, End: 1}}},
		{"section word", "### Section 4.9.3 Title\n", []brief{{ID: "4.9.3", Title: "Title", Level: 3, Line: 1, End: 1}}},
		{"number without title", "## 4.9.12\n", []brief{{ID: "4.9.12", Level: 2, Line: 1, End: 1}}},
		{"closing hashes", "## 4.9.12 Title ##\n", []brief{{ID: "4.9.12", Title: "Title", Level: 2, Line: 1, End: 1}}},
		{"level from hashes not depth", "#### 1 Introduction\n", []brief{{ID: "1", Title: "Introduction", Level: 4, Line: 1, End: 1}}},
		{"setext level 1", "1 Introduction\n==============\n", []brief{{ID: "1", Title: "Introduction", Level: 1, Line: 1, End: 2}}},
		{"setext level 2 multi-line", "1.1 Overview of\nthe CA\n---\ntext\n",
			[]brief{{ID: "1.1", Title: "Overview of the CA", Level: 2, Line: 1, End: 4}}},
		{"indented atx", "   ## 1.1 Overview\n", []brief{{ID: "1.1", Title: "Overview", Level: 2, Line: 1, End: 1}}},
		{"not numbered", strings.Join([]string{
			"# 2024 Changes", "## 3 things", "# Table of Contents", "# A Note on terms", "## 4.9.12a Title",
			"## 1.0 Release", "# Appendix 1", "## 1.Introduction", "## 01 Zero", "## API", "## 4.9.1000 Big", "",
		}, "\n"), nil},
		{"unnumbered headings belong to the section", "# 7. PROFILES\n## 7.1 Certificate profile\ntext\n#### Subscriber\nrows\n\nSetext\n---\n## 7.2 CRL profile\n",
			[]brief{
				{ID: "7", Title: "PROFILES", Level: 1, Line: 1, End: 1},
				{ID: "7.1", Title: "Certificate profile", Level: 2, Line: 2, End: 8, Subheading: []string{"Subscriber", "Setext"}},
				{ID: "7.2", Title: "CRL profile", Level: 2, Line: 9, End: 9},
			}},
		{"text before first section belongs to none", "# Title\n\nPreface\n\n## Contents\n\n# 1 Intro\n",
			[]brief{{ID: "1", Title: "Intro", Level: 1, Line: 7, End: 7}}},
		{"headings in containers do not count", strings.Join([]string{
			"# 1 Intro", "", "- ## 1.1 In a list", "", "> ## 1.2 In a quote", "", "```", "## 1.3 In a fence", "```", "",
			"    ## 1.4 indented code", "", "<div>", "## 1.5 In HTML", "</div>", "", "text",
		}, "\n"), []brief{{ID: "1", Title: "Intro", Level: 1, Line: 1, End: 17}}},
		{"trailing blank lines are not text", "# 1 Intro\n\ntext\n\n\n\n# 2 Next\n",
			[]brief{{ID: "1", Title: "Intro", Level: 1, Line: 1, End: 3}, {ID: "2", Title: "Next", Level: 1, Line: 7, End: 7}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse("cps.md", []byte(tt.src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(briefs(doc), tt.want); diff != "" {
				t.Errorf("sections mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

// TestParseLineEndings checks that BOM, CRLF, CR and front matter keep line
// numbers and text the same as a plain LF file.
func TestParseLineEndings(t *testing.T) {
	const plain = "# 1 Intro\n\nSome  text\n  here.\n\n## 1.1 Overview\nMore.\n"
	want, err := Parse("cps.md", []byte(plain))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		src       string
		lineShift int
	}{
		{"bom", "\uFEFF" + plain, 0},
		{"crlf", strings.ReplaceAll(plain, "\n", "\r\n"), 0},
		{"cr", strings.ReplaceAll(plain, "\n", "\r"), 0},
		{"bom crlf", "\uFEFF" + strings.ReplaceAll(plain, "\n", "\r\n"), 0},
		{"yaml front matter", "---\ntitle: CPS\nversion: 5.3\n---\n" + plain, 4},
		{"yaml front matter ending with dots", "---\ntitle: CPS\n...\n" + plain, 3},
		{"toml front matter", "+++\ntitle = \"CPS\"\n+++\n" + plain, 3},
		{"front matter crlf with bom", "\uFEFF---\r\ntitle: x\r\n---\r\n" + strings.ReplaceAll(plain, "\n", "\r\n"), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("cps.md", []byte(tt.src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			shifted := shift(want, tt.lineShift)
			if diff := cmp.Diff(got, shifted); diff != "" {
				t.Errorf("document mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

// shift returns a copy of doc with every line moved down by n.
func shift(doc *Document, n int) *Document {
	out := &Document{File: doc.File}
	for _, s := range doc.Sections {
		s.Pos.Line += n
		s.End += n
		out.Sections = append(out.Sections, s)
	}
	return out
}

func TestParseUnclosedFrontMatterIsMarkdown(t *testing.T) {
	doc, err := Parse("cps.md", []byte("---\n# 1 Intro\ntext\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []brief{{ID: "1", Title: "Intro", Level: 1, Line: 2, End: 3}}
	if diff := cmp.Diff(briefs(doc), want); diff != "" {
		t.Errorf("sections mismatch (-got +want):\n%s", diff)
	}
}

func TestParseText(t *testing.T) {
	src := "Preface.\n\n# 1 Intro\n\nFirst paragraph\nwrapped.\n\n### Not numbered\n\n* item\n\n## 1.1 Overview\n## 1.2 Name\n\nNo stipulation.\n"
	doc, err := Parse("cps.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range doc.Sections {
		got = append(got, s.Text)
	}
	want := []string{"First paragraph\nwrapped.\n\n### Not numbered\n\n* item", "", "No stipulation."}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("texts mismatch (-got +want):\n%s", diff)
	}
	for _, s := range doc.Sections {
		if s.Hash != HashText(s.Text) {
			t.Errorf("section %s: Hash %s, want HashText(Text) %s", s.ID, s.Hash, HashText(s.Text))
		}
	}
}

func TestHashText(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"reflowed paragraph", "The CA revokes\nthe certificate.", "The CA revokes the certificate.", true},
		{"indentation and tabs", "  - item\n\t- other  ", "- item - other", true},
		{"unicode spaces", "a\u00a0\u2003b\u3000c", "a b c", true},
		{"crlf", "a\r\nb", "a\nb", true},
		{"changed word", "The CA revokes", "The CA suspends", false},
		{"joined words", "key compromise", "keycompromise", false},
		{"case", "No stipulation.", "no stipulation.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HashText(tt.a) == HashText(tt.b); got != tt.same {
				t.Errorf("HashText(%q) == HashText(%q) is %v, want %v", tt.a, tt.b, got, tt.same)
			}
		})
	}
	// The SHA-256 of the empty string, a published constant.
	if diff := cmp.Diff(HashText(" \n\t"), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"); diff != "" {
		t.Errorf("hash of blank text mismatch (-got +want):\n%s", diff)
	}
}

func TestParseReflowKeepsHash(t *testing.T) {
	a, err := Parse("a.md", []byte("## 4.3.1 Actions\n\nThe CA issues a certificate\nonly after validation.\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse("b.md", []byte("## 4.3.1 Actions\n\n  The CA issues a certificate only\n  after validation.\n\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a.Sections[0].Hash, b.Sections[0].Hash); diff != "" {
		t.Errorf("hash mismatch (-got +want):\n%s", diff)
	}
}

func TestParseAnchors(t *testing.T) {
	src := strings.Join([]string{
		"# 1 Intro", "## Foo", "## Foo", "## Foo 1", "## Foo", "## 4.1 Über Größe", "## Q&A: *what* `now`?",
		"## 4.2\tTabbed", "- ## Foo", "## 1.2 Name_with-dash", "## 4.9.9 On-line revocation/status checking availability",
	}, "\n")
	doc, err := Parse("cps.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range doc.Sections {
		got = append(got, s.Anchor)
		for _, h := range s.Headings {
			got = append(got, h.Anchor)
		}
	}
	// "- ## Foo" in a list is no section but takes "foo-4" from GitHub's count.
	want := []string{"1-intro", "foo", "foo-1", "foo-1-1", "foo-2", "41-über-größe", "qa-what-now",
		"42tabbed", "12-name_with-dash", "499-on-line-revocationstatus-checking-availability"}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("anchors mismatch (-got +want):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  []byte
		want string
	}{
		{"duplicate id", []byte("# 1 Intro\n\n## 4.9.12 A\n\ntext\n\n## 4.9.12. B\n"),
			"docs/cps.md:7: duplicate section ID 4.9.12 (first at docs/cps.md:3) [duplicate_id]"},
		{"three times", []byte("# 1 A\n# 1 B\n# 1. C\n"),
			"docs/cps.md:2: duplicate section ID 1 (first at docs/cps.md:1) [duplicate_id]\n" +
				"docs/cps.md:3: duplicate section ID 1 (first at docs/cps.md:1) [duplicate_id]"},
		{"binary", []byte("# 1 Intro\x00\x01\x02"), "docs/cps.md:1: binary file, not markdown"},
		{"too large", make([]byte, MaxSize+1), fmt.Sprintf("docs/cps.md:1: file is %d bytes, over the limit of %d", MaxSize+1, MaxSize)},
		{"deep blockquotes", []byte("# 1 Intro\n\n" + strings.Repeat("> ", MaxQuoteDepth) + "ok\n" + strings.Repeat(">", MaxQuoteDepth+1) + " x\n"),
			fmt.Sprintf("docs/cps.md:4: block quotes and lists nested more than %d deep", MaxQuoteDepth)},
		{"deeply indented lists", []byte("# 1 Intro\n\n" + strings.Repeat(" ", MaxMarkerColumn) + "- x\n"),
			fmt.Sprintf("docs/cps.md:3: a block quote or list marker at column %d, past the limit of %d: lists nested too deep", MaxMarkerColumn+1, MaxMarkerColumn)},
		{"too many headings", []byte(strings.Repeat("## x\n", MaxHeadings+1)),
			fmt.Sprintf("docs/cps.md:1: more than %d headings", MaxHeadings)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse("docs/cps.md", tt.src)
			if doc != nil {
				t.Errorf("Parse returned a document with error %v", err)
			}
			if err == nil {
				t.Fatal("Parse: no error")
			}
			var errs diag.Errors
			if !errors.As(err, &errs) {
				t.Errorf("error %T is not diag.Errors", err)
			}
			if diff := cmp.Diff(err.Error(), tt.want); diff != "" {
				t.Errorf("error mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestParseLimitsAccepted(t *testing.T) {
	src := []byte(strings.Repeat("## x\n", MaxHeadings))
	if _, err := Parse("cps.md", src); err != nil {
		t.Errorf("Parse of exactly %d headings: %v", MaxHeadings, err)
	}
}

func TestParseInvalidUTF8(t *testing.T) {
	// Rejected, not repaired: \xff and \xfe would both repair to U+FFFD, so
	// a change between them would leave the section's hash unchanged.
	_, err := Parse("cps.md", []byte("## 4.1 Title\n\ntext \xfe\n"))
	got := fmt.Sprint(err)
	want := "cps.md:3:6: invalid UTF-8 (byte 0xfe); the file must be UTF-8 text"
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("error mismatch (-got +want):\n%s", diff)
	}
}

func TestParseSmallCPS(t *testing.T) {
	src, err := os.ReadFile("testdata/small-cps.md")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse("testdata/small-cps.md", src)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range doc.Sections {
		ids = append(ids, s.ID)
	}
	want := []string{"1", "1.1", "1.2", "4", "4.3", "4.3.1", "4.3.2", "4.9", "4.9.12", "6", "6.3", "6.3.1", "6.3.2", "7", "7.1", "9", "9.12", "9.12.1"}
	if diff := cmp.Diff(ids, want); diff != "" {
		t.Errorf("IDs mismatch (-got +want):\n%s", diff)
	}
	idx, err := Index([]*Document{doc})
	if err != nil {
		t.Fatal(err)
	}
	var profiles []Heading
	profiles = append(profiles, idx["7.1"].Headings...)
	wantProfiles := []Heading{
		{Title: "Subscriber Certificate profile", Level: 4, Anchor: "subscriber-certificate-profile", Pos: diag.Pos{File: "testdata/small-cps.md", Line: 68}},
		{Title: "Intermediate CA Certificate profile", Level: 4, Anchor: "intermediate-ca-certificate-profile", Pos: diag.Pos{File: "testdata/small-cps.md", Line: 77}},
	}
	if diff := cmp.Diff(profiles, wantProfiles); diff != "" {
		t.Errorf("7.1 headings mismatch (-got +want):\n%s", diff)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("# 1. INTRODUCTION\n\n## 1.1 Overview\n\ntext\n"))
	f.Add([]byte("\uFEFF---\na: b\n---\r\n## **4.2**\tTitle\r\n#### Profile\r\nx\r\n"))
	f.Add([]byte("1.1 Over\nview\n---\n\n# Appendix A: Foo\n## A.1 Bar\n"))
	f.Add([]byte("- ## 1 list\n> ## 2 quote\n```\n## 3\n```\n## 3 Same\n## 3 Same\n"))
	f.Add([]byte("+++\nx\n+++\n##\n#\n###### 9.17\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, err := Parse("f.md", src)
		if err != nil {
			if doc != nil {
				t.Fatalf("document with error %v", err)
			}
			return
		}
		lines := 1 + strings.Count(string(src), "\n")
		anchors := map[string]bool{}
		prevLine := 0
		for _, s := range doc.Sections {
			if s.ID == "" || s.Level < 1 || s.Level > 6 {
				t.Errorf("bad section %+v", s)
			}
			if s.Pos.Line <= prevLine || s.End < s.Pos.Line {
				t.Errorf("section %s: lines %d..%d after %d", s.ID, s.Pos.Line, s.End, prevLine)
			}
			prevLine = s.End
			if s.Hash != HashText(s.Text) {
				t.Errorf("section %s: hash does not match text", s.ID)
			}
			for _, a := range append([]string{s.Anchor}, headingAnchors(s)...) {
				if a != "" && anchors[a] {
					t.Errorf("anchor %q repeated", a)
				}
				anchors[a] = true
			}
		}
		if !strings.ContainsAny(string(src), "\r") && prevLine > lines {
			t.Errorf("section ends at line %d of %d", prevLine, lines)
		}
		if changes := Diff(doc.Sections, doc.Sections); len(changes) > 0 {
			t.Errorf("Diff of a document with itself: %v", changes)
		}
		for _, p := range Lint([]*Document{doc}) {
			if p.Pos.Line < 1 || p.Msg == "" {
				t.Errorf("bad problem %+v", p)
			}
		}
	})
}

func headingAnchors(s Section) []string {
	var out []string
	for _, h := range s.Headings {
		out = append(out, h.Anchor)
	}
	return out
}

func BenchmarkParse(b *testing.B) {
	src := generateCPS(280)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Parse("cps.md", src); err != nil {
			b.Fatal(err)
		}
	}
}

// generateCPS writes a CPS of n sections of about 300 bytes each (n=280
// gives the size of a real 85 KB CPS).
func generateCPS(n int) []byte {
	var b strings.Builder
	for i := range n {
		chapter, sec, sub := i/40+1, (i%40)/8+1, i%8
		switch {
		case i%40 == 0:
			fmt.Fprintf(&b, "# %d. CHAPTER %d\n\n", chapter, chapter)
		case sub == 0:
			fmt.Fprintf(&b, "## %d.%d Section *%d*\n\n", chapter, sec, i)
		default:
			fmt.Fprintf(&b, "### %d.%d.%d Subsection `%d`\n\n", chapter, sec, sub, i)
		}
		b.WriteString("The CA SHALL operate in accordance with this CPS and with the **Baseline Requirements**;\n")
		b.WriteString("see [RFC 5280](https://www.rfc-editor.org/rfc/rfc5280) and section 4.9.12 for details on the\n")
		b.WriteString("procedures that apply, and keep records as described in 5.4.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n")
	}
	return []byte(b.String())
}

func TestParseTimeout(t *testing.T) {
	// goldmark takes time quadratic in a paragraph of unclosed links: 256 KB
	// of them take seconds, far longer than this test's timeout.
	defer func(d time.Duration) { parseTimeout = d }(parseTimeout)
	parseTimeout = 50 * time.Millisecond
	src := "# 1 Intro\n\n" + strings.Repeat("[a](", 1<<16) + "\n"
	start := time.Now()
	_, err := Parse("cps.md", []byte(src))
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Parse took %v, want about %v", elapsed, parseTimeout)
	}
	want := "cps.md:1: parsing the markdown took longer than 50ms (cps.MaxParseTime): the document has constructs that the markdown parser handles slowly, such as thousands of unclosed links in one paragraph"
	if diff := cmp.Diff(fmt.Sprint(err), want); diff != "" {
		t.Errorf("error mismatch (-got +want):\n%s", diff)
	}
}

package inert_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"

	"github.com/cpsgate/cpsgate/internal/inert"
	"github.com/cpsgate/cpsgate/output"
	"github.com/cpsgate/cpsgate/report"
	"github.com/cpsgate/cpsgate/result"
)

// hostile are texts a repository can put in a flag name, a CPS title or
// text, a description, a file name, an author or a commit subject, each
// trying to escape the format it is rendered in.
var hostile = []string{
	"::add-mask::x",
	"\n::set-output name=pass::true",
	"  ::warning file=a::forged",
	"\r::error::cr",
	"\u00a0\u3000::notice::unicode blanks",
	"x ##[add-mask]secret",
	"##vso[task.setvariable variable=pass]true",
	"##teamcity[buildStatus status='SUCCESS']",
	"::stop-commands::evil\nafter",
	"@org/team",
	"cc @user please",
	"fixes #123 and org/repo#1 and GH-7",
	"org/repo@0123456789abcdef",
	"![x](http://evil/x.png)",
	"[click](https://evil.example/)",
	"<https://evil.example/>",
	"http://evil.example/path www.evil.example mail@evil.example",
	"<img src=x onerror=alert(1)>",
	"<script>alert(1)</script>",
	"</details><details open><summary>forged</summary>",
	"</summary>",
	"<!-- comment -->",
	"&lt;b&gt; &amp; &#64;",
	"*em* _em_ **strong** ~~strike~~ $x^2$",
	"`code` `` double `` ```fence",
	"```\n# heading\n```",
	"````\n</details>\n````",
	"a | b | c",
	"\\| escaped pipe \\",
	"# heading",
	"- list item",
	"1. ordered",
	"> quote",
	"---",
	"=HYPERLINK(\"http://evil\")",
	"+1",
	"-2+3",
	"@SUM(1)",
	"\t=1+1",
	"＝1+1",
	"\x1b[31mred\x1b[0m\x1b]0;title\x07",
	"\x1b[2J\x1b[H cleared",
	"bidi \u202egnp.exe\u202c \u2066iso\u2069 \u200f",
	"zero\u200bwidth\u200d\ufeff",
	"nul\x00 bel\x07 del\x7f c1\u0085\u009b",
	"line\u2028sep\u2029",
	"invalid \xff utf-8",
	"100% %0A %25",
	"key=value,title=forged:x",
	"ünïcødé ✓ 🚩 日本語",
}

// multiline are the fields whose text keeps its line breaks where a format
// shows it as a block (a CPS excerpt, a reviewed section text, a problem).
var multiline = []string{"Excerpt", "Text", "Message"}

// fill sets every exported string of v (a pointer), at any depth, to what
// f returns for its field; map keys are set as their field.
func fill(v reflect.Value, field string, f func(field string) string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(f(field))
	case reflect.Pointer:
		if !v.IsNil() {
			fill(v.Elem(), field, f)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i), field, f)
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		iter := v.MapRange()
		for iter.Next() {
			k := reflect.New(v.Type().Key()).Elem()
			fill(k, field, f)
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(iter.Value())
			fill(e, field, f)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), v.Type().Field(i).Name, f)
			}
		}
	}
}

// benign is the harmless text of the same shape as s: "x", with the line
// breaks of a multi-line field kept.
func benign(field, s string) string {
	if !slices.Contains(multiline, field) {
		return "x"
	}
	return regexp.MustCompile(`[^\n]+`).ReplaceAllString(s, "x")
}

// hostileResult is a failing result whose every string is s, and the same
// result with harmless text.
func hostileResult(s string) (bad, good *result.Result) {
	build := func(f func(string) string) *result.Result {
		r := &result.Result{
			Findings: []result.Finding{{Line: 3}, {}, {Line: 7}},
			FlagChanges: []result.FlagChange{
				{Line: 4, Fields: []string{"", ""}}, {},
			},
			CPSChanges: []result.CPSChange{{Line: 5}, {}},
			Missing:    []result.Missing{{Line: 9}, {}},
		}
		fill(reflect.ValueOf(r), "", f)
		r.Findings[0].Severity, r.Findings[1].Severity, r.Findings[2].Severity = result.Deny, result.Warn, result.Deny
		return r
	}
	return build(func(string) string { return s }), build(func(field string) string { return benign(field, s) })
}

// hostileReport is a report whose every string is s, and the same report
// with harmless text.
func hostileReport(s string) (bad, good *report.Report) {
	build := func(f func(string) string) *report.Report {
		ev := func() report.Event {
			return report.Event{Fields: []string{""}, Sections: []string{""}, LinkedFlags: []string{""}, Missing: []string{"", ""},
				ReviewedBy: []report.ReviewRef{{}, {Late: true}}, NeedsReview: true}
		}
		lr := &report.LastReview{Sections: []string{""}, SectionHashes: map[string]string{"": ""}, ChangedSince: []string{""}, Stale: true}
		r := &report.Report{
			Summary:  report.Summary{ByKind: map[string]int{"flag added": 1}, Events: 3, Problems: 1},
			Versions: []report.Version{{}},
			Events:   []report.Event{ev(), ev(), ev()},
			Flags: []report.Flag{
				{Sections: []string{"", ""}, Enabled: []string{""}, LastReview: lr, NeverCovered: []string{""}},
				{Sections: []string{}, Enabled: []string{}, NeverCovered: []string{}},
			},
			Sections:   []report.SectionEntry{{Changes: []string{"", ""}, Flags: []string{""}, ReReview: []string{""}}},
			Unreviewed: []report.Event{ev()},
			Matrix:     report.Matrix{Flags: []string{"", ""}, Rows: []report.MatrixRow{{Cells: []string{"", ""}}}},
			Unlinked:   []report.SectionRef{{}},
			Traceability: report.Traceability{Coverage: report.Coverage{Normative: 2, Backed: 1, Unbacked: []report.SectionRef{{}}},
				Rows: []report.TraceRow{{Normative: true, Flags: []string{"", ""}, Parameters: []string{""},
					Tests: []report.TraceTest{{Skipped: true}, {}}, Reviews: []report.TraceReview{{}, {}}}}},
			Texts:    []report.ReviewedText{{}},
			Problems: []report.Problem{{}},
			Months:   []report.MonthCount{{Events: 3}},
		}
		fill(reflect.ValueOf(r), "", f)
		subjects := []string{"flag", "section", "review"}
		for i := range r.Events {
			r.Events[i].Subject = subjects[i%3]
		}
		r.Unreviewed[0].Subject = "flag"
		r.Matrix.Rows[0].Cells = []string{report.CellReviewed, report.CellUnreviewed}
		r.Traceability.Rows[0].Reviews[0].Status = report.CellReviewed
		r.Traceability.Rows[0].Reviews[1].Status = report.CellUnreviewed
		r.Months[0].Month = "2024-01"
		return r
	}
	return build(func(string) string { return s }), build(func(field string) string { return benign(field, s) })
}

// TestHostileCorpus renders results and reports holding each hostile
// string with every format of `check` and `report`, and checks that the
// text stays inert in each.
func TestHostileCorpus(t *testing.T) {
	var formats []string
	for name := range report.Formats {
		formats = append(formats, name)
	}
	slices.Sort(formats)
	if diff := cmp.Diff(formats, slices.Sorted(slices.Values(report.FormatNames))); diff != "" {
		t.Fatalf("report.FormatNames and report.Formats differ (-formats +names):\n%s", diff)
	}
	for i, s := range hostile {
		bad, good := hostileResult(s)
		// JSON has no invalid UTF-8: the encoder writes U+FFFD.
		decoded, _ := hostileResult(strings.ToValidUTF8(s, "\uFFFD"))
		decodedRep, _ := hostileReport(strings.ToValidUTF8(s, "\uFFFD"))
		for _, name := range output.Names() {
			t.Run("check/"+name+"/"+strconvItoa(i), func(t *testing.T) {
				got, want := renderCheck(t, name, bad), renderCheck(t, name, good)
				checkStream(t, name, got)
				checkFormat(t, "check "+name, got, want)
				if name == "json" {
					var back result.Result
					if err := json.Unmarshal([]byte(got), &back); err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(&back, decoded, cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("the JSON does not decode to the result (-got +want):\n%s", diff)
					}
				}
				if name == "sarif" {
					checkSARIF(t, got)
				}
			})
		}
		badRep, goodRep := hostileReport(s)
		for _, name := range report.FormatNames {
			t.Run("report/"+name+"/"+strconvItoa(i), func(t *testing.T) {
				got, want := renderReport(t, name, badRep), renderReport(t, name, goodRep)
				checkStream(t, name, got)
				checkFormat(t, "report "+name, got, want)
				if name == "json" {
					var back report.Report
					if err := json.Unmarshal([]byte(got), &back); err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(&back, decodedRep, cmpopts.IgnoreUnexported(report.Report{}), cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("the JSON does not decode to the report (-got +want):\n%s", diff)
					}
				}
			})
		}
	}
}

func strconvItoa(i int) string { return string(rune('a'+i/26)) + string(rune('a'+i%26)) }

func renderCheck(t *testing.T, name string, res *result.Result) string {
	t.Helper()
	r, err := output.For(name)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.Report(&b, res); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func renderReport(t *testing.T, name string, r *report.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.Formats[name].Render(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// ownCommand matches the workflow commands cpsgate writes itself.
var ownCommand = regexp.MustCompile(`^::(error|warning|group|endgroup|stop-commands)[ :]`)

// checkStream checks what a CI runner reading the output as its log would
// do: with the runner's rules (a command is a line that starts with "::"
// after white space, or holds "##[" anywhere; nothing between
// ::stop-commands::T and ::T::; CR ends a line too), only cpsgate's own
// commands run, in the github format, and none in the others.
func checkStream(t *testing.T, name, out string) {
	t.Helper()
	if strings.Contains(out, "\r") {
		t.Errorf("a carriage return, which a runner reads as a line end:\n%q", out)
	}
	stop := ""
	for line := range strings.Lines(out) {
		line = strings.TrimSuffix(line, "\n")
		for _, legacy := range []string{"##[", "##vso[", "##teamcity["} {
			if strings.Contains(line, legacy) && (stop == "" || name != "github") {
				t.Errorf("%s command in a line: %q", legacy, line)
			}
		}
		rest := strings.TrimLeftFunc(line, unicode.IsSpace)
		if stop != "" {
			if strings.EqualFold(rest, "::"+stop+"::") {
				stop = ""
			}
			continue
		}
		if !strings.HasPrefix(rest, "::") {
			continue
		}
		if name != "github" || rest != line || !ownCommand.MatchString(line) {
			t.Errorf("a line a runner runs as a command: %q", line)
			continue
		}
		if tok, ok := strings.CutPrefix(line, "::stop-commands::"); ok {
			stop = tok
		}
	}
	if stop != "" {
		t.Errorf("the output ends with commands stopped")
	}
}

// checkFormat checks the format-specific inertness of got against want, the
// same document rendered from harmless text.
func checkFormat(t *testing.T, what, got, want string) {
	t.Helper()
	switch {
	case what == "check text" || what == "check github":
		checkPlain(t, got)
		if strings.Count(got, "\n") != strings.Count(want, "\n") {
			t.Errorf("%d lines, %d with harmless text: a line break got through:\n%s", strings.Count(got, "\n"), strings.Count(want, "\n"), got)
		}
	case what == "check markdown" || what == "report md":
		checkMarkdown(t, got, want)
	case what == "report html":
		checkHTML(t, got, want)
	case what == "report csv" || what == "report matrix-csv" || what == "report traceability-csv":
		checkCSV(t, got, want)
	case what == "check json" || what == "report json" || what == "check sarif":
		if !json.Valid([]byte(got)) {
			t.Errorf("invalid JSON:\n%s", got)
		}
	default:
		t.Errorf("no inertness check for the format of %s: add one", what)
	}
}

// checkPlain: no control, bidi or invisible character but line feeds and
// tabs.
func checkPlain(t *testing.T, got string) {
	t.Helper()
	for i, r := range got {
		if r != '\n' && r != '\t' && inert.Hidden(r) {
			t.Errorf("raw %U in the output at byte %d:\n%s", r, i, got)
			return
		}
	}
}

var (
	mention   = regexp.MustCompile(`@[\p{L}\p{N}_]`)
	reference = regexp.MustCompile(`(?i)#\p{N}|\bgh-\p{N}`)
	tag       = regexp.MustCompile(`<[^>]*>`)
	// ownTags are the HTML tags cpsgate's markdown uses itself.
	ownTags = []string{"<!-- cpsgate:check -->", "<details>", "</details>", "<summary>", "</summary>", "<br>"}
)

// checkMarkdown parses got and want with goldmark and GitHub's extensions
// (tables, strikethrough, autolinks, task lists) and checks that the
// hostile text made no node of its own: the two documents have the same
// nodes, but for the text; no link, image, autolink or HTML but cpsgate's
// own tags; no mention or reference in the text GitHub would scan for them;
// every table row has its header's cells.
func checkMarkdown(t *testing.T, got, want string) {
	t.Helper()
	gotShape, gotText := markdownShape(t, got)
	wantShape, _ := markdownShape(t, want)
	if diff := cmp.Diff(gotShape, wantShape); diff != "" {
		t.Errorf("the hostile text changed the document's nodes (-hostile +harmless):\n%s\n%s", diff, got)
	}
	for _, n := range gotShape {
		if strings.HasPrefix(n, "Link") || strings.HasPrefix(n, "Image") || strings.HasPrefix(n, "AutoLink") {
			t.Errorf("a %s in the output:\n%s", n, got)
		}
	}
	for _, s := range gotText {
		if m := mention.FindString(s); m != "" {
			t.Errorf("a mention %q in rendered text %q", m, s)
		}
		if m := reference.FindString(s); m != "" {
			t.Errorf("a reference %q in rendered text %q", m, s)
		}
	}
	table := -1
	for line := range strings.Lines(got) {
		if !strings.HasPrefix(line, "|") {
			table = -1
			continue
		}
		n := unescapedPipes(line)
		if table < 0 {
			table = n
		} else if n != table {
			t.Errorf("a table row with %d cell separators, its header %d: %q", n, table, line)
		}
	}
}

// unescapedPipes counts the pipes of a table row that separate cells: as
// in GitHub's parser (and goldmark's), a pipe right after a backslash does
// not, whatever comes before the backslash.
func unescapedPipes(line string) int {
	n := 0
	for i := range len(line) {
		if line[i] == '|' && (i == 0 || line[i-1] != '\\') {
			n++
		}
	}
	return n
}

// markdownShape lists the nodes of a markdown document but its text, with
// the tags of its HTML, and the text GitHub would scan for mentions and
// references (outside code).
func markdownShape(t *testing.T, src string) (shape, texts []string) {
	t.Helper()
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	source := []byte(src)
	doc := md.Parser().Parse(text.NewReader(source))
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			texts = append(texts, string(n.Segment.Value(source)))
			return ast.WalkContinue, nil
		case *ast.String:
			texts = append(texts, string(n.Value))
			return ast.WalkContinue, nil
		case *ast.CodeSpan, *ast.FencedCodeBlock, *ast.CodeBlock:
			shape = append(shape, n.Kind().String())
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock, *ast.RawHTML:
			var raw strings.Builder
			var lines *text.Segments
			if r, ok := n.(*ast.RawHTML); ok {
				lines = r.Segments
			} else {
				lines = n.Lines()
			}
			for i := range lines.Len() {
				seg := lines.At(i)
				raw.Write(seg.Value(source))
			}
			if h, ok := n.(*ast.HTMLBlock); ok && h.HasClosure() {
				raw.Write(h.ClosureLine.Value(source))
			}
			tags := tag.FindAllString(raw.String(), -1)
			for _, tg := range tags {
				if !slices.Contains(ownTags, tg) {
					t.Errorf("HTML tag %q in the output", tg)
				}
			}
			shape = append(shape, n.Kind().String()+" "+strings.Join(tags, ""))
			texts = append(texts, tag.ReplaceAllString(raw.String(), " "))
			return ast.WalkSkipChildren, nil
		}
		shape = append(shape, n.Kind().String())
		return ast.WalkContinue, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return shape, texts
}

// checkHTML: the same tags, with the same attributes, as the page made from
// harmless text, and no raw control, bidi or invisible character.
func checkHTML(t *testing.T, got, want string) {
	t.Helper()
	if diff := cmp.Diff(tag.FindAllString(got, -1), tag.FindAllString(want, -1)); diff != "" {
		t.Errorf("the hostile text changed the page's tags (-hostile +harmless):\n%s", diff)
	}
	for i, r := range got {
		if r != '\n' && r != '\t' && inert.Hidden(r) {
			t.Errorf("raw %U in the page at byte %d", r, i)
			return
		}
	}
}

// checkCSV parses the CSV: as many records and fields as from harmless text,
// and no cell that a spreadsheet would read as a formula.
func checkCSV(t *testing.T, got, want string) {
	t.Helper()
	parse := func(s string) [][]string {
		recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
		if err != nil {
			t.Fatalf("invalid CSV: %v\n%s", err, s)
		}
		return recs
	}
	g, w := parse(got), parse(want)
	if len(g) != len(w) {
		t.Errorf("%d records, %d from harmless text", len(g), len(w))
	}
	for _, rec := range g {
		if len(rec) != len(w[0]) {
			t.Errorf("a record of %d fields, the header %d: %q", len(rec), len(w[0]), rec)
		}
		for _, c := range rec {
			if c == "" {
				continue
			}
			if strings.ContainsRune("=+-@\t\r", rune(c[0])) || strings.HasPrefix(c, "＝") || strings.HasPrefix(c, "＋") ||
				strings.HasPrefix(c, "－") || strings.HasPrefix(c, "＠") {
				t.Errorf("a cell a spreadsheet reads as a formula: %q", c)
			}
		}
	}
}

// checkSARIF: every result message's square brackets escaped, so that no
// text is an embedded link, and no raw control character.
func checkSARIF(t *testing.T, got string) {
	t.Helper()
	var log struct {
		Runs []struct {
			Results []struct {
				Message struct{ Text string }
			}
		}
	}
	if err := json.Unmarshal([]byte(got), &log); err != nil {
		t.Fatal(err)
	}
	bracket := regexp.MustCompile(`(^|[^\\])(\\\\)*[\[\]]`)
	for _, r := range log.Runs[0].Results {
		if bracket.MatchString(r.Message.Text) {
			t.Errorf("an unescaped bracket in a SARIF message: %q", r.Message.Text)
		}
		for _, c := range r.Message.Text {
			if inert.Hidden(c) {
				t.Errorf("raw %U in a SARIF message: %q", c, r.Message.Text)
				break
			}
		}
	}
}

package report

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/evidence"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/internal/golden"
	"github.com/cpsgate/cpsgate/review"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestPRNumber(t *testing.T) {
	for _, tc := range []struct {
		subject string
		want    int
	}{
		{"Enable AsyncFinalize (#123)", 123},
		{"Enable AsyncFinalize (#123) ", 123},
		{"Merge pull request #77 from ca/flag", 77},
		{"Fix #12 in the middle", 0},
		{"(#5) at the start only", 0},
		{"No number", 0},
	} {
		if got := PRNumber(tc.subject); got != tc.want {
			t.Errorf("PRNumber(%q) = %d, want %d", tc.subject, got, tc.want)
		}
	}
}

func TestDetectVersion(t *testing.T) {
	for _, tc := range []struct {
		name, src       string
		version, source string
	}{
		{"front matter", "---\ntitle: CPS\nversion: \"5.3\"\n---\n# 1 Intro\n", "5.3", SourceFrontMatter},
		{"front matter unquoted", "---\nversion: 2.10 # current\n---\n", "2.10", SourceFrontMatter},
		{"revision table, newest last", "# 1.2 Document name\n\n| Version | Date | Change |\n|---|---|---|\n| 1.0 | 2023-01-01 | First |\n| 1.9 | 2023-06-01 | x |\n| 1.10 | 2024-01-01 | y |\n\nText.\n", "1.10", SourceRevisionTable},
		{"revision table, newest first, at the end", "| **Version** | Date |\n| :-- | --- |\n| 3.1 | 2024 |\n| 3.0 | 2023 |", "3.1", SourceRevisionTable},
		{"a table without a version column", "| Field | Value |\n|---|---|\n| a | b |\n", "", ""},
		{"nothing", "# 1 Introduction\n\nversion: 3 in prose\n", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, src := DetectVersion([]byte(tc.src))
			if diff := cmp.Diff([2]string{v, src}, [2]string{tc.version, tc.source}); diff != "" {
				t.Errorf("DetectVersion (-got +want):\n%s", diff)
			}
		})
	}
}

func TestCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a|b", `a\|b`},
		{"line\nbreak", `line\\x0abreak`},
		{"<script>", `\<script\>`},
		{"@org/team #1", "\\@\u200dorg/team \\#\u200d1"},
		{`back\slash`, `back\\slash`},
	} {
		if got := cell(tc.in); got != tc.want {
			t.Errorf("cell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// sample builds an input by hand: a CPS with two sections, a flag enabled
// without review, a section edited under a reviewed flag, and a review in a
// commit message.
func sample(t *testing.T) Input {
	t.Helper()
	doc := func(text431 string) *check.State {
		src := "---\nversion: \"1.0\"\n---\n# 4.3.1 CA actions\n\n" + text431 + "\n\n# 4.3.2 Notification | pipes\n\nThe order MUST carry the URL.\n\n# 9 Other\n\nRecords SHALL be archived.\n\n# 9.1 Notes\n\nNothing.\n"
		d, err := cps.Parse("docs/CPS.md", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		idx, err := cps.Index([]*cps.Document{d})
		if err != nil {
			t.Fatal(err)
		}
		return &check.State{Docs: []*cps.Document{d}, Sections: idx, Inventory: &flags.Inventory{}}
	}
	before := doc("Issue after validation.")
	edited := doc("Issue after validation and <linting>.")
	regReviewed := &flags.Registry{File: "flags/registry.yaml", Flags: []flags.Entry{
		{Name: "Async", Status: "active", CPS: []string{"4.3.1", "4.3.2"}, Reviews: []review.Review{
			{Flag: "Async", Date: "2024-01-05", Reviewer: "carol", Sections: []string{"4.3.1", "4.3.2"}, Verdict: "compliant", Origin: review.OriginRegistry},
		}},
		{Name: "Quiet", Status: "active", NoCPSImpact: "logging only"},
	}}
	withSettings := func(s *check.State, reg *flags.Registry, on bool) *check.State {
		c := *s
		c.Registry = reg
		c.Inventory = &flags.Inventory{ListedSettings: []flags.Setting{
			{Flag: "Async", Kind: flags.KindConfig, Env: "deploy/prod.json", Path: "ra.features", Value: on, Pos: diag.Pos{File: "deploy/prod.json", Line: 4}},
		}}
		return &c
	}
	s0 := withSettings(before, regReviewed, false)
	s1 := withSettings(before, regReviewed, true)
	s2 := withSettings(edited, regReviewed, true)
	day := func(d string) time.Time {
		tm, _ := time.Parse(time.RFC3339, d)
		return tm
	}
	results, err := evidence.ReadResults("results.json", strings.NewReader(
		`{"Action":"pass","Package":"example.com/ca/ca","Test":"TestIssue","Elapsed":0.1}`+"\n"+
			`{"Action":"skip","Package":"example.com/ca/ca","Test":"TestNotify","Elapsed":0}`+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []evidence.Test{
		{Name: "TestIssue", ID: "TestIssue", Dir: "ca", Pos: diag.Pos{File: "ca/issue_test.go", Line: 12, Col: 6},
			Links: []evidence.Link{{Section: "4.3.1", Via: evidence.ViaComment, Pos: diag.Pos{File: "ca/issue_test.go", Line: 11, Col: 1}}}},
		{Name: "TestNotify", ID: "TestNotify", Dir: "ca", Skipped: true, Pos: diag.Pos{File: "ca/notify_test.go", Line: 30, Col: 6},
			Links: []evidence.Link{{Section: "4.3.2", Via: evidence.ViaRegistry, Pos: diag.Pos{File: "flags/registry.yaml", Line: 20, Col: 13}}}},
		{Name: "TestGone", ID: "TestGone", Dir: "ra", Pos: diag.Pos{File: "ra/gone_test.go", Line: 5, Col: 6},
			Links: []evidence.Link{{Section: "4.3.2", Via: evidence.ViaComment, Pos: diag.Pos{File: "ra/gone_test.go", Line: 4, Col: 1}}}},
	}
	return Input{
		Tests: tests, TestResults: results,
		From: "2024-01-01", To: "2024-03-31", Base: strings.Repeat("0", 40), Head: strings.Repeat("2", 40), Commits: 5,
		Start:         s0,
		StartVersions: []DocVersion{{File: "docs/CPS.md", Version: "1.0", Source: SourceFrontMatter}},
		Steps: []Step{
			{Commit: Commit{SHA: strings.Repeat("1", 40), Date: day("2024-02-02T10:00:00Z"), Author: "bob", Subject: "Enable Async in prod (#123)",
				Message: "Enable Async in prod (#123)\n\nCPS Compliance Review: Async against 4.3.1 only.\n"},
				Before: s0, After: s1, Versions: []DocVersion{{File: "docs/CPS.md", Version: "1.0", Source: SourceFrontMatter}}},
			{Commit: Commit{SHA: strings.Repeat("2", 40), Date: day("2024-03-10T09:00:00Z"), Author: "grace", Subject: "CPS 1.1: linting",
				Message: "CPS 1.1: linting\n\n```cps-review\nflag: Async\nverdict: maybe\n```\n"},
				Before: s1, After: s2, Versions: []DocVersion{{File: "docs/CPS.md", Version: "1.1", Source: SourceFrontMatter}},
				Problems: []string{"deploy/old.json:3: something unreadable"}},
		},
	}
}

func TestBuild(t *testing.T) {
	rep := mustBuild(t, sample(t))
	type ev struct{ What, Review string }
	var got []ev
	for _, e := range rep.Events {
		got = append(got, ev{What(e), ReviewStatus(e)})
	}
	want := []ev{
		// bob's review of his own change does not count (self_review).
		{"Async enabled in deploy/prod.json", "MISSING: Async §4.3.1; Async §4.3.2"},
		{"Async reviewed by bob: compliant (§4.3.1)", "-"},
		{`§4.3.1 modified "CA actions"`, "MISSING: Async §4.3.1"},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("events (-got +want):\n%s", diff)
	}
	if len(rep.Unreviewed) != 2 || rep.Summary.Unreviewed != 2 {
		t.Errorf("unreviewed: %d (summary %d), want 2", len(rep.Unreviewed), rep.Summary.Unreviewed)
	}
	if got := len(rep.Problems); got != 2 { // the commit's own problem and the bad review block
		t.Errorf("problems: %d, want 2: %+v", got, rep.Problems)
	}
	async := rep.Flags[rep.byFlag["Async"]]
	if lr := async.LastReview; lr == nil || lr.Reviewer != "bob" || !lr.Stale || !cmp.Equal(lr.ChangedSince, []string{"4.3.1"}) {
		t.Errorf("Async last review: %+v", async.LastReview)
	}
	if diff := cmp.Diff(rep.Matrix.Rows[0].Cells, []string{CellStale}); diff != "" {
		t.Errorf("matrix 4.3.1 (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(rep.Unlinked, []SectionRef{{ID: "9", Title: "Other"}, {ID: "9.1", Title: "Notes"}}); diff != "" {
		t.Errorf("unlinked (-got +want):\n%s", diff)
	}
	if len(rep.Versions) != 2 || rep.Versions[1].Version != "1.1" {
		t.Errorf("versions: %+v", rep.Versions)
	}
}

func TestTraceability(t *testing.T) {
	tr := mustBuild(t, sample(t)).Traceability
	var got []string
	for _, r := range tr.Rows {
		var tests, reviews []string
		for _, x := range r.Tests {
			tests = append(tests, TraceTestCell(x)+" via "+x.Via)
		}
		for _, x := range r.Reviews {
			reviews = append(reviews, ReviewCell(x))
		}
		got = append(got, fmt.Sprintf("%s normative=%v flags=%v params=%v tests=%q reviews=%q", r.Section, r.Normative, r.Flags, r.Parameters, tests, reviews))
	}
	want := []string{
		`4.3.1 normative=false flags=[Async] params=[] tests=["TestIssue (pass) via comment"] reviews=["Async: stale 2024-02-02 by bob"]`,
		`4.3.2 normative=true flags=[Async] params=[] tests=["TestNotify (skip, calls t.Skip) via registry" "TestGone (not run) via comment"] reviews=["Async: reviewed 2024-01-05 by carol"]`,
		`9 normative=true flags=[] params=[] tests=[] reviews=[]`,
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("rows (-got +want):\n%s", diff)
	}
	wantCov := Coverage{Normative: 2, Backed: 1, Tested: 1, Percent: 50, Unbacked: []SectionRef{{ID: "9", Title: "Other"}}}
	if diff := cmp.Diff(tr.Coverage, wantCov); diff != "" {
		t.Errorf("coverage (-got +want):\n%s", diff)
	}
	if got := CoverageLine(tr.Coverage); got != "1 of 2 normative CPS sections (MUST, SHALL, REQUIRED) are backed by a flag, parameter or test (50%); 1 have a linked test." {
		t.Errorf("CoverageLine = %q", got)
	}
}

// TestRenderers compares each format with its golden file in testdata.
func TestRenderers(t *testing.T) {
	rep := mustBuild(t, sample(t))
	for _, name := range FormatNames {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Formats[name].Render(&buf, rep); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "sample."+name)
			golden.Check(t, path, buf.String(), *update)
			var again bytes.Buffer
			_ = Formats[name].Render(&again, mustBuild(t, sample(t)))
			if !bytes.Equal(again.Bytes(), buf.Bytes()) {
				t.Error("a second build and render differ")
			}
		})
	}
}

func TestEmptyPeriod(t *testing.T) {
	rep := mustBuild(t, Input{From: "2024-01-01", To: "2024-01-31", Head: "abc"})
	for _, name := range FormatNames {
		var buf bytes.Buffer
		if err := Formats[name].Render(&buf, rep); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if len(rep.Months) != 1 || rep.Months[0] != (MonthCount{Month: "2024-01"}) {
		t.Errorf("months: %+v", rep.Months)
	}
}

// mustBuild builds the report with the built-in policies.
func mustBuild(t *testing.T, in Input) *Report {
	t.Helper()
	rep, err := Build(context.Background(), in)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return rep
}

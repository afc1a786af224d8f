package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cpsgate/cpsgate/evidence"
	"github.com/cpsgate/cpsgate/flags"
)

// Traceability is the matrix from each CPS section to what backs it at the
// end of the period: the flags and parameters that link it, the tests linked
// to it with their last result, and the flags' reviews of it; with the
// coverage of the normative sections.
type Traceability struct {
	Coverage Coverage   `json:"coverage"`
	Rows     []TraceRow `json:"rows"`
}

// Coverage counts the normative sections (MUST, SHALL, REQUIRED) and those
// that something backs.
type Coverage struct {
	Normative int `json:"normative_sections"`
	// Backed are the normative sections that a live flag or parameter links
	// or a test is linked to; Tested those with a linked test.
	Backed  int `json:"backed"`
	Tested  int `json:"tested"`
	Percent int `json:"percent_backed"` // Backed/Normative, rounded down; 100 without normative sections
	// Unbacked are the normative sections nothing backs (rule
	// untested_section warns when a change edits one).
	Unbacked []SectionRef `json:"unbacked"`
}

// TraceRow is one section that is normative or that something links.
type TraceRow struct {
	Section      string        `json:"section"`
	Title        string        `json:"title"`
	Normative    bool          `json:"normative"`
	RequiresTest bool          `json:"requires_test"`
	Flags        []string      `json:"flags"`
	Parameters   []string      `json:"parameters"`
	Tests        []TraceTest   `json:"tests"`
	Reviews      []TraceReview `json:"reviews"`
}

// TraceTest is a test linked to a section.
type TraceTest struct {
	Test    string `json:"test"` // its ID
	File    string `json:"file"`
	Line    int    `json:"line"`
	Via     string `json:"via"` // comment | registry | "comment, registry"
	Skipped bool   `json:"skipped"`
	// Result is its last result in --test-results (pass, fail, skip, or
	// "not run" when the results do not have it); "" without results.
	Result string `json:"result"`
}

// TraceReview is the latest review of a linking flag against the section.
type TraceReview struct {
	Flag     string `json:"flag"`
	Status   string `json:"status"` // reviewed | stale | unreviewed
	Reviewer string `json:"reviewer,omitempty"`
	Date     string `json:"date,omitempty"`
	Verdict  string `json:"verdict,omitempty"`
}

// ResultNotRun is the result of a linked test that the results do not list.
const ResultNotRun = "not run"

// traceability builds the traceability matrix from the state at the end of
// the period and the tests of the head (Input.Tests).
func (b *builder) traceability() {
	st := b.final
	tr := Traceability{Rows: []TraceRow{}, Coverage: Coverage{Unbacked: []SectionRef{}}}
	params := map[string][]string{}
	var rules []flags.SectionRule
	if st.Registry != nil {
		for _, p := range st.Registry.Parameters {
			if p.Status == flags.StatusRemoved {
				continue
			}
			for _, id := range p.CPS {
				params[id] = append(params[id], p.Name)
			}
		}
		rules = st.Registry.Sections
	}
	for _, d := range st.Docs {
		for _, s := range d.Sections {
			row := TraceRow{Section: s.ID, Title: s.Title, Normative: evidence.Normative(s.Text),
				Flags: linking(st, s.ID), Parameters: params[s.ID], Tests: []TraceTest{}, Reviews: []TraceReview{}}
			if i := slices.IndexFunc(rules, func(r flags.SectionRule) bool { return r.ID == s.ID }); i >= 0 {
				row.RequiresTest = rules[i].RequiresTest
			}
			slices.Sort(row.Parameters)
			row.Parameters = slices.Compact(row.Parameters)
			for _, t := range evidence.LinkedTo(b.in.Tests, s.ID) {
				row.Tests = append(row.Tests, b.traceTest(t, s.ID))
			}
			for _, name := range row.Flags {
				rv := TraceReview{Flag: name, Status: CellUnreviewed}
				if f := b.latest(name, s.ID); f != nil {
					rv.Status, rv.Reviewer, rv.Date, rv.Verdict = CellReviewed, f.r.Reviewer, f.date, f.r.Verdict
					if b.changedSince(f, s.ID) {
						rv.Status = CellStale
					}
				}
				row.Reviews = append(row.Reviews, rv)
			}
			backed := len(row.Flags) > 0 || len(row.Parameters) > 0 || len(row.Tests) > 0
			if row.Normative {
				tr.Coverage.Normative++
				if backed {
					tr.Coverage.Backed++
				} else {
					tr.Coverage.Unbacked = append(tr.Coverage.Unbacked, SectionRef{ID: s.ID, Title: s.Title})
				}
				if len(row.Tests) > 0 {
					tr.Coverage.Tested++
				}
			}
			if row.Normative || backed || row.RequiresTest {
				if row.Flags == nil {
					row.Flags = []string{}
				}
				if row.Parameters == nil {
					row.Parameters = []string{}
				}
				tr.Rows = append(tr.Rows, row)
			}
		}
	}
	tr.Coverage.Percent = 100
	if tr.Coverage.Normative > 0 {
		tr.Coverage.Percent = tr.Coverage.Backed * 100 / tr.Coverage.Normative
	}
	b.rep.Traceability = tr
}

func (b *builder) traceTest(t evidence.Test, id string) TraceTest {
	tt := TraceTest{Test: t.ID, File: t.Pos.File, Line: t.Pos.Line, Skipped: t.Skipped}
	var via []string
	for _, l := range t.Links {
		if l.Section == id && !slices.Contains(via, l.Via) {
			via = append(via, l.Via)
		}
	}
	tt.Via = strings.Join(via, ", ")
	if b.in.TestResults != nil {
		tt.Result = ResultNotRun
		if r, ok := b.in.TestResults.Of(t); ok {
			tt.Result = r.Action
		}
	}
	return tt
}

// CoverageLine is the coverage figure as one sentence.
func CoverageLine(c Coverage) string {
	if c.Normative == 0 {
		return "No CPS section states a requirement (MUST, SHALL or REQUIRED)."
	}
	return fmt.Sprintf("%d of %d normative CPS sections (MUST, SHALL, REQUIRED) are backed by a flag, parameter or test (%d%%); %d have a linked test.",
		c.Backed, c.Normative, c.Percent, c.Tested)
}

// TraceTestCell describes a test for the matrix: "TestX (pass)", "TestX (skipped)".
func TraceTestCell(t TraceTest) string {
	var notes []string
	if t.Result != "" {
		notes = append(notes, t.Result)
	}
	if t.Skipped {
		notes = append(notes, "calls t.Skip")
	}
	if len(notes) == 0 {
		return t.Test
	}
	return t.Test + " (" + strings.Join(notes, ", ") + ")"
}

// ReviewCell describes a review for the matrix: "Flag: reviewed 2024-01-02 alice".
func ReviewCell(r TraceReview) string {
	if r.Status == CellUnreviewed {
		return r.Flag + ": never reviewed"
	}
	return fmt.Sprintf("%s: %s %s by %s", r.Flag, r.Status, r.Date, r.Reviewer)
}

package params

import (
	"cmp"
	"slices"

	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/review"
)

// Entry is one parameter of the inventory (`cpsgate parameters`, explain,
// the report's JSON): its registry entry, its bounds as they read at this
// revision, and its values by environment and file.
type Entry struct {
	Name              string       `json:"name"`
	Type              string       `json:"type"`
	Status            string       `json:"status"`
	Description       string       `json:"description,omitempty"`
	Owner             string       `json:"owner,omitempty"`
	Sections          []string     `json:"sections"`
	InclusiveValidity bool         `json:"inclusive_validity,omitempty"`
	Bounds            []Bound      `json:"bounds"`
	Values            []EntryValue `json:"values"`
	LastReview        *EntryReview `json:"last_review"`
	File              string       `json:"file"`
	Line              int          `json:"line"`
}

// Bound is one constraint on a parameter: min or max (from a literal,
// another parameter or the CPS text), one_of or pattern. Number is in
// seconds (durations) or bytes (sizes); Error says why a CPS-bound bound
// cannot be read.
type Bound struct {
	Kind      string  `json:"kind"`   // min | max | one_of | pattern
	Source    string  `json:"source"` // literal | parameter | cps
	Exclusive bool    `json:"exclusive,omitempty"`
	Text      string  `json:"text,omitempty"`
	Number    float64 `json:"number,omitempty"`
	Parameter string  `json:"parameter,omitempty"`
	Section   string  `json:"section,omitempty"`
	Error     string  `json:"error,omitempty"`
}

// EntryReview is the newest review in a parameter's registry entry.
type EntryReview struct {
	Date     string   `json:"date"`
	Reviewer string   `json:"reviewer"`
	Verdict  string   `json:"verdict"`
	Sections []string `json:"sections"`
}

// EntryValue is a parameter's value in one file.
type EntryValue struct {
	Environment string  `json:"environment"`
	File        string  `json:"file"`
	Line        int     `json:"line"`
	Path        string  `json:"path"`
	Text        string  `json:"text"`
	Template    string  `json:"template,omitempty"`
	Number      float64 `json:"number,omitempty"`
}

// Inventory lists the parameters of one revision (rev.Registry, with the
// values rev.Values and the CPS rev.Sections), sorted by name.
func Inventory(rev Revision) []Entry {
	out := []Entry{}
	if rev.Registry == nil {
		return out
	}
	for i := range rev.Registry.Parameters {
		p := &rev.Registry.Parameters[i]
		e := Entry{Name: p.Name, Type: p.Type, Status: p.Status, Description: p.Description, Owner: p.Owner,
			Sections: slices.Clone(p.CPS), InclusiveValidity: p.InclusiveValidity, Bounds: []Bound{},
			Values: []EntryValue{}, File: p.Pos.File, Line: p.Pos.Line, LastReview: lastReview(p)}
		if e.Sections == nil {
			e.Sections = []string{}
		}
		for _, c := range constraints(p, rev, rev) {
			e.Bounds = append(e.Bounds, Bound{Kind: c.Kind, Source: c.Source, Exclusive: c.Exclusive, Text: c.Text,
				Number: c.Number, Parameter: c.Parameter, Section: c.Section, Error: c.Error})
		}
		for _, v := range rev.Values.Of(p.Name) {
			e.Values = append(e.Values, EntryValue{Environment: v.Environment, File: v.File, Line: v.Pos.Line,
				Path: v.Path, Text: v.Text, Template: v.Template, Number: v.Value.Number})
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entry) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// lastReview is the newest review in p's registry entry (the last one of
// the newest date), nil when there is none.
func lastReview(p *flags.Parameter) *EntryReview {
	var last *review.Review
	for i := range p.Reviews {
		if r := &p.Reviews[i]; last == nil || r.Date >= last.Date {
			last = r
		}
	}
	if last == nil {
		return nil
	}
	return &EntryReview{Date: last.Date, Reviewer: last.Reviewer, Verdict: last.Verdict, Sections: slices.Clone(last.Sections)}
}

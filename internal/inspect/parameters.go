package inspect

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cpsgate/cpsgate/params"
	"github.com/cpsgate/cpsgate/revision"
)

// Parameters is the inventory of the configuration parameters of one state
// (`cpsgate parameters`): their bounds as they read at this revision and
// their values by environment and file.
func Parameters(st *revision.State) []params.Entry {
	return params.Inventory(params.Revision{Registry: st.Registry, Values: st.Params, Sections: st.Sections})
}

// WriteParameters lists parameters as JSON, or as text: one line per
// parameter with its bounds, then one per value.
func WriteParameters(w io.Writer, list []params.Entry, asJSON bool) error {
	if asJSON {
		return EncodeJSON(w, list)
	}
	tw := Table(w)
	for i, p := range list {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		last := "none"
		if r := p.LastReview; r != nil {
			last = fmt.Sprintf("%s %s %s", r.Date, r.Reviewer, r.Verdict)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\tCPS %s\tlast review: %s\n", p.Name, p.Type, p.Status, strings.Join(p.Sections, ","), last)
		for _, b := range p.Bounds {
			fmt.Fprintf(tw, "  %s\t\t\t\t\n", DescribeBound(b))
		}
		if len(p.Values) == 0 {
			fmt.Fprintf(tw, "  no value\t\t\t\t\n")
		}
		for _, v := range p.Values {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s:%d\t\n", v.Environment, written(v), v.Path, v.File, v.Line)
		}
	}
	return tw.Flush()
}

// ExplainParameter writes what is known about parameter name (`cpsgate
// explain`); it returns false when the registry lists no such parameter.
func ExplainParameter(b *strings.Builder, st *revision.State, name string) bool {
	if st.Registry.LookupParameter(name) == nil {
		return false
	}
	var p params.Entry
	for _, e := range Parameters(st) {
		if e.Name == name {
			p = e
		}
	}
	fmt.Fprintf(b, "parameter %s (%s)\n", p.Name, p.Type)
	fmt.Fprintf(b, "  registry: %s:%d  status %s", p.File, p.Line, p.Status)
	if p.Owner != "" {
		fmt.Fprintf(b, "  owner %s", p.Owner)
	}
	b.WriteString("\n")
	if p.Description != "" {
		fmt.Fprintf(b, "  %s\n", p.Description)
	}
	if p.InclusiveValidity {
		b.WriteString("  notAfter is inclusive: the bounds apply to the value plus one second\n")
	}
	b.WriteString("linked sections:\n")
	for _, id := range p.Sections {
		if s, ok := st.Sections[id]; ok {
			fmt.Fprintf(b, "  %s %s  (%s)\n", id, s.Title, s.Pos)
		} else {
			fmt.Fprintf(b, "  %s  MISSING from the CPS\n", id)
		}
	}
	b.WriteString("bounds:\n")
	if len(p.Bounds) == 0 {
		b.WriteString("  none\n")
	}
	for _, bd := range p.Bounds {
		fmt.Fprintf(b, "  %s\n", DescribeBound(bd))
	}
	b.WriteString("values:\n")
	if len(p.Values) == 0 {
		b.WriteString("  none\n")
	}
	for _, v := range p.Values {
		fmt.Fprintf(b, "  %s: %s  (%s, %s:%d)\n", v.Environment, written(v), v.Path, v.File, v.Line)
	}
	b.WriteString("reviews:\n")
	reviews := st.Registry.LookupParameter(name).Reviews
	if len(reviews) == 0 {
		b.WriteString("  none in the registry\n")
	}
	for _, r := range reviews {
		fmt.Fprintf(b, "  %s by %s of %s: %s  (%s)\n", r.Date, r.Reviewer, strings.Join(r.Sections, ", "), r.Verdict, r.Pos)
	}
	return true
}

// written is a value as the program reads it, and as written when
// templated.
func written(v params.EntryValue) string {
	if v.Template != "" {
		return fmt.Sprintf("%s (%s)", v.Text, v.Template)
	}
	return v.Text
}

// DescribeBound describes a bound in one line: `max 2160h`, `min: every
// value of ca.maxValidityPeriod`, `max 7776000 from CPS 6.3.2 "valid for at
// most 90 days"`.
func DescribeBound(b params.Bound) string {
	kind := b.Kind
	if b.Exclusive {
		kind += " (exclusive)"
	}
	switch {
	case b.Source == "parameter":
		return fmt.Sprintf("%s: every value of %s in the same environment", kind, b.Parameter)
	case b.Source == "cps" && b.Error != "":
		return fmt.Sprintf("%s from CPS %s: UNREADABLE: %s", kind, b.Section, b.Error)
	case b.Source == "cps":
		return fmt.Sprintf("%s %s from CPS %s %q", kind, strconv.FormatFloat(b.Number, 'f', -1, 64), b.Section, b.Text)
	case b.Kind == "one_of":
		return "one of " + b.Text
	case b.Kind == "pattern":
		return "matches " + b.Text
	}
	return kind + " " + b.Text
}

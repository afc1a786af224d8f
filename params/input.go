package params

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/internal/paramtype"
	"github.com/cpsgate/cpsgate/policies"
	"github.com/cpsgate/cpsgate/result"
	"github.com/cpsgate/cpsgate/review"
)

// Change kinds for parameter values.
const (
	Added   = "added"
	Removed = "removed"
	Changed = "changed"
)

// Revision is what one revision says about parameters.
type Revision struct {
	Registry *flags.Registry // nil when the revision has no registry
	Values   *Values
	Sections map[string]*cps.Section
}

// SplitReviews separates the reviews of parameters (parameter: set) from
// the reviews of flags.
func SplitReviews(rs []review.Review) (flagReviews, paramReviews []review.Review) {
	for _, r := range rs {
		if r.Parameter != "" {
			paramReviews = append(paramReviews, r)
		} else {
			flagReviews = append(flagReviews, r)
		}
	}
	return flagReviews, paramReviews
}

// AddToInput sets the parameters, their value changes, what the change did
// to their registry entries, and their reviews in the policy input: the
// reviews recorded in the head registry (new when the change adds them) and
// those attached to the change (reviews, whose empty reviewer is the
// author's). renumbered maps the base ID of each renumbered section to its
// head ID: a link that follows its section is not a removed link.
func AddToInput(in *policies.Input, base, head Revision, reviews []review.Review, author string, renumbered map[string]string) {
	in.Parameters = map[string]policies.Parameter{}
	in.ParameterChanges = []policies.ParameterChange{}
	in.ParameterReviews = []policies.ParameterReview{}
	in.ParameterRegistryChanges = []policies.ParameterRegistryChange{}
	names := map[string]bool{}
	for _, reg := range []*flags.Registry{base.Registry, head.Registry} {
		if reg != nil {
			for _, p := range reg.Parameters {
				names[p.Name] = true
			}
		}
	}
	headBy, baseBy := byName(head.Registry), byName(base.Registry)
	for _, name := range slices.Sorted(maps.Keys(names)) {
		hp, bp := headBy[name], baseBy[name]
		in.Parameters[name] = parameter(name, hp, bp, base, head)
		in.ParameterChanges = append(in.ParameterChanges, Diff(name, base.Values.Of(name), head.Values.Of(name))...)
	}
	var added []review.Review
	if base.Registry != head.Registry && len(names) > 0 {
		var changes []flags.ParameterRegistryChange
		changes, added = flags.DiffParameters(base.Registry, head.Registry)
		for _, c := range changes {
			if c.Kind == flags.LinkRemoved {
				if to, ok := renumbered[c.Detail]; ok && slices.Contains(head.Registry.LookupParameter(c.Parameter).CPS, to) {
					continue // the link moved with its section
				}
			}
			in.ParameterRegistryChanges = append(in.ParameterRegistryChanges, policies.ParameterRegistryChange{
				Parameter: c.Parameter, Change: c.Kind, Detail: c.Detail, File: c.Pos.File, Line: c.Pos.Line,
			})
		}
	}
	isNew := map[diag.Pos]bool{}
	for _, r := range added {
		isNew[r.Pos] = true
	}
	if head.Registry != nil {
		for _, p := range head.Registry.Parameters {
			for _, r := range p.Reviews {
				in.ParameterReviews = append(in.ParameterReviews, inputReview(r, isNew[r.Pos]))
			}
		}
	}
	for _, r := range reviews {
		if r.Reviewer == "" {
			r.Reviewer = author
		}
		in.ParameterReviews = append(in.ParameterReviews, inputReview(r, true))
	}
}

// byName indexes the parameters of reg (nil: none) by name, as
// LookupParameter finds them (the first of a name).
func byName(reg *flags.Registry) map[string]*flags.Parameter {
	if reg == nil {
		return nil
	}
	out := make(map[string]*flags.Parameter, len(reg.Parameters))
	for i := range reg.Parameters {
		p := &reg.Parameters[i]
		if _, ok := out[p.Name]; !ok {
			out[p.Name] = p
		}
	}
	return out
}

// inputReview converts a review of a parameter for the input.
func inputReview(r review.Review, isNew bool) policies.ParameterReview {
	hashes := r.SectionHashes
	if hashes == nil {
		hashes = map[string]string{}
	}
	return policies.ParameterReview{
		Parameter: r.Parameter, Sections: nonNil(r.Sections), Reviewer: r.Reviewer, Date: r.Date,
		Verdict: r.Verdict, CPSVersion: r.CPSVersion, SectionHashes: hashes, Ref: r.Ref, Notes: r.Notes,
		Origin: r.Origin, New: isNew, File: r.Pos.File, Line: r.Pos.Line,
	}
}

// parameter builds the input's view of one parameter from its head entry
// hp and base entry bp (either may be nil).
func parameter(name string, hp, bp *flags.Parameter, base, head Revision) policies.Parameter {
	entry := cmp.Or(hp, bp)
	out := policies.Parameter{
		Name: name, Type: entry.Type, Status: entry.Status, Registered: hp != nil, InBase: bp != nil,
		Description: entry.Description, CPS: []string{}, BaseCPS: []string{},
		File: entry.Pos.File, Line: entry.Pos.Line,
	}
	if hp != nil {
		out.CPS = slices.Clone(hp.CPS)
	}
	if bp != nil {
		out.BaseCPS = slices.Clone(bp.CPS)
		out.BaseType = bp.Type
	}
	out.InclusiveValidity = hp != nil && hp.InclusiveValidity || bp != nil && bp.InclusiveValidity
	out.Values = inputValues(head.Values.Of(name), out.InclusiveValidity)
	out.BaseValues = inputValues(base.Values.Of(name), out.InclusiveValidity)
	// The constraints of both revisions apply: a change that loosens a
	// bound is checked against the bound it loosens (the new one applies
	// once it is merged). Base constraints of another type cannot be
	// compared; the rules deny the type change itself.
	var cs []policies.ParameterConstraint
	if hp != nil {
		cs = constraints(hp, base, head)
	}
	if bp != nil && (hp == nil || bp.Type == hp.Type) {
		for _, c := range constraints(bp, base, head) {
			c.InBase = true
			if i := slices.IndexFunc(cs, func(h policies.ParameterConstraint) bool { return sameConstraint(h, c) }); i >= 0 {
				cs[i].InBase = true
				continue
			}
			cs = append(cs, c)
		}
	}
	out.Constraints = nonNil(cs)
	return out
}

// sameConstraint reports whether a and b are the same constraint, wherever
// in the registry they are written.
func sameConstraint(a, b policies.ParameterConstraint) bool {
	a.File, a.Line, a.InBase, b.File, b.Line, b.InBase = "", 0, false, "", 0, false
	return a.Kind == b.Kind && a.Source == b.Source && a.Exclusive == b.Exclusive && a.Number == b.Number &&
		a.Text == b.Text && a.Parameter == b.Parameter && a.Section == b.Section && a.Pattern == b.Pattern &&
		slices.Equal(a.Numbers, b.Numbers) && slices.Equal(a.Strings, b.Strings)
}

// constraints lists the constraints of entry p, CPS-bound bounds read from
// the CPS at head (Number, Error) and at base (BaseNumber, BaseError).
func constraints(p *flags.Parameter, base, head Revision) []policies.ParameterConstraint {
	var out []policies.ParameterConstraint
	for _, b := range []struct {
		kind  string
		bound *flags.ParamBound
	}{{"min", p.Min}, {"max", p.Max}} {
		if b.bound == nil {
			continue
		}
		c := policies.ParameterConstraint{Kind: b.kind, Exclusive: b.bound.Exclusive,
			File: b.bound.Pos.File, Line: b.bound.Pos.Line, Numbers: []float64{}, Strings: []string{}}
		switch {
		case b.bound.Parameter != "":
			c.Source, c.Parameter = "parameter", b.bound.Parameter
		case b.bound.Literal != nil:
			c.Source, c.Text = "literal", b.bound.Literal.Text
			c.Number, c.BaseNumber = b.bound.Literal.Value.Number, b.bound.Literal.Value.Number
		default:
			continue // reported when the registry was decoded
		}
		out = append(out, c)
	}
	if len(p.OneOf) > 0 {
		c := policies.ParameterConstraint{Kind: "one_of", Source: "literal", Numbers: []float64{}, Strings: []string{},
			File: p.OneOf[0].Pos.File, Line: p.OneOf[0].Pos.Line}
		var texts []string
		for _, lit := range p.OneOf {
			texts = append(texts, lit.Text)
			if paramtype.Numeric(p.Type) {
				c.Numbers = append(c.Numbers, lit.Value.Number)
			} else {
				c.Strings = append(c.Strings, lit.Value.String)
			}
		}
		c.Text = strings.Join(texts, ", ")
		out = append(out, c)
	}
	if p.Pattern != "" {
		out = append(out, policies.ParameterConstraint{Kind: "pattern", Source: "literal", Pattern: p.Pattern,
			Text: p.Pattern, Numbers: []float64{}, Strings: []string{}, File: p.Pos.File, Line: p.Pos.Line})
	}
	for _, cv := range p.CPSValues {
		c := policies.ParameterConstraint{Kind: cv.Bound, Source: "cps", Exclusive: cv.Exclusive,
			Section: cv.Section, Pattern: cv.Pattern, Numbers: []float64{}, Strings: []string{},
			File: cv.Pos.File, Line: cv.Pos.Line}
		c.Number, c.Text, c.Error = CPSBound(cv, p.Type, head.Sections)
		c.BaseNumber, _, c.BaseError = CPSBound(cv, p.Type, base.Sections)
		out = append(out, c)
	}
	return out
}

// space is a run of white space, folded to one space before a CPS-bound
// pattern is matched, so that a rewrapped line does not break it.
var space = regexp.MustCompile(`\s+`)

// CPSBound reads a bound from the CPS text: the number that cv's pattern
// captures in the section's own text, times its unit (in seconds or bytes),
// and the text that matched. errMsg says why there is none: the section is
// missing, the pattern no longer matches, or it matches different numbers.
func CPSBound(cv flags.CPSValue, typ string, sections map[string]*cps.Section) (number float64, text, errMsg string) {
	s, ok := sections[cv.Section]
	if !ok {
		return 0, "", fmt.Sprintf("CPS section %s, which states this bound, does not exist", cv.Section)
	}
	re, err := regexp.Compile(cv.Pattern)
	if err != nil || re.NumSubexp() != 1 {
		return 0, "", fmt.Sprintf("pattern %q is not a regular expression with one capture group", cv.Pattern)
	}
	factor, err := paramtype.UnitFactor(typ, cv.Unit)
	if err != nil {
		return 0, "", err.Error()
	}
	matches := re.FindAllStringSubmatch(strings.TrimSpace(space.ReplaceAllString(s.Text, " ")), -1)
	if len(matches) == 0 {
		return 0, "", fmt.Sprintf("the text of CPS section %s no longer matches %q: the CPS no longer states this bound the way the registry expects; update cps_value to the CPS's new wording", cv.Section, cv.Pattern)
	}
	var found []float64
	for _, m := range matches {
		n, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			return 0, "", fmt.Sprintf("in CPS section %s, %q matches %q, whose group %q is not a number", cv.Section, cv.Pattern, m[0], m[1])
		}
		if !slices.Contains(found, n) {
			found = append(found, n)
		}
		if text == "" {
			text = m[0]
		}
	}
	if len(found) > 1 {
		return 0, "", fmt.Sprintf("in CPS section %s, %q matches different numbers (%s): which one bounds the parameter is ambiguous; make the pattern match one statement", cv.Section, cv.Pattern, joinNumbers(found))
	}
	return found[0] * factor, text, ""
}

func joinNumbers(ns []float64) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.FormatFloat(n, 'f', -1, 64)
	}
	return strings.Join(s, ", ")
}

// inputValues converts values for the input.
func inputValues(vs []Value, inclusive bool) []policies.ParameterValue {
	out := make([]policies.ParameterValue, 0, len(vs))
	for _, v := range vs {
		pv := policies.ParameterValue{
			File: v.File, Line: v.Pos.Line, Path: v.Path, Environment: v.Environment, Text: v.Text,
			Template: v.Template, Vars: []string{}, Number: v.Value.Number, Effective: v.Value.Number,
			String: v.Value.String, Bool: v.Value.Bool,
		}
		if inclusive {
			pv.Effective++ // notAfter is inclusive: the period is one second longer
		}
		for _, r := range v.Vars {
			pv.Vars = append(pv.Vars, r.Name)
		}
		out = append(out, pv)
	}
	return out
}

// Diff lists the changes of one parameter's values between base and head,
// by file and key path: a value written differently (a literal, or a
// template reference) or resolved differently (a variable changed) is
// changed.
func Diff(name string, base, head []Value) []policies.ParameterChange {
	if sameValues(base, head) {
		return nil
	}
	type key struct{ file, path string }
	baseBy := map[key]Value{}
	for _, v := range base {
		baseBy[key{v.File, v.Path}] = v
	}
	var out []policies.ParameterChange
	seen := map[key]bool{}
	for _, h := range head {
		k := key{h.File, h.Path}
		seen[k] = true
		b, ok := baseBy[k]
		c := policies.ParameterChange{Parameter: name, New: h.Text, NewTemplate: h.Template,
			File: h.File, Line: h.Pos.Line, Path: h.Path, Environment: h.Environment}
		switch {
		case !ok:
			c.Change = Added
		case b.Text != h.Text || b.Template != h.Template:
			c.Change, c.Old, c.OldTemplate = Changed, b.Text, b.Template
		default:
			continue
		}
		out = append(out, c)
	}
	for _, b := range base {
		if seen[key{b.File, b.Path}] {
			continue
		}
		out = append(out, policies.ParameterChange{Parameter: name, Change: Removed, Old: b.Text, OldTemplate: b.Template,
			File: b.File, Line: b.Pos.Line, Path: b.Path, Environment: b.Environment})
	}
	slices.SortFunc(out, func(a, b policies.ParameterChange) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Path, b.Path))
	})
	return out
}

// sameValues reports whether base and head (sorted by file and key path)
// hold the same values, written and resolved alike: Diff finds no change.
func sameValues(base, head []Value) bool {
	if len(base) != len(head) {
		return false
	}
	for i := range base {
		b, h := &base[i], &head[i]
		if b.File != h.File || b.Path != h.Path || b.Text != h.Text || b.Template != h.Template {
			return false
		}
	}
	return true
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Result converts the input's parameter changes for the check's result.
func Result(changes []policies.ParameterChange) []result.ParameterChange {
	out := make([]result.ParameterChange, 0, len(changes))
	for _, c := range changes {
		out = append(out, result.ParameterChange{
			Parameter: c.Parameter, Change: c.Change, Old: c.Old, New: c.New, OldTemplate: c.OldTemplate,
			NewTemplate: c.NewTemplate, File: c.File, Line: c.Line, Path: c.Path, Environment: c.Environment,
		})
	}
	return out
}

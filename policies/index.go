package policies

import (
	"cmp"
	"encoding/json"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Index holds facts about the input that the built-in rules would otherwise
// find by scanning every flag, section and review: at a large CA's scale
// (10,000 flags) each such scan costs the interpreter tens of milliseconds,
// and the rules need several. The facts are derived from the other fields of
// the input each time it is handed to Rego or encoded (so they always agree
// with it) and appear in the input as `index` (policies/README.md, "The
// index"). lib.rego computes the same facts in Rego when an input has no
// `index` (one written by hand); TestIndexAgrees checks that both give the
// same findings.
type Index struct {
	// To maps each section ID that a flag's head `cps` names (any flag,
	// any status) to the names of those flags, sorted.
	LinksTo map[string][]string `json:"links_to"`
	// UnknownLinks is LinksTo restricted to the section IDs that Sections
	// does not have.
	UnknownLinks map[string][]string `json:"unknown_links"`
	// Uncovered are the [flag, section] links of registered flags to
	// sections of the head CPS that no review in Reviews names (the flag
	// and the section, whatever its verdict), sorted.
	UncoveredLinks [][2]string `json:"uncovered_links"`
	// Stale are the links of registered flags to sections of the head CPS
	// whose latest registry review (greatest date; among equal dates the
	// last by file and line) records a hash of the section that differs
	// from the text the link covers (tree_hash, else hash), sorted.
	StaleLinks []StaleLink `json:"stale_links"`
	// FlagChanges maps each flag named in FlagChanges to the indexes of its
	// changes there, ordered by file, line and index.
	FlagChanges map[string][]int `json:"flag_changes"`
	// NewReviews are the indexes in Reviews of the reviews that are part of
	// this change (new), in order.
	NewReviews []int `json:"new_reviews"`
	// Unregistered, Unlinked and Unsourced are the names of the flags
	// without a registry entry (registered false), without a linked section
	// (empty cps) and without a source (empty sources), sorted.
	Unregistered []string `json:"unregistered"`
	Unlinked     []string `json:"unlinked"`
	Unsourced    []string `json:"unsourced"`
	// ValueRanges are the smallest and largest Effective of each
	// parameter's values at head, for the parameters that have values.
	ValueRanges map[string]ValueRange `json:"value_ranges"`
	// ChangedTrees are the IDs of the sections whose text under them (their
	// link hash: tree_hash, else hash) differs from base_tree_hash, when
	// base_tree_hash is not "", sorted.
	ChangedTrees []string `json:"changed_trees"`
	// ParameterChecks are the constraints of parameters with values that
	// the rules check value by value: a min or max whose bound is a number
	// (source literal or cps, no error) only when the range of the values
	// crosses it (ValueRanges), any other constraint always. Sorted.
	ParameterChecks []ConstraintRef `json:"parameter_checks"`
	// ParameterBoundErrors are the constraints with an Error, sorted.
	ParameterBoundErrors []ConstraintRef `json:"parameter_bound_errors"`
	// ValuelessParameters are the names of the parameters without a value
	// at head, sorted.
	ValuelessParameters []string `json:"valueless_parameters"`
	// ParameterRelations maps the name of each parameter with relations
	// (constraints of source parameter) to their indexes, in order.
	ParameterRelations map[string][]int `json:"parameter_relations"`
	// RetypedParameters are the names of the registered parameters that
	// were in the base registry with another type, sorted.
	RetypedParameters []string `json:"retyped_parameters"`
	// ParameterLinksTo maps each section ID that a parameter's head `cps`
	// names to the names of those parameters, sorted.
	ParameterLinksTo map[string][]string `json:"parameter_links_to"`
}

// ConstraintRef is a parameter's constraint: the parameter's name and the
// constraint's index in its constraints, [name, index] in JSON.
type ConstraintRef struct {
	Parameter  string
	Constraint int
}

// MarshalJSON writes r as [name, index].
func (r ConstraintRef) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{r.Parameter, r.Constraint})
}

// ValueRange is the range of a parameter's effective values.
type ValueRange struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// StaleLink is a link whose latest registry review recorded other text.
type StaleLink struct {
	Flag    string `json:"flag"`
	Section string `json:"section"`
	Review  int    `json:"review"` // index of the review in Reviews
}

// index computes the index of in.
func (in *Input) index() Index {
	out := Index{
		LinksTo: map[string][]string{}, UnknownLinks: map[string][]string{}, FlagChanges: map[string][]int{}, UncoveredLinks: [][2]string{}, StaleLinks: []StaleLink{}, NewReviews: []int{},
		Unregistered: []string{}, Unlinked: []string{}, Unsourced: []string{}, ChangedTrees: []string{}, ValueRanges: map[string]ValueRange{},
		ParameterChecks: []ConstraintRef{}, ParameterBoundErrors: []ConstraintRef{}, ValuelessParameters: []string{},
		ParameterRelations: map[string][]int{}, RetypedParameters: []string{}, ParameterLinksTo: map[string][]string{},
	}
	facts := in.reviewFacts()
	covered, latest := facts.covered, facts.latest
	out.NewReviews = append(out.NewReviews, facts.newReviews...)
	for name, f := range in.Flags {
		if !f.Registered {
			out.Unregistered = append(out.Unregistered, name)
		}
		if len(f.CPS) == 0 {
			out.Unlinked = append(out.Unlinked, name)
		}
		if len(f.Sources) == 0 {
			out.Unsourced = append(out.Unsourced, name)
		}
		seen := map[string]bool{}
		for _, s := range f.CPS {
			if seen[s] {
				continue
			}
			seen[s] = true
			out.LinksTo[s] = append(out.LinksTo[s], name)
			sec, ok := in.Sections[s]
			if !f.Registered || !ok {
				continue
			}
			key := [2]string{name, s}
			if !covered[key] {
				out.UncoveredLinks = append(out.UncoveredLinks, key)
			}
			i, ok := latest[key]
			if !ok {
				continue
			}
			if h, ok := in.Reviews[i].SectionHashes[s]; ok && h != linkHash(&sec) {
				out.StaleLinks = append(out.StaleLinks, StaleLink{Flag: name, Section: s, Review: i})
			}
		}
	}
	for name, p := range in.Parameters {
		out.addParameter(name, &p)
	}
	for id, sec := range in.Sections {
		if sec.BaseTreeHash != "" && linkHash(&sec) != sec.BaseTreeHash {
			out.ChangedTrees = append(out.ChangedTrees, id)
		}
	}
	for i := range in.FlagChanges {
		c := &in.FlagChanges[i]
		out.FlagChanges[c.Flag] = append(out.FlagChanges[c.Flag], i)
	}
	for _, is := range out.FlagChanges {
		slices.SortFunc(is, func(i, j int) int {
			a, b := &in.FlagChanges[i], &in.FlagChanges[j]
			return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(i, j))
		})
	}
	for s, names := range out.LinksTo {
		slices.Sort(names)
		if _, ok := in.Sections[s]; !ok {
			out.UnknownLinks[s] = names
		}
	}
	for _, names := range out.ParameterLinksTo {
		slices.Sort(names)
	}
	for _, names := range [][]string{out.Unregistered, out.Unlinked, out.Unsourced, out.ChangedTrees, out.ValuelessParameters, out.RetypedParameters} {
		slices.Sort(names)
	}
	for _, refs := range [][]ConstraintRef{out.ParameterChecks, out.ParameterBoundErrors} {
		slices.SortFunc(refs, func(a, b ConstraintRef) int {
			return cmp.Or(cmp.Compare(a.Parameter, b.Parameter), cmp.Compare(a.Constraint, b.Constraint))
		})
	}
	slices.SortFunc(out.UncoveredLinks, func(a, b [2]string) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	})
	slices.SortFunc(out.StaleLinks, func(a, b StaleLink) int {
		return cmp.Or(cmp.Compare(a.Flag, b.Flag), cmp.Compare(a.Section, b.Section))
	})
	return out
}

// reviewFacts are what the index finds in the reviews alone.
type reviewFacts struct {
	newReviews []int
	covered    map[[2]string]bool // [flag, section] named by a review
	latest     map[[2]string]int  // [flag, section] -> index of its latest registry review
}

// reviewFacts returns the facts of in.Reviews: those of the shared list
// when in holds it (found once for all the inputs that share it).
func (in *Input) reviewFacts() *reviewFacts {
	if s := in.sharedReviews; s != nil && s.holds(in.Reviews) {
		s.factsOnce.Do(func() { s.facts = reviewFactsOf(s.list) })
		return s.facts
	}
	return reviewFactsOf(in.Reviews)
}

func reviewFactsOf(reviews []Review) *reviewFacts {
	f := &reviewFacts{covered: map[[2]string]bool{}, latest: map[[2]string]int{}}
	for i := range reviews {
		r := &reviews[i]
		if r.New {
			f.newReviews = append(f.newReviews, i)
		}
		for _, s := range r.Sections {
			key := [2]string{r.Flag, s}
			f.covered[key] = true
			if r.Origin != "registry" {
				continue
			}
			if j, ok := f.latest[key]; !ok || laterReview(r, &reviews[j]) {
				f.latest[key] = i
			}
		}
	}
	return f
}

// addParameter adds the facts about parameter p, named name.
func (x *Index) addParameter(name string, p *Parameter) {
	for i, v := range p.Values {
		r := x.ValueRanges[name]
		if i == 0 {
			r = ValueRange{Min: v.Effective, Max: v.Effective}
		}
		r.Min, r.Max = min(r.Min, v.Effective), max(r.Max, v.Effective)
		x.ValueRanges[name] = r
	}
	if len(p.Values) == 0 {
		x.ValuelessParameters = append(x.ValuelessParameters, name)
	}
	if p.InBase && p.Registered && p.BaseType != p.Type {
		x.RetypedParameters = append(x.RetypedParameters, name)
	}
	seen := map[string]bool{}
	for _, s := range p.CPS {
		if !seen[s] {
			seen[s] = true
			x.ParameterLinksTo[s] = append(x.ParameterLinksTo[s], name)
		}
	}
	r, valued := x.ValueRanges[name]
	for j := range p.Constraints {
		c := &p.Constraints[j]
		ref := ConstraintRef{name, j}
		if c.Error != "" {
			x.ParameterBoundErrors = append(x.ParameterBoundErrors, ref)
		}
		if c.Source == "parameter" {
			x.ParameterRelations[name] = append(x.ParameterRelations[name], j)
		}
		if valued && (!c.fixed() || c.crosses(r)) {
			x.ParameterChecks = append(x.ParameterChecks, ref)
		}
	}
}

// fixed is lib.rego's fixed_bound: a min or max whose bound at head is one
// number.
func (c *ParameterConstraint) fixed() bool {
	return (c.Kind == "min" || c.Kind == "max") && (c.Source == "literal" || c.Source == "cps") && c.Error == ""
}

// crosses is lib.rego's range_crosses: a value in r may violate the fixed
// bound c.
func (c *ParameterConstraint) crosses(r ValueRange) bool {
	switch {
	case c.Kind == "max" && !c.Exclusive:
		return r.Max > c.Number
	case c.Kind == "max":
		return r.Max >= c.Number
	case !c.Exclusive:
		return r.Min < c.Number
	default:
		return r.Min <= c.Number
	}
}

// laterReview reports whether r sorts after s as lib.rego's
// latest_registry_review orders reviews: by date, then file, then line.
func laterReview(r, s *Review) bool {
	return cmp.Or(cmp.Compare(r.Date, s.Date), cmp.Compare(r.File, s.File), cmp.Compare(r.Line, s.Line)) > 0
}

// linkHash is lib.rego's link_hash: the section's tree hash, else its own.
func linkHash(s *Section) string {
	return cmp.Or(s.TreeHash, s.Hash)
}

func (x *Index) term() *ast.Term {
	return newObj(16).
		term("links_to", mapOf(x.LinksTo, func(names *[]string) *ast.Term { return stringsTerm(*names) })).
		term("unknown_links", mapOf(x.UnknownLinks, func(names *[]string) *ast.Term { return stringsTerm(*names) })).
		term("uncovered_links", arrayOf(x.UncoveredLinks, func(p *[2]string) *ast.Term { return stringsTerm(p[:]) })).
		term("stale_links", arrayOf(x.StaleLinks, func(s *StaleLink) *ast.Term {
			return newObj(3).str("flag", s.Flag).str("section", s.Section).num("review", s.Review).done()
		})).
		term("flag_changes", mapOf(x.FlagChanges, func(is *[]int) *ast.Term {
			return arrayOf(*is, func(i *int) *ast.Term { return ast.IntNumberTerm(*i) })
		})).
		term("new_reviews", arrayOf(x.NewReviews, func(i *int) *ast.Term { return ast.IntNumberTerm(*i) })).
		term("unregistered", stringsTerm(x.Unregistered)).
		term("unlinked", stringsTerm(x.Unlinked)).
		term("unsourced", stringsTerm(x.Unsourced)).
		term("changed_trees", stringsTerm(x.ChangedTrees)).
		term("value_ranges", mapOf(x.ValueRanges, func(r *ValueRange) *ast.Term {
			return newObj(2).float("min", r.Min).float("max", r.Max).done()
		})).
		term("parameter_checks", arrayOf(x.ParameterChecks, (*ConstraintRef).term)).
		term("parameter_bound_errors", arrayOf(x.ParameterBoundErrors, (*ConstraintRef).term)).
		term("valueless_parameters", stringsTerm(x.ValuelessParameters)).
		term("parameter_relations", mapOf(x.ParameterRelations, func(is *[]int) *ast.Term {
			return arrayOf(*is, func(i *int) *ast.Term { return ast.IntNumberTerm(*i) })
		})).
		term("retyped_parameters", stringsTerm(x.RetypedParameters)).
		term("parameter_links_to", mapOf(x.ParameterLinksTo, func(names *[]string) *ast.Term { return stringsTerm(*names) })).
		done()
}

func (r *ConstraintRef) term() *ast.Term {
	return ast.ArrayTerm(ast.StringTerm(r.Parameter), ast.IntNumberTerm(r.Constraint))
}

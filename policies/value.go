package policies

import (
	"encoding/json"
	"hash/maphash"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// This file converts an Input into the ast.Value that Rego evaluates,
// directly: the same value as decoding the Input's JSON form (the form
// policies/README.md documents; a test holds the two equal for every field),
// without encoding a few hundred kilobytes of JSON and decoding them again on
// every check.

// obj accumulates the members of one JSON object.
type obj struct{ kv [][2]*ast.Term }

func newObj(n int) *obj { return &obj{kv: make([][2]*ast.Term, 0, n)} }

func (o *obj) str(k, v string) *obj { return o.term(k, ast.StringTerm(v)) }
func (o *obj) num(k string, v int) *obj {
	return o.term(k, ast.IntNumberTerm(v))
}

// float adds a number written as encoding/json writes it (finite numbers
// only: the parameters' values and bounds are checked finite when parsed).
func (o *obj) float(k string, v float64) *obj { return o.term(k, floatTerm(v)) }

func floatTerm(v float64) *ast.Term {
	b, err := json.Marshal(v)
	if err != nil {
		return ast.NullTerm()
	}
	return ast.NumberTerm(json.Number(b))
}

func (o *obj) boolean(k string, v bool) *obj { return o.term(k, ast.InternedTerm(v)) }

// strOmit adds k only when v is not empty (the `omitempty` of the JSON form).
func (o *obj) strOmit(k, v string) *obj {
	if v == "" {
		return o
	}
	return o.str(k, v)
}

func (o *obj) term(k string, v *ast.Term) *obj {
	o.kv = append(o.kv, [2]*ast.Term{ast.InternedTerm(k), v})
	return o
}

// The member names of the input's objects are interned (shared terms, not
// one per member of every object).
func init() { ast.InternStringTerm(jsonNames(reflect.TypeFor[Input](), map[reflect.Type]bool{})...) }

// jsonNames returns the JSON member names of struct type t and of the
// structs its fields hold.
func jsonNames(t reflect.Type, seen map[reflect.Type]bool) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return nil
	}
	seen[t] = true
	var names []string
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			names = append(names, name)
		}
		names = append(names, jsonNames(f.Type, seen)...)
	}
	return names
}

func (o *obj) done() *ast.Term { return ast.ObjectTerm(o.kv...) }

// lazy is the object as an ast.LazyObject whose members are the terms
// added, except those in replace (native Go values, converted on first
// read). An object built by ast.NewObject computes its hash from its
// members' at once, which would convert a lazy member whole; a lazy object
// hashes only when something compares it.
func (o *obj) lazy(replace map[string]any) ast.Value {
	native := make(map[string]any, len(o.kv))
	for _, kv := range o.kv {
		native[string(kv[0].Value.(ast.String))] = kv[1].Value
	}
	maps.Copy(native, replace)
	return ast.LazyObject(native)
}

// strings is a JSON array of strings; nil is [] (Input's slices encode as
// arrays, never null).
func stringsTerm(ss []string) *ast.Term {
	ts := make([]*ast.Term, len(ss))
	for i, s := range ss {
		ts[i] = ast.StringTerm(s)
	}
	return ast.ArrayTerm(ts...)
}

func arrayOf[E any](es []E, f func(*E) *ast.Term) *ast.Term {
	ts := make([]*ast.Term, len(es))
	for i := range es {
		ts[i] = f(&es[i])
	}
	return ast.ArrayTerm(ts...)
}

// mapOf is a JSON object keyed by the map's keys; a nil map is null.
func mapOf[V any](m map[string]V, f func(*V) *ast.Term) *ast.Term {
	if m == nil {
		return ast.NullTerm()
	}
	o := newObj(len(m))
	for k, v := range m {
		o.term(k, f(&v))
	}
	return o.done()
}

// value is the input document as Rego sees it.
func (in *Input) value() ast.Value { return in.valueWith(nil) }

// termCache keeps the terms of the sections and reviews seen: the report
// evaluates the policies on every commit of a period, with inputs that hold
// the same thousands of sections and registry reviews. Terms are never
// modified by an evaluation, so they are shared. A nil cache keeps nothing.
type termCache struct {
	mu       sync.Mutex
	sections map[Section]*ast.Term
	// reviews are the reviews seen (a copy of each) with their terms, by
	// reviewHash; a hit is a review equal to the one looked up in every
	// field (sameReview), so a hash collision costs only a miss.
	reviews  map[uint64][]cachedReview
	nReviews int
	seed     maphash.Seed
	seeded   bool
}

type cachedReview struct {
	r Review
	t *ast.Term
}

// maxCachedTerms bounds each map of the cache; past it, the map starts over.
const maxCachedTerms = 1 << 12

func (c *termCache) section(s *Section) *ast.Term {
	if c == nil {
		return s.term()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.sections[*s]; ok {
		return t
	}
	if c.sections == nil || len(c.sections) >= maxCachedTerms {
		c.sections = map[Section]*ast.Term{}
	}
	t := s.term()
	c.sections[*s] = t
	return t
}

func (c *termCache) review(r *Review) *ast.Term {
	if c == nil {
		return r.term()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.seeded {
		c.seed, c.seeded = maphash.MakeSeed(), true
	}
	h := r.hash(c.seed)
	for _, e := range c.reviews[h] {
		if sameReview(&e.r, r) {
			return e.t
		}
	}
	if c.reviews == nil || c.nReviews >= maxCachedTerms {
		c.reviews, c.nReviews = map[uint64][]cachedReview{}, 0
	}
	t := r.term()
	// A copy: the caller's slices and maps may change after this call.
	own := *r
	own.Sections = slices.Clone(r.Sections)
	if r.SectionHashes != nil {
		own.SectionHashes = maps.Clone(r.SectionHashes)
	}
	c.reviews[h] = append(c.reviews[h], cachedReview{own, t})
	c.nReviews++
	return t
}

// hash is a hash of every field of r, computed without allocating; equal
// reviews (sameReview) have equal hashes.
func (r *Review) hash(seed maphash.Seed) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	for _, f := range [...]string{r.Flag, r.Reviewer, r.Date, r.Verdict, r.CPSVersion, r.Ref, r.Notes, r.Origin, r.File} {
		h.WriteString(f)
		h.WriteByte(0)
	}
	for _, s := range r.Sections {
		h.WriteString(s)
		h.WriteByte(1)
	}
	var sum uint64 // the map's entries in any order
	for k, v := range r.SectionHashes {
		sum += maphash.String(seed, k) ^ (maphash.String(seed, v) * 31)
	}
	return h.Sum64() ^ sum ^ uint64(r.Line)*0x9e3779b97f4a7c15 ^ uint64(len(r.SectionHashes))<<1 ^ boolBit(r.New)
}

func boolBit(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// sameReview reports whether a and b have the same term: every field
// equal, a nil SectionHashes (null) apart from an empty one ({}).
func sameReview(a, b *Review) bool {
	return a.Flag == b.Flag && a.Reviewer == b.Reviewer && a.Date == b.Date && a.Verdict == b.Verdict &&
		a.CPSVersion == b.CPSVersion && a.Ref == b.Ref && a.Notes == b.Notes && a.Origin == b.Origin &&
		a.New == b.New && a.File == b.File && a.Line == b.Line && slices.Equal(a.Sections, b.Sections) &&
		(a.SectionHashes == nil) == (b.SectionHashes == nil) && maps.Equal(a.SectionHashes, b.SectionHashes)
}

// SharedSections is a Sections map that many inputs hold and that nothing
// modifies once made: the report's commits that leave the CPS as it was.
// Its term is built once, on the first evaluation of an input that holds it
// (see Input.ShareSections).
type SharedSections struct {
	m    map[string]Section
	once sync.Once
	term *ast.Term
}

// NewSharedSections shares m, which must not be modified after this call.
func NewSharedSections(m map[string]Section) *SharedSections {
	return &SharedSections{m: m}
}

// ShareSections sets in.Sections to the shared map: the evaluations of in
// reuse its term. Sections must then be left as it is (assigning another
// map to Sections is fine: the shared term is then ignored).
func (in *Input) ShareSections(s *SharedSections) {
	in.Sections, in.shared = s.m, s
}

// sectionsTerm is the term of in.Sections: the shared one when in holds
// the shared map, else one made of the cached sections' terms.
func (in *Input) sectionsTerm(cache *termCache) *ast.Term {
	if s := in.shared; s != nil && reflect.ValueOf(in.Sections).UnsafePointer() == reflect.ValueOf(s.m).UnsafePointer() {
		s.once.Do(func() { s.term = mapOf(s.m, cache.section) })
		return s.term
	}
	return mapOf(in.Sections, cache.section)
}

// SharedReviews is a Reviews list that many inputs hold and that nothing
// modifies once made: the registry's reviews, at the report's commits that
// add none. Its term is built once (see Input.ShareReviews).
type SharedReviews struct {
	list      []Review
	once      sync.Once
	term      *ast.Term
	factsOnce sync.Once
	facts     *reviewFacts // for the index
}

// holds reports whether reviews is the shared list itself.
func (s *SharedReviews) holds(reviews []Review) bool {
	return len(s.list) > 0 && len(reviews) == len(s.list) && &reviews[0] == &s.list[0]
}

// NewSharedReviews shares list, which must not be modified after this call.
func NewSharedReviews(list []Review) *SharedReviews {
	return &SharedReviews{list: slices.Clip(list)}
}

// List is the shared list (read only).
func (s *SharedReviews) List() []Review { return s.list }

// ShareReviews sets in.Reviews to the shared list: the evaluations of in
// reuse its term. Reviews must then be left as it is (assigning another
// list to Reviews is fine: the shared term is then ignored).
func (in *Input) ShareReviews(s *SharedReviews) {
	in.Reviews, in.sharedReviews = s.list, s
}

// reviewsTerm is the term of in.Reviews: the shared one when in holds the
// shared list, else one made of the cached reviews' terms.
func (in *Input) reviewsTerm(cache *termCache) *ast.Term {
	if s := in.sharedReviews; s != nil && s.holds(in.Reviews) {
		s.once.Do(func() { s.term = arrayOf(s.list, cache.review) })
		return s.term
	}
	return arrayOf(in.Reviews, cache.review)
}

// valueWith is value, with the sections' and reviews' terms from cache
// (nil: none).
func (in *Input) valueWith(cache *termCache) ast.Value {
	flags := in.Flags
	if flags == nil {
		flags = map[string]Flag{} // an object, never null (withEmptySlices)
	}
	params := in.Parameters
	if params == nil {
		params = map[string]Parameter{} // an object, never null (withEmptySlices)
	}
	tests := in.Tests
	if tests == nil {
		tests = map[string]Test{} // an object, never null (withEmptySlices)
	}
	index := in.index()
	reviews := in.reviewsTerm(cache)
	return newObj(26).
		str("base", in.Base).
		str("head", in.Head).
		str("author", in.Author).
		term("approvers", stringsTerm(in.Approvers)).
		str("today", in.Today).
		str("base_date", in.BaseDate).
		str("config", in.Config).
		str("registry", in.Registry).
		term("sections", in.sectionsTerm(cache)).
		term("flags", ast.NullTerm()). // replaced below by the lazy flags
		term("flag_changes", arrayOf(in.FlagChanges, (*FlagChange).term)).
		term("cps_changes", arrayOf(in.CPSChanges, (*CPSChange).term)).
		term("reviews", reviews).
		term("registry_changes", arrayOf(in.RegistryChanges, (*RegistryChange).term)).
		term("policy_changes", arrayOf(in.PolicyChanges, (*PolicyChange).term)).
		term("source_changes", arrayOf(in.SourceChanges, (*SourceChange).term)).
		term("cps_version_changes", arrayOf(in.CPSVersionChanges, (*CPSVersionChange).term)).
		term("parameters", ast.NullTerm()). // replaced below by the lazy parameters
		term("parameter_changes", arrayOf(in.ParameterChanges, (*ParameterChange).term)).
		term("parameter_reviews", arrayOf(in.ParameterReviews, (*ParameterReview).term)).
		term("tests", mapOf(tests, (*Test).term)).
		term("test_changes", arrayOf(in.TestChanges, (*TestChange).term)).
		term("test_requirements", arrayOf(in.TestRequirements, (*TestRequirement).term)).
		term("parameter_registry_changes", arrayOf(in.ParameterRegistryChanges, (*ParameterRegistryChange).term)).
		term("index", index.term()).
		lazy(map[string]any{"flags": lazyFlags(flags), "parameters": lazyParameters(params)})
}

// lazyFlags is the flags as members of a lazy object (see lazy), each
// converted when a rule first reads it, by its JSON form (the form
// policies/README.md documents): at a large CA most of the input is flags
// that the change does not touch, and that the built-in rules, starting from
// the index, never read. A policy that iterates over input.flags converts
// them all.
func lazyFlags(flags map[string]Flag) map[string]any {
	native := make(map[string]any, len(flags))
	for name, f := range flags {
		f.CPS, f.BaseCPS, f.Sources = orEmpty(f.CPS), orEmpty(f.BaseCPS), orEmpty(f.Sources)
		native[name] = f
	}
	return native
}

func (s *Section) term() *ast.Term {
	return newObj(10).str("id", s.ID).str("title", s.Title).num("level", s.Level).
		str("file", s.File).num("line", s.Line).str("anchor", s.Anchor).str("hash", s.Hash).
		str("tree_hash", s.TreeHash).str("base_tree_hash", s.BaseTreeHash).boolean("normative", s.Normative).done()
}

func (c *FlagChange) term() *ast.Term {
	o := newObj(10).str("flag", c.Flag).str("change", c.Change).str("file", c.File).num("line", c.Line).
		strOmit("environment", c.Environment).strOmit("path", c.Path)
	if len(c.Fields) > 0 {
		o.term("fields", stringsTerm(c.Fields))
	}
	return o.strOmit("value_type", c.ValueType).strOmit("old", c.Old).strOmit("new", c.New).done()
}

func (c *CPSChange) term() *ast.Term {
	return newObj(9).str("section", c.Section).str("change", c.Change).strOmit("old_section", c.OldSection).
		str("title", c.Title).strOmit("old_title", c.OldTitle).strOmit("hash", c.Hash).
		strOmit("old_hash", c.OldHash).str("file", c.File).num("line", c.Line).done()
}

func (r *Review) term() *ast.Term {
	return newObj(13).str("flag", r.Flag).term("sections", stringsTerm(r.Sections)).
		str("reviewer", r.Reviewer).str("date", r.Date).str("verdict", r.Verdict).
		str("cps_version", r.CPSVersion).
		term("section_hashes", mapOf(r.SectionHashes, func(h *string) *ast.Term { return ast.StringTerm(*h) })).
		str("ref", r.Ref).str("notes", r.Notes).str("origin", r.Origin).boolean("new", r.New).
		str("file", r.File).num("line", r.Line).done()
}

func (c *RegistryChange) term() *ast.Term {
	return newObj(5).str("flag", c.Flag).str("change", c.Change).str("detail", c.Detail).
		str("file", c.File).num("line", c.Line).done()
}

func (c *ParameterRegistryChange) term() *ast.Term {
	return newObj(5).str("parameter", c.Parameter).str("change", c.Change).str("detail", c.Detail).
		str("file", c.File).num("line", c.Line).done()
}

func (c *PolicyChange) term() *ast.Term {
	return newObj(3).str("file", c.File).str("kind", c.Kind).str("change", c.Change).done()
}

func (c *SourceChange) term() *ast.Term {
	return newObj(5).str("file", c.File).str("kind", c.Kind).str("change", c.Change).
		term("flags", stringsTerm(c.Flags)).num("line", c.Line).done()
}

func (c *CPSVersionChange) term() *ast.Term {
	return newObj(6).str("repo", c.Repo).str("path", c.Path).str("old_ref", c.OldRef).
		str("ref", c.Ref).str("file", c.File).num("line", c.Line).done()
}

// lazyParameters is the parameters as members of a lazy object (see
// lazy), each converted when a rule first reads it, by its JSON form: 1,000
// parameters set in 500 files hold tens of thousands of values, and the
// built-in rules, starting from the index, read the few parameters that the
// change touches or whose values may break a bound. A policy that iterates
// over input.parameters converts them all.
func lazyParameters(params map[string]Parameter) map[string]any {
	native := make(map[string]any, len(params))
	for name, p := range params {
		native[name] = p.withEmptySlices()
	}
	return native
}

func (c *ParameterChange) term() *ast.Term {
	return newObj(10).str("parameter", c.Parameter).str("change", c.Change).str("old", c.Old).
		str("new", c.New).strOmit("old_template", c.OldTemplate).strOmit("new_template", c.NewTemplate).
		str("file", c.File).num("line", c.Line).str("path", c.Path).str("environment", c.Environment).done()
}

func (r *ParameterReview) term() *ast.Term {
	return newObj(13).str("parameter", r.Parameter).term("sections", stringsTerm(r.Sections)).
		str("reviewer", r.Reviewer).str("date", r.Date).str("verdict", r.Verdict).
		str("cps_version", r.CPSVersion).
		term("section_hashes", mapOf(r.SectionHashes, func(h *string) *ast.Term { return ast.StringTerm(*h) })).
		str("ref", r.Ref).str("notes", r.Notes).str("origin", r.Origin).boolean("new", r.New).
		str("file", r.File).num("line", r.Line).done()
}

func (t *Test) term() *ast.Term {
	return newObj(11).str("id", t.ID).str("name", t.Name).str("package", t.Package).
		str("file", t.File).num("line", t.Line).boolean("in_base", t.InBase).boolean("in_head", t.InHead).
		boolean("skipped", t.Skipped).term("sections", stringsTerm(t.Sections)).
		term("base_sections", stringsTerm(t.BaseSections)).term("links", arrayOf(t.Links, (*TestLink).term)).done()
}

func (l *TestLink) term() *ast.Term {
	return newObj(4).str("section", l.Section).str("via", l.Via).str("file", l.File).num("line", l.Line).done()
}

func (c *TestChange) term() *ast.Term {
	return newObj(6).str("test", c.Test).strOmit("old_test", c.OldTest).str("change", c.Change).
		term("sections", stringsTerm(c.Sections)).str("file", c.File).num("line", c.Line).done()
}

func (q *TestRequirement) term() *ast.Term {
	return newObj(5).str("section", q.Section).boolean("in_base", q.InBase).boolean("in_head", q.InHead).
		str("file", q.File).num("line", q.Line).done()
}

package policies

import (
	"encoding/json"
	"slices"
)

// Input is the document that cpsgate hands to Rego as `input`. It is plain
// data, built by package check; policies/README.md documents every field.
// Slices are never nil (they encode as [] not null) and are sorted, so the
// document is deterministic.
type Input struct {
	Base   string `json:"base"`   // base commit, "" when there is none
	Head   string `json:"head"`   // head commit, or WORKTREE or STAGED
	Author string `json:"author"` // login/name of the change's author, "" when unknown
	// Approvers are people other than the author who approved the change
	// (GitHub pull-request approvals); empty when unknown.
	Approvers []string `json:"approvers"`
	// Today is the date the check runs (UTC, YYYY-MM-DD), and BaseDate the
	// committer date of the base commit (UTC, YYYY-MM-DD; "" when there is
	// no base): the bounds of a review's date.
	Today    string `json:"today"`
	BaseDate string `json:"base_date"`
	Config   string `json:"config"`   // path of the configuration file that was applied
	Registry string `json:"registry"` // path of the flag registry

	Sections        map[string]Section `json:"sections"` // head CPS sections by ID
	Flags           map[string]Flag    `json:"flags"`    // every flag known at base or head, by name
	FlagChanges     []FlagChange       `json:"flag_changes"`
	CPSChanges      []CPSChange        `json:"cps_changes"`
	Reviews         []Review           `json:"reviews"` // registry reviews at head plus the change's own
	RegistryChanges []RegistryChange   `json:"registry_changes"`
	PolicyChanges   []PolicyChange     `json:"policy_changes"`
	SourceChanges   []SourceChange     `json:"source_changes"`
	// CPSVersionChanges are the pinned versions (ref:) of CPS documents kept
	// in other repositories that the change moves; the configuration
	// changes in nothing else, and is then not in PolicyChanges.
	CPSVersionChanges []CPSVersionChange `json:"cps_version_changes"`

	// Parameters are the configuration parameters of the registry at base
	// or head, by name, with their values and constraints;
	// ParameterChanges the changes of their values, and ParameterReviews
	// the reviews of them (cps-review blocks with `parameter:`) attached
	// to the change.
	Parameters       map[string]Parameter `json:"parameters"`
	ParameterChanges []ParameterChange    `json:"parameter_changes"`
	ParameterReviews []ParameterReview    `json:"parameter_reviews"`

	// Tests are the Go tests (go-test sources) linked to CPS sections at
	// base or head, by ID; TestChanges what this change did to them; and
	// TestRequirements the sections whose registry entry (sections:, at
	// base or head) sets requires_test.
	Tests            map[string]Test   `json:"tests"`
	TestChanges      []TestChange      `json:"test_changes"`
	TestRequirements []TestRequirement `json:"test_requirements"`

	// ParameterRegistryChanges are what the change did to parameter entries
	// of the registry that existed at base (as RegistryChanges for flags).
	ParameterRegistryChanges []ParameterRegistryChange `json:"parameter_registry_changes"`

	// shared, when Sections is its map, holds the term of Sections (see
	// ShareSections); sharedReviews, when Reviews is its list, the term of
	// Reviews (see ShareReviews).
	shared        *SharedSections
	sharedReviews *SharedReviews
}

// Test is a Go test function linked to CPS sections at base or head.
type Test struct {
	ID      string `json:"id"`      // the name, or "dir.Name" when linked tests of several packages share it
	Name    string `json:"name"`    // TestXxx
	Package string `json:"package"` // directory of its package, "." at the root
	File    string `json:"file"`    // at head; at base when head has no test of this ID
	Line    int    `json:"line"`
	InBase  bool   `json:"in_base"`
	InHead  bool   `json:"in_head"`
	Skipped bool   `json:"skipped"` // at head: its body calls t.Skip, Skipf or SkipNow
	// Sections are the sections it is linked to at head, BaseSections at base.
	Sections     []string   `json:"sections"`
	BaseSections []string   `json:"base_sections"`
	Links        []TestLink `json:"links"` // at head
}

// TestLink is one link of a test to a section at head.
type TestLink struct {
	Section string `json:"section"`
	Via     string `json:"via"` // comment (a // cps: line) | registry (a sections: pattern)
	File    string `json:"file"`
	Line    int    `json:"line"`
}

// TestChange is what this change did to a linked test.
type TestChange struct {
	Test     string   `json:"test"`               // head ID; base ID for removed
	OldTest  string   `json:"old_test,omitempty"` // renamed: the base ID
	Change   string   `json:"change"`             // added | removed | renamed | skipped | unskipped | unlinked | modified
	Sections []string `json:"sections"`
	File     string   `json:"file"`
	Line     int      `json:"line"`
}

// TestRequirement is a section that the registry marks requires_test.
type TestRequirement struct {
	Section string `json:"section"`
	InBase  bool   `json:"in_base"`
	InHead  bool   `json:"in_head"`
	File    string `json:"file"` // the registry entry (head, else base)
	Line    int    `json:"line"`
}

// Section is one CPS section at head.
type Section struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Level  int    `json:"level"`
	File   string `json:"file"`
	Line   int    `json:"line"`
	Anchor string `json:"anchor"`
	Hash   string `json:"hash"`
	// TreeHash covers the section's own text and its subsections' (the
	// text a link to it covers; equal to Hash for a section without
	// subsections), BaseTreeHash the same at base ("" when the base has no
	// section of this ID).
	TreeHash     string `json:"tree_hash"`
	BaseTreeHash string `json:"base_tree_hash"`
	// Normative: the section's own text states a requirement (MUST, SHALL
	// or REQUIRED, upper case).
	Normative bool `json:"normative"`
}

// Flag is a flag as known at head (or at base only, when the change removed it).
type Flag struct {
	Name       string   `json:"name"`
	Registered bool     `json:"registered"` // has an entry in the head registry
	InBase     bool     `json:"in_base"`    // known (sources or registry) at base
	InHead     bool     `json:"in_head"`    // known (sources or registry) at head
	Status     string   `json:"status"`
	CPS        []string `json:"cps"` // linked section IDs (head registry)
	// BaseCPS are the linked section IDs in the base registry ([] when the
	// flag had no entry there).
	BaseCPS     []string     `json:"base_cps"`
	NoCPSImpact string       `json:"no_cps_impact"`
	Description string       `json:"description"`
	File        string       `json:"file"` // registry entry position, "" when unregistered
	Line        int          `json:"line"`
	Sources     []FlagSource `json:"sources"` // where head code and configuration declare it, its first setting, and its settings in changed files
	// SettingsOmitted counts the flag's other settings at head: in files
	// this change leaves as they were.
	SettingsOmitted int `json:"settings_omitted"`
}

// FlagSource is one place a flag is declared (kind go-struct, go-enum) or
// set (kind config, or another kind that reads settings).
type FlagSource struct {
	Kind        string `json:"kind"`
	File        string `json:"file"`
	Line        int    `json:"line"`
	Environment string `json:"environment,omitempty"` // config: the environment
	Path        string `json:"path,omitempty"`        // config: key path of the map in the file
	Value       *bool  `json:"value,omitempty"`       // a bool setting: the value
	// ValueType is a setting's value type (bool, number, string, duration),
	// Text its value as text (for a bool, "true" or "false"), Number its
	// value when it is a number.
	ValueType string   `json:"value_type,omitempty"`
	Text      string   `json:"text,omitempty"`
	Number    *float64 `json:"number,omitempty"`
}

// FlagChange is one flag difference between base and head.
type FlagChange struct {
	Flag        string   `json:"flag"`
	Change      string   `json:"change"` // added | removed | modified | enabled | disabled | changed
	File        string   `json:"file"`
	Line        int      `json:"line"`
	Environment string   `json:"environment,omitempty"`
	Path        string   `json:"path,omitempty"`
	Fields      []string `json:"fields,omitempty"` // modified: what changed
	// ValueType, Old and New are a changed setting's value type and its
	// values (as text) at base and head ("" on a side without it).
	ValueType string `json:"value_type,omitempty"`
	Old       string `json:"old,omitempty"`
	New       string `json:"new,omitempty"`
}

// CPSChange is one CPS section difference between base and head.
type CPSChange struct {
	Section    string `json:"section"` // head ID; base ID for removed
	Change     string `json:"change"`  // added | removed | modified | renumbered | retitled
	OldSection string `json:"old_section,omitempty"`
	Title      string `json:"title"`
	OldTitle   string `json:"old_title,omitempty"`
	Hash       string `json:"hash,omitempty"`
	OldHash    string `json:"old_hash,omitempty"`
	File       string `json:"file"`
	Line       int    `json:"line"`
}

// Review is a review record, from the registry or attached to the change.
type Review struct {
	Flag          string            `json:"flag"`
	Sections      []string          `json:"sections"`
	Reviewer      string            `json:"reviewer"`
	Date          string            `json:"date"`
	Verdict       string            `json:"verdict"`
	CPSVersion    string            `json:"cps_version"`
	SectionHashes map[string]string `json:"section_hashes"`
	Ref           string            `json:"ref"`
	Notes         string            `json:"notes"`
	Origin        string            `json:"origin"` // registry | pr-body | paragraph | comment
	New           bool              `json:"new"`    // part of this change: attached to it, or added to the registry by it
	File          string            `json:"file"`
	Line          int               `json:"line"`
}

// RegistryChange is an alteration of registry content that existed at base.
type RegistryChange struct {
	Flag   string `json:"flag"`
	Change string `json:"change"` // entry_removed | review_removed | review_modified | link_removed
	Detail string `json:"detail"`
	File   string `json:"file"`
	Line   int    `json:"line"`
}

// ParameterRegistryChange is an alteration of a parameter's registry
// content that existed at base.
type ParameterRegistryChange struct {
	Parameter string `json:"parameter"`
	Change    string `json:"change"` // entry_removed | review_removed | review_modified | link_removed
	Detail    string `json:"detail"`
	File      string `json:"file"`
	Line      int    `json:"line"`
}

// SourceChange is a configuration file that config sources read at base and
// no longer read at head: deleted, or moved where no source's glob matches.
type SourceChange struct {
	File   string   `json:"file"`
	Kind   string   `json:"kind"`   // config
	Change string   `json:"change"` // removed
	Flags  []string `json:"flags"`  // the flags the file set at base, sorted
	Line   int      `json:"line"`   // at base: the first setting's line, 0 when it set none
}

// PolicyChange is an edit to the gate itself: the configuration file or a
// file in a configured policy directory.
type PolicyChange struct {
	File   string `json:"file"`
	Kind   string `json:"kind"`   // config | policy
	Change string `json:"change"` // added | modified | removed
}

// CPSVersionChange is a CPS document of another repository whose ref: the
// change moves from OldRef to Ref; File and Line are its entry in the
// configuration at head.
type CPSVersionChange struct {
	Repo   string `json:"repo"`
	Path   string `json:"path"`
	OldRef string `json:"old_ref"`
	Ref    string `json:"ref"`
	File   string `json:"file"`
	Line   int    `json:"line"`
}

// Parameter is a configuration parameter of the registry (head, or base
// when the change removed its entry).
type Parameter struct {
	Name        string `json:"name"`
	Type        string `json:"type"` // duration | integer | number | string | bool | size
	Status      string `json:"status"`
	Registered  bool   `json:"registered"` // has an entry in the head registry
	InBase      bool   `json:"in_base"`    // had an entry in the base registry
	Description string `json:"description"`
	// CPS are the linked sections at head, BaseCPS at base.
	CPS     []string `json:"cps"`
	BaseCPS []string `json:"base_cps"`
	// BaseType is the type in the base registry, "" when the parameter had
	// no entry there.
	BaseType string `json:"base_type"`
	// InclusiveValidity: the value is a validity period whose end is
	// inclusive; each value's effective is the value plus one second.
	InclusiveValidity bool                  `json:"inclusive_validity"`
	File              string                `json:"file"` // the registry entry
	Line              int                   `json:"line"`
	Values            []ParameterValue      `json:"values"`      // at head
	BaseValues        []ParameterValue      `json:"base_values"` // at base
	Constraints       []ParameterConstraint `json:"constraints"`
}

// ParameterValue is one value of a parameter in one configuration file.
// Numbers are normalized: durations in seconds, sizes in bytes.
type ParameterValue struct {
	File        string `json:"file"`
	Line        int    `json:"line"`
	Path        string `json:"path"` // key path in the file
	Environment string `json:"environment"`
	Text        string `json:"text"`     // as the program reads it, templates resolved
	Template    string `json:"template"` // as written when templated, else ""
	// Vars are the variables a templated value used.
	Vars   []string `json:"vars"`
	Number float64  `json:"number"` // numeric types: the normalized value
	// Effective is the value the bounds apply to: Number, plus one second
	// for an inclusive validity period.
	Effective float64 `json:"effective"`
	String    string  `json:"string"` // string type
	Bool      bool    `json:"bool"`   // bool type
}

// ParameterConstraint is one constraint on a parameter's values, from the
// head or the base registry (both apply: a change cannot loosen the
// constraint its own values are checked against).
type ParameterConstraint struct {
	Kind      string `json:"kind"`   // min | max | one_of | pattern
	Source    string `json:"source"` // literal | parameter | cps
	Exclusive bool   `json:"exclusive"`
	// Number is a min or max bound, normalized; BaseNumber the same bound
	// as the base read it (its CPS text at base), for telling a violation
	// the change causes from one that was already there.
	Number     float64 `json:"number"`
	BaseNumber float64 `json:"base_number"`
	Text       string  `json:"text"`      // the bound as written or as the CPS states it
	Parameter  string  `json:"parameter"` // source parameter: the other parameter
	Section    string  `json:"section"`   // source cps: the section
	Pattern    string  `json:"pattern"`   // kind pattern, or source cps: the pattern
	// Error says why a CPS-bound bound could not be read at head
	// (BaseError: at base); "" when it was.
	Error     string    `json:"error"`
	BaseError string    `json:"base_error"`
	Numbers   []float64 `json:"numbers"` // one_of, numeric types
	Strings   []string  `json:"strings"` // one_of, string type
	InBase    bool      `json:"in_base"` // the base registry has this constraint
	File      string    `json:"file"`
	Line      int       `json:"line"`
}

// ParameterChange is a change of one value of a parameter between base and
// head, in one file.
type ParameterChange struct {
	Parameter   string `json:"parameter"`
	Change      string `json:"change"` // added | removed | changed
	Old         string `json:"old"`    // as the program reads it, "" for added
	New         string `json:"new"`    // "" for removed
	OldTemplate string `json:"old_template,omitempty"`
	NewTemplate string `json:"new_template,omitempty"`
	File        string `json:"file"`
	Line        int    `json:"line"` // in head, in base for removed
	Path        string `json:"path"`
	Environment string `json:"environment"`
}

// ParameterReview is a review of a parameter attached to the change: the
// fields of Review with parameter in place of flag.
type ParameterReview struct {
	Parameter     string            `json:"parameter"`
	Sections      []string          `json:"sections"`
	Reviewer      string            `json:"reviewer"`
	Date          string            `json:"date"`
	Verdict       string            `json:"verdict"`
	CPSVersion    string            `json:"cps_version"`
	SectionHashes map[string]string `json:"section_hashes"`
	Ref           string            `json:"ref"`
	Notes         string            `json:"notes"`
	Origin        string            `json:"origin"`
	New           bool              `json:"new"` // part of this change: attached to it, or added to the registry by it
	File          string            `json:"file"`
	Line          int               `json:"line"`
}

// MarshalJSON encodes the input as policies see it: nil slices as [].
func (in *Input) MarshalJSON() ([]byte, error) {
	type plain Input // without this method
	return json.Marshal(struct {
		*plain
		Index Index `json:"index"`
	}{(*plain)(withEmptySlices(in)), in.index()})
}

// withEmptySlices returns a shallow copy of in whose nil slices are empty, so
// that they encode as [] and policies never meet a null where the README
// promises an array. Maps are left alone: a nil map encodes as null, and
// policies look into maps by key, which a null survives.
func withEmptySlices(in *Input) *Input {
	out := *in
	out.Approvers = orEmpty(in.Approvers)
	out.FlagChanges = orEmpty(in.FlagChanges)
	out.CPSChanges = orEmpty(in.CPSChanges)
	out.RegistryChanges = orEmpty(in.RegistryChanges)
	out.PolicyChanges = orEmpty(in.PolicyChanges)
	out.CPSVersionChanges = orEmpty(in.CPSVersionChanges)
	out.SourceChanges = make([]SourceChange, len(in.SourceChanges))
	for i, c := range in.SourceChanges {
		c.Flags = orEmpty(c.Flags)
		out.SourceChanges[i] = c
	}
	out.Flags = make(map[string]Flag, len(in.Flags))
	for name, f := range in.Flags {
		f.CPS = orEmpty(f.CPS)
		f.BaseCPS = orEmpty(f.BaseCPS)
		f.Sources = orEmpty(f.Sources)
		out.Flags[name] = f
	}
	out.ParameterChanges = orEmpty(in.ParameterChanges)
	out.ParameterRegistryChanges = orEmpty(in.ParameterRegistryChanges)
	out.ParameterReviews = make([]ParameterReview, len(in.ParameterReviews))
	for i, r := range in.ParameterReviews {
		r.Sections = orEmpty(r.Sections)
		out.ParameterReviews[i] = r
	}
	out.Parameters = make(map[string]Parameter, len(in.Parameters))
	for name, p := range in.Parameters {
		out.Parameters[name] = p.withEmptySlices()
	}
	out.TestChanges = make([]TestChange, len(in.TestChanges))
	for i, c := range in.TestChanges {
		c.Sections = orEmpty(c.Sections)
		out.TestChanges[i] = c
	}
	out.TestRequirements = orEmpty(in.TestRequirements)
	out.Tests = make(map[string]Test, len(in.Tests))
	for id, t := range in.Tests {
		t.Sections, t.BaseSections, t.Links = orEmpty(t.Sections), orEmpty(t.BaseSections), orEmpty(t.Links)
		out.Tests[id] = t
	}
	out.Reviews = make([]Review, len(in.Reviews))
	for i, r := range in.Reviews {
		r.Sections = orEmpty(r.Sections)
		out.Reviews[i] = r
	}
	return &out
}

// withEmptySlices is p with its nil slices, and those of its values and
// constraints, empty (see Input's withEmptySlices). It copies a list only
// where one is nil.
func (p Parameter) withEmptySlices() Parameter {
	p.CPS, p.BaseCPS = orEmpty(p.CPS), orEmpty(p.BaseCPS)
	p.Values, p.BaseValues = valuesOrEmpty(p.Values), valuesOrEmpty(p.BaseValues)
	if p.Constraints == nil || slices.ContainsFunc(p.Constraints, func(c ParameterConstraint) bool { return c.Numbers == nil || c.Strings == nil }) {
		cs := make([]ParameterConstraint, len(p.Constraints))
		for i, c := range p.Constraints {
			c.Numbers, c.Strings = orEmpty(c.Numbers), orEmpty(c.Strings)
			cs[i] = c
		}
		p.Constraints = cs
	}
	return p
}

func valuesOrEmpty(vs []ParameterValue) []ParameterValue {
	if vs != nil && !slices.ContainsFunc(vs, func(v ParameterValue) bool { return v.Vars == nil }) {
		return vs
	}
	out := make([]ParameterValue, len(vs))
	for i, v := range vs {
		v.Vars = orEmpty(v.Vars)
		out[i] = v
	}
	return out
}

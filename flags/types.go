// Package flags finds feature flags where they live (the registry, Go source,
// JSON and YAML configuration) and says what changed between two revisions.
package flags

import (
	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/review"
)

// Registry statuses.
const (
	StatusProposed   = "proposed"
	StatusActive     = "active"
	StatusDeprecated = "deprecated"
	StatusRemoved    = "removed"
)

// Registry is the decoded flag registry file.
type Registry struct {
	File       string
	Flags      []Entry
	Parameters []Parameter // configuration parameters (parameters.go)
	// Sections are what CPS sections ask of the tests (sectionrules.go).
	Sections []SectionRule
}

// Entry is one flag in the registry.
type Entry struct {
	Name        string
	Description string
	Owner       string
	Status      string
	CPS         []string // linked section IDs
	NoCPSImpact string   // reason when CPS is empty
	Reviews     []review.Review
	Pos         diag.Pos // of the entry (its "name" key line)
	CPSPos      diag.Pos // of the "cps" key, or Pos when absent
}

// Lookup returns the entry named name, or nil.
func (r *Registry) Lookup(name string) *Entry {
	if r == nil {
		return nil
	}
	for i := range r.Flags {
		if r.Flags[i].Name == name {
			return &r.Flags[i]
		}
	}
	return nil
}

// SourceSpec is one entry of the configuration's `sources:` list.
type SourceSpec struct {
	Kind        string // a registered source kind (Kinds): go-struct | go-enum | config | ...
	Path        string // go-struct: a .go file or a package directory
	Type        string // go-struct: the struct type name
	Glob        string // config: files to read, ** allowed
	Key         string // config: every object under this key, at any depth, is a flag->bool map
	Environment string // config: environment name; default: the file path
	// Extra are the fields of kinds registered outside this package that
	// are none of the above, by key (nil when there are none).
	Extra map[string]string
	Pos   diag.Pos // of the entry in .cpsgate.yaml
}

// Definition is a flag declared in code (e.g. an exported bool field).
type Definition struct {
	Flag        string
	Kind        string // source kind
	Description string // doc comment, white space folded
	Default     *bool  // nil when the source has no notion of a default
	// JSONKey and YAMLKey are the keys encoding/json and yaml v3 read the
	// flag from ("" when they read none: a "-" tag, a field they do not
	// promote); a change of them is a modification (FieldKey).
	JSONKey, YAMLKey string
	Pos              diag.Pos
}

// Setting is a flag's value in one environment (e.g. a config file).
type Setting struct {
	Flag  string // the flag the key sets, as the program decoding the file reads it
	Key   string // the key as written (after YAML decoding), when it differs from Flag
	Kind  string // source kind
	Env   string // environment: the configured name or the file path
	Path  string // dotted key path of the map inside the file, e.g. "ra.features"
	Value bool
	// Typed is the value of a source whose values are not bool only (a
	// number, a string, a duration); nil for a plain bool setting, whose
	// value is Value (a pointer: most settings are bool, and a large CA has
	// hundreds of thousands). TypedValue gives either as a Value.
	Typed *Value
	Pos   diag.Pos
}

// Value types of a setting.
const (
	TypeBool     = "bool"
	TypeNumber   = "number"
	TypeString   = "string"
	TypeDuration = "duration"
)

// Value is a typed setting value: its type and its text as the source
// normalises it (for a number, strconv's shortest form; for a duration,
// time.Duration's String), so that two values are equal when their texts are.
type Value struct {
	Type string // TypeBool | TypeNumber | TypeString | TypeDuration
	Text string
}

// TypedValue is the setting's value as a Value (a plain bool setting's is
// of type bool).
func (s Setting) TypedValue() Value {
	if s.Typed != nil {
		return *s.Typed
	}
	if s.Value {
		return Value{TypeBool, "true"}
	}
	return Value{TypeBool, "false"}
}

// typed reports whether the setting carries a value other than a plain bool.
func (s Setting) typed() bool { return s.Typed != nil && s.Typed.Type != TypeBool }

// SameValue reports whether two settings have the same value.
func (s Setting) SameValue(o Setting) bool {
	if s.Typed == nil && o.Typed == nil {
		return s.Value == o.Value
	}
	return s.TypedValue() == o.TypedValue()
}

// Inventory is everything the sources declare at one revision.
type Inventory struct {
	Defs []Definition
	// ListedSettings are the settings of an inventory built as a list (by
	// hand, or by a loader that joins lists). Discover leaves it nil and
	// keeps its settings, sorted by flag, environment, path then position,
	// in the per-file form it read them in (a large CA has millions): read
	// the settings of any inventory with NumSettings, Setting, AllSettings,
	// EachSetting or SettingList, which see both forms.
	ListedSettings []Setting
	joined         *joinedSettings // Discover's settings, when not listed
	// Files are the configuration files that config sources read, sorted:
	// a file that leaves them (deleted, or moved where no glob matches)
	// takes its settings out of the check.
	Files []string
	// FileKinds are the kind of source that read each file in Files.
	FileKinds map[string]string
	// Digests identify the content of each file in Files (a hash of it
	// with a per-process seed): a file with the same digest at base and
	// head sets the same flags the same way, so the diff skips it.
	Digests map[string]uint64
}

// FS is read access to the files of one revision (a commit, the index, the
// work tree). Paths are slash-separated and relative to the repository root.
type FS interface {
	ReadFile(name string) ([]byte, error)  // fs.ErrNotExist (wrapped) when missing
	Glob(pattern string) ([]string, error) // sorted; ** matches any number of directories
}

// Change kinds for flags.
const (
	Added    = "added"
	Removed  = "removed"
	Modified = "modified"
	Enabled  = "enabled"
	Disabled = "disabled"
	Changed  = "changed" // a typed (non-bool) setting's value changed: Old, New
)

// Change is one difference in a flag between base and head.
type Change struct {
	Flag   string
	Kind   string   // Added | Removed | Modified | Enabled | Disabled | Changed
	Fields []string // for Modified: which of description, default, cps, status, no_cps_impact, owner, source changed (sorted)
	Env    string   // for Enabled/Disabled/Changed
	Path   string   // for Enabled/Disabled/Changed: key path inside the file
	// Old and New are a Changed setting's values at base and head (zero
	// when the setting is absent on that side).
	Old, New Value
	Pos      diag.Pos // where in head (in base for Removed)
}

// State is what one revision says about flags.
type State struct {
	Registry  *Registry // may be nil when the revision has no registry
	Inventory *Inventory
}

// Registry change kinds: what a change did to existing registry content.
const (
	EntryRemoved   = "entry_removed"   // a flag's entry was deleted (mark it status: removed instead)
	ReviewRemoved  = "review_removed"  // an existing review record was deleted
	ReviewModified = "review_modified" // an existing review record was edited
	LinkRemoved    = "link_removed"    // an existing flag lost a linked section
)

// RegistryChange is an alteration of registry content that existed at base.
type RegistryChange struct {
	Flag   string
	Kind   string
	Detail string   // human-readable, e.g. "review by alice of 2024-04-12"
	Pos    diag.Pos // in head when the entry still exists there, else in base
}

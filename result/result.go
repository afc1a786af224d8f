// Package result holds the plain types a check produces: findings and the
// changes they were found in. Their JSON form is the stable contract of
// `cpsgate check --format json`.
package result

import "cmp"

// CommentMarker starts every Markdown report of a check and identifies
// cpsgate's pull-request comment. It is invisible when rendered.
const CommentMarker = "<!-- cpsgate:check -->"

// Rule describes one built-in rule, from the METADATA of its deny and warn
// definitions (read once by policies.Describe): what the formatters say of
// a rule, without reading the policies.
type Rule struct {
	Name        string // the rule's name, as in findings: the file name without .rego
	Title       string
	Description string // of the rule's first definition
	Enforces    string // the source of the obligation (custom.enforces)
	// SeverityWhenUntouched is "warn" when the rule reports pre-existing debt
	// as a warning, "" otherwise.
	SeverityWhenUntouched string
	// ResolvedBy says what resolves the rule's deny findings when it is not
	// a fix to the files: "review" (a review of the flag against the
	// section in the change) or "approval" (an approval of the change by
	// the person a review names); "" otherwise (custom.resolved_by).
	ResolvedBy string
	Severities []string // which of deny and warn the rule defines, sorted
}

// Severities.
const (
	Deny = "deny"
	Warn = "warn"
)

// Finding is one policy verdict.
type Finding struct {
	Severity string `json:"severity"`
	Rule     string `json:"rule"`
	Flag     string `json:"flag,omitempty"`
	// Parameter is the configuration parameter concerned.
	Parameter string `json:"parameter,omitempty"`
	Section   string `json:"section,omitempty"`
	Message   string `json:"message"`
	File      string `json:"file,omitempty"`
	Line      int    `json:"line,omitempty"`
}

// FlagChange is a flag difference between base and head.
type FlagChange struct {
	Flag        string   `json:"flag"`
	Change      string   `json:"change"`
	File        string   `json:"file,omitempty"`
	Line        int      `json:"line,omitempty"`
	Environment string   `json:"environment,omitempty"`
	Path        string   `json:"path,omitempty"`
	Fields      []string `json:"fields,omitempty"`
	// ValueType, Old and New: a changed setting's type and values.
	ValueType string `json:"value_type,omitempty"`
	Old       string `json:"old,omitempty"`
	New       string `json:"new,omitempty"`
}

// CPSChange is a CPS section difference between base and head.
type CPSChange struct {
	Section    string `json:"section"`
	Change     string `json:"change"`
	OldSection string `json:"old_section,omitempty"`
	Title      string `json:"title,omitempty"`
	OldTitle   string `json:"old_title,omitempty"`
	File       string `json:"file,omitempty"`
	Line       int    `json:"line,omitempty"`
}

// ParameterChange is a change of a configuration parameter's value in one
// file between base and head.
type ParameterChange struct {
	Parameter   string `json:"parameter"`
	Change      string `json:"change"` // added | removed | changed
	Old         string `json:"old,omitempty"`
	New         string `json:"new,omitempty"`
	OldTemplate string `json:"old_template,omitempty"` // as written, when templated
	NewTemplate string `json:"new_template,omitempty"`
	File        string `json:"file,omitempty"`
	Line        int    `json:"line,omitempty"`
	Path        string `json:"path,omitempty"`
	Environment string `json:"environment,omitempty"`
}

// Missing is a (flag, section) or (parameter, section) pair that needs a
// review in this change, with what a reviewer needs to write one.
type Missing struct {
	Flag string `json:"flag,omitempty"`
	// Parameter is set instead of Flag for a configuration parameter.
	Parameter string `json:"parameter,omitempty"`
	Section   string `json:"section"`
	Title     string `json:"title"`
	Hash      string `json:"hash"`
	Excerpt   string `json:"excerpt"` // the section's first lines
	File      string `json:"file,omitempty"`
	Line      int    `json:"line,omitempty"`
}

// Result is the outcome of one check.
type Result struct {
	Pass        bool         `json:"pass"`
	Base        string       `json:"base"`
	Head        string       `json:"head"`
	Findings    []Finding    `json:"findings"`
	FlagChanges []FlagChange `json:"flag_changes"`
	CPSChanges  []CPSChange  `json:"cps_changes"`
	// ParameterChanges are the changes of configuration parameters' values.
	ParameterChanges []ParameterChange `json:"parameter_changes,omitempty"`
	// Missing lists the reviews still needed; renderers turn it into a
	// ready-to-paste cps-review block.
	Missing []Missing `json:"missing_reviews"`
	// ReviewsDeferred is set when the check ran where approvals cannot be
	// seen (a pre-commit hook): the missing reviews are what the pull
	// request will need, reported without blocking.
	ReviewsDeferred bool `json:"reviews_deferred,omitempty"`
	// Rules describe the built-in rules (policies.Describe), for the
	// formatters; not part of the JSON contract.
	Rules []Rule `json:"-"`
}

// Compare orders findings by file, line, rule, flag, section, message and
// severity: the order of every report.
func Compare(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Flag, b.Flag),
		cmp.Compare(a.Parameter, b.Parameter),
		cmp.Compare(a.Section, b.Section),
		cmp.Compare(a.Message, b.Message),
		cmp.Compare(a.Severity, b.Severity),
	)
}

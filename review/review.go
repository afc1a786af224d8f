// Package review holds CPS review records, the durable ones kept in the flag
// registry and the ones attached to a change (fenced `cps-review` blocks and
// the `CPS Compliance Review:` paragraph in a pull-request description).
package review

import (
	"fmt"
	"regexp"

	"github.com/cpsgate/cpsgate/diag"
)

// Verdicts a review may carry.
const (
	VerdictCompliant     = "compliant"
	VerdictCPSUpdated    = "cps-updated"
	VerdictNotApplicable = "not-applicable"
)

// The placeholders of the review block that cpsgate prints for a reviewer to
// fill in. A review that keeps one does not count (policies/lib.rego holds
// the same values).
const (
	TemplateReviewer = "YOUR-NAME"
	TemplateDate     = "YYYY-MM-DD"
	TemplateNotes    = "How the flag's behaviour, on and off, matches these sections."
	// TemplateParameterNotes are the notes of the block printed for a
	// configuration parameter.
	TemplateParameterNotes = "How the parameter's values, in every environment, match these sections."
)

// Origins of a review.
const (
	OriginRegistry  = "registry"  // a record under a flag in the registry
	OriginBlock     = "pr-body"   // a fenced cps-review block in the change description
	OriginParagraph = "paragraph" // a "CPS Compliance Review:" paragraph in the change description
	OriginComment   = "comment"   // a cps-review block in a pull-request comment (GitHub)
)

// Review is one review of a flag against CPS sections.
type Review struct {
	Flag string `json:"flag"`
	// Parameter is set instead of Flag on a review of a configuration
	// parameter (a cps-review block with `parameter:`).
	Parameter     string            `json:"parameter,omitempty"`
	Date          string            `json:"date,omitempty"` // YYYY-MM-DD as written
	Reviewer      string            `json:"reviewer,omitempty"`
	Sections      []string          `json:"sections"`
	Verdict       string            `json:"verdict,omitempty"`
	CPSVersion    string            `json:"cps_version,omitempty"`
	SectionHashes map[string]string `json:"section_hashes,omitempty"`
	Ref           string            `json:"ref,omitempty"`
	Notes         string            `json:"notes,omitempty"`
	Origin        string            `json:"origin"`
	Pos           diag.Pos          `json:"-"`
}

// Paragraph is a "CPS Compliance Review:" paragraph. Which flags and sections it
// names can only be decided against the known flag names and section IDs; see
// Resolve.
type Paragraph struct {
	Text string
	Pos  diag.Pos
}

// IdentityPattern is the form of a person's identity as CI systems name
// people: a login or an e-mail address (policies/lib.rego holds the same
// pattern).
const IdentityPattern = `^[A-Za-z0-9][A-Za-z0-9._@+-]*(\[bot\])?$`

var identityRE = regexp.MustCompile(IdentityPattern)

// CheckIdentity returns an error unless s is an identity: not blank, no
// white space, commas or control characters, not a template's placeholder.
func CheckIdentity(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("empty identity")
	case !identityRE.MatchString(s):
		return fmt.Errorf("%q is not a login or e-mail address", s)
	case s == TemplateReviewer:
		return fmt.Errorf("%q is the template's placeholder, not a person", s)
	}
	return nil
}

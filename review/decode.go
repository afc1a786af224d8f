package review

import (
	"regexp"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/cpsgate/cpsgate/internal/yamlnode"
)

// reviewKeys are the keys of a review mapping, apart from "flag".
var reviewKeys = []string{"date", "reviewer", "sections", "verdict", "cps_version", "section_hashes", "ref", "notes"}

// verdicts are the values "verdict" may take.
var verdicts = []string{VerdictCompliant, VerdictCPSUpdated, VerdictNotApplicable}

// hashPattern is the form of a section hash.
var hashPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// DecodeNode decodes one review mapping: date (YYYY-MM-DD), reviewer,
// sections (a list, or one string), verdict (required), cps_version,
// section_hashes (section ID -> "sha256:<hex>"), ref, notes, and, when
// withFlag, the required flag (or parameter, for a review of a configuration
// parameter). Unknown keys and malformed values are errors
// at their positions. Pos is the mapping's position; Origin is left for the
// caller to set. The review is returned, as far as it could be decoded, even
// with an error.
func DecodeNode(file string, n *yaml.Node, withFlag bool) (Review, error) {
	d := &yamlnode.Decoder{File: file}
	r := Decode(d, n, withFlag)
	return r, d.Errs.Err()
}

// Decode is DecodeNode collecting its errors in d.Errs.
func Decode(d *yamlnode.Decoder, n *yaml.Node, withFlag bool) Review {
	if n == nil {
		d.Errs.Add(d.Pos(&yaml.Node{}), "no review")
		return Review{}
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	r := Review{Pos: d.Pos(n)}
	keys := reviewKeys
	if withFlag {
		keys = slices.Concat([]string{"flag", "parameter"}, reviewKeys)
	}
	fields := d.Fields(n, "review", keys...)
	if fields == nil {
		return r
	}
	if withFlag {
		// A review is of a flag or, with parameter: instead, of a
		// configuration parameter.
		if p, ok := fields["parameter"]; ok {
			r.Parameter = d.NonEmpty(p.Value, "parameter")
			if f, both := fields["flag"]; both {
				d.Errs.Add(d.Pos(f.Key), "review: flag and parameter are both set; a review is of one flag or one parameter")
			}
		} else if v := d.Required(n, fields, "review", "flag"); v != nil {
			r.Flag = d.NonEmpty(v, "flag")
		}
	}
	if v := d.Required(n, fields, "review", "verdict"); v != nil {
		r.Verdict = d.Enum(v, "verdict", verdicts...)
	}
	if f, ok := fields["date"]; ok {
		r.Date = date(d, f.Value)
	}
	if f, ok := fields["sections"]; ok {
		r.Sections = d.SectionIDs(f.Value, "sections")
	}
	if f, ok := fields["section_hashes"]; ok {
		r.SectionHashes = sectionHashes(d, f.Value)
	}
	r.Reviewer = d.Get(fields, "reviewer")
	r.CPSVersion = d.Get(fields, "cps_version")
	r.Ref = d.Get(fields, "ref")
	r.Notes = d.Get(fields, "notes")
	return r
}

// date returns the YYYY-MM-DD date n holds, as written.
func date(d *yamlnode.Decoder, n *yaml.Node) string {
	s := d.String(n, "date")
	if _, err := time.Parse(time.DateOnly, s); err != nil && n.Kind == yaml.ScalarNode {
		d.Errs.Add(d.Pos(n), "date: %s is not a valid date (YYYY-MM-DD)", yamlnode.Quote(s))
		return ""
	}
	return s
}

// sectionHashes decodes a mapping of section IDs to "sha256:<hex>" hashes.
func sectionHashes(d *yamlnode.Decoder, n *yaml.Node) map[string]string {
	if yamlnode.IsNull(n) {
		return nil
	}
	pairs := d.Pairs(n, "section_hashes")
	if pairs == nil {
		return nil
	}
	hashes := make(map[string]string, len(pairs))
	for _, p := range pairs {
		id, hash := p.Key.Value, d.String(p.Value, "section_hashes")
		switch {
		case !yamlnode.IsSectionID(id):
			d.SectionIDError(p.Key, "section_hashes", id)
		case p.Value.Kind != yaml.ScalarNode:
		case !hashPattern.MatchString(hash):
			d.Errs.Add(d.Pos(p.Value), "section_hashes: %s is not of the form sha256:<64 lowercase hex digits>", yamlnode.Quote(hash))
		default:
			hashes[id] = hash
		}
	}
	return hashes
}

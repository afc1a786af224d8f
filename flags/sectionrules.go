package flags

import (
	"path"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/internal/yamlnode"
)

// MaxSectionRules is the largest number of entries the registry's
// sections: part lists.
const MaxSectionRules = 10000

// SectionRule is one entry of the registry's sections: part: what a CPS
// section asks of the tests. RequiresTest makes a section with no linked
// test a deny (rule test_required); Tests are patterns on Go test function
// names that link the tests they match to the section, besides the
// `// cps: ID` comments on the tests themselves.
type SectionRule struct {
	ID           string
	RequiresTest bool
	Tests        []TestPattern
	Pos          diag.Pos // of the id
}

// TestPattern matches test function names: a glob (path.Match syntax, as
// "TestCAA*") or, written /.../, an RE2 regular expression.
type TestPattern struct {
	Text string
	Re   *regexp.Regexp // nil for a glob
	Pos  diag.Pos
}

// Match reports whether name matches the pattern.
func (p TestPattern) Match(name string) bool {
	if p.Re != nil {
		return p.Re.MatchString(name)
	}
	return nameMatch(p.Text, name)
}

// globMatch is path.Match for names that hold no slash: * and ? and
// character classes; a malformed pattern matches nothing (decoding rejects
// it).
func nameMatch(pattern, name string) bool {
	ok, err := path.Match(pattern, name)
	return err == nil && ok
}

// SectionRule returns the rule of section id, or nil.
func (r *Registry) SectionRule(id string) *SectionRule {
	if r == nil {
		return nil
	}
	for i := range r.Sections {
		if r.Sections[i].ID == id {
			return &r.Sections[i]
		}
	}
	return nil
}

// decodeSectionRules decodes the registry's sections: list.
func decodeSectionRules(d *yamlnode.Decoder, n *yaml.Node) []SectionRule {
	items := d.List(n, "sections")
	if len(items) > MaxSectionRules {
		d.Errs.Add(d.Pos(items[MaxSectionRules]), "the registry's sections: lists %d entries, more than the limit of %d", len(items), MaxSectionRules)
		return nil
	}
	var out []SectionRule
	first := map[string]diag.Pos{}
	for _, item := range items {
		fields := d.Fields(item, "sections entry", "id", "requires_test", "tests")
		if fields == nil {
			continue
		}
		rule := SectionRule{Pos: d.Pos(item)}
		if v := d.Required(item, fields, "sections entry", "id"); v != nil {
			rule.ID = d.NonEmpty(v, "id")
			rule.Pos = d.Pos(v)
			if rule.ID != "" && !yamlnode.IsSectionID(rule.ID) {
				d.SectionIDError(v, "id", rule.ID)
			}
		}
		if f, ok := fields["requires_test"]; ok {
			switch s := d.String(f.Value, "requires_test"); {
			case f.Value.Kind != yaml.ScalarNode || f.Value.Tag != "!!bool":
				d.Errs.Add(d.Pos(f.Value), "requires_test: want true or false, not %s", yamlnode.Quote(s))
			default:
				rule.RequiresTest = s == "true"
			}
		}
		if f, ok := fields["tests"]; ok {
			for _, pn := range d.List(f.Value, "tests") {
				if p, ok := decodeTestPattern(d, pn); ok {
					rule.Tests = append(rule.Tests, p)
				}
			}
		}
		if prev, dup := first[rule.ID]; dup && rule.ID != "" {
			d.Errs.Add(rule.Pos, "section %s is listed twice in sections:, at lines %d and %d: merge the entries", yamlnode.Quote(rule.ID), prev.Line, rule.Pos.Line)
			continue
		}
		first[rule.ID] = rule.Pos
		out = append(out, rule)
	}
	return out
}

// decodeTestPattern decodes one test-name pattern.
func decodeTestPattern(d *yamlnode.Decoder, n *yaml.Node) (TestPattern, bool) {
	s := d.NonEmpty(n, "tests")
	if s == "" {
		return TestPattern{}, false
	}
	p := TestPattern{Text: s, Pos: d.Pos(n)}
	if len(s) >= 2 && strings.HasPrefix(s, "/") && strings.HasSuffix(s, "/") {
		re, err := regexp.Compile(s[1 : len(s)-1])
		if err != nil {
			d.Errs.Add(p.Pos, "tests: %s is not a regular expression: %v", yamlnode.Quote(s), err)
			return TestPattern{}, false
		}
		p.Re = re
		return p, true
	}
	if strings.Contains(s, "/") {
		d.Errs.Add(p.Pos, "tests: %s: a test name pattern is a glob such as TestCAA* or a regular expression written /.../", yamlnode.Quote(s))
		return TestPattern{}, false
	}
	if _, err := path.Match(s, ""); err != nil {
		d.Errs.Add(p.Pos, "tests: %s is not a valid glob: %v", yamlnode.Quote(s), err)
		return TestPattern{}, false
	}
	return p, true
}

// Package explain writes everything cpsgate knows about one flag, one CPS
// section or one built-in rule (`cpsgate explain`), from the state of one
// revision: links, sources, settings per environment, reviews and whether
// the section changed since; a section's text and the flags linking it; a
// rule's METADATA.
package explain

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/evidence"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/internal/inspect"
	"github.com/cpsgate/cpsgate/policies"
	"github.com/cpsgate/cpsgate/review"
)

// Write explains name: a flag, a configuration parameter, a section ID or a
// rule, tried in that order.
// It returns false when name is none of them.
func Write(w io.Writer, st *check.State, rules []policies.RuleInfo, name string) (bool, error) {
	var b strings.Builder
	switch {
	case flag(&b, st, name):
	case inspect.ExplainParameter(&b, st, name):
	case section(&b, st, name):
	case rule(&b, rules, name):
	default:
		return false, nil
	}
	_, err := io.WriteString(w, b.String())
	return true, err
}

// flag explains a flag that the registry or the sources know.
func flag(b *strings.Builder, st *check.State, name string) bool {
	entry := st.Registry.Lookup(name)
	var defs, sets []string
	for _, d := range st.Inventory.Defs {
		if d.Flag == name {
			s := fmt.Sprintf("  %s %s", d.Kind, d.Pos)
			if d.Default != nil {
				s += fmt.Sprintf(" (default %v)", *d.Default)
			}
			defs = append(defs, s)
		}
	}
	for _, s := range st.Inventory.AllSettings() {
		if s.Flag == name {
			sets = append(sets, fmt.Sprintf("  %s: %v  (%s, %s)", s.Env, s.Value, s.Path, s.Pos))
		}
	}
	if entry == nil && defs == nil && sets == nil {
		return false
	}
	fmt.Fprintf(b, "flag %s\n", name)
	if entry == nil {
		b.WriteString("  not registered: it needs an entry in the registry [unregistered_flag]\n")
	} else {
		fmt.Fprintf(b, "  registry: %s  status %s", entry.Pos, entry.Status)
		if entry.Owner != "" {
			fmt.Fprintf(b, "  owner %s", entry.Owner)
		}
		b.WriteString("\n")
		if entry.Description != "" {
			fmt.Fprintf(b, "  %s\n", entry.Description)
		}
		b.WriteString("links:\n")
		if len(entry.CPS) == 0 {
			if entry.NoCPSImpact != "" {
				fmt.Fprintf(b, "  none: no_cps_impact: %s\n", entry.NoCPSImpact)
			} else {
				b.WriteString("  none: the flag is unlinked [unlinked_flag]\n")
			}
		}
		for _, id := range entry.CPS {
			if s := st.Sections[id]; s != nil {
				fmt.Fprintf(b, "  %s %s  (%s)  %s\n", id, s.Title, s.Pos, lastReview(entry.Reviews, id, s.Hash))
			} else {
				fmt.Fprintf(b, "  %s  not in the CPS [unknown_section]\n", id)
			}
		}
	}
	b.WriteString("declared in:\n")
	if defs == nil {
		b.WriteString("  no source declares it\n")
	}
	b.WriteString(strings.Join(defs, "\n"))
	if defs != nil {
		b.WriteString("\n")
	}
	b.WriteString("settings:\n")
	if sets == nil {
		b.WriteString("  no configuration sets it\n")
	}
	for _, s := range sets {
		b.WriteString(s + "\n")
	}
	if entry != nil {
		b.WriteString("reviews:\n")
		if len(entry.Reviews) == 0 {
			b.WriteString("  none\n")
		}
		for _, r := range entry.Reviews {
			fmt.Fprintf(b, "  %s by %s of %s: %s  (%s)", r.Date, r.Reviewer, strings.Join(r.Sections, ", "), r.Verdict, r.Pos)
			var stale []string
			for _, id := range r.Sections {
				if h, ok := r.SectionHashes[id]; ok && st.Sections[id] != nil && st.Sections[id].Hash != h {
					stale = append(stale, id)
				}
			}
			if stale != nil {
				fmt.Fprintf(b, "  STALE: %s changed since", strings.Join(stale, ", "))
			}
			b.WriteString("\n")
		}
	}
	return true
}

// lastReview describes the latest registry review of section id.
func lastReview(reviews []review.Review, id, hash string) string {
	var last *review.Review
	for i := range reviews {
		r := &reviews[i]
		if slices.Contains(r.Sections, id) && (last == nil || r.Date >= last.Date) {
			last = r
		}
	}
	switch {
	case last == nil:
		return "never reviewed"
	case last.SectionHashes[id] == "":
		return fmt.Sprintf("last reviewed %s by %s (no hash recorded)", last.Date, last.Reviewer)
	case last.SectionHashes[id] != hash:
		return fmt.Sprintf("last reviewed %s by %s, STALE: the text changed since", last.Date, last.Reviewer)
	}
	return fmt.Sprintf("last reviewed %s by %s, current", last.Date, last.Reviewer)
}

// section explains a CPS section.
func section(b *strings.Builder, st *check.State, id string) bool {
	s := st.Sections[id]
	if s == nil {
		return false
	}
	fmt.Fprintf(b, "section %s %s\n  %s  %s\n", s.ID, s.Title, s.Pos, s.Hash)
	b.WriteString("linked flags:\n")
	n := 0
	if st.Registry != nil {
		for _, e := range st.Registry.Flags {
			if slices.Contains(e.CPS, id) {
				fmt.Fprintf(b, "  %s  %s\n", e.Name, lastReview(e.Reviews, id, s.Hash))
				n++
			}
		}
	}
	if n == 0 {
		b.WriteString("  none\n")
	}
	tests(b, st, id)
	b.WriteString("text:\n")
	for _, line := range strings.Split(strings.TrimSpace(s.Text), "\n") {
		fmt.Fprintf(b, "  | %s\n", line)
	}
	return true
}

// tests lists the tests linked to section id, and whether the registry
// requires one.
func tests(b *strings.Builder, st *check.State, id string) {
	linked := evidence.LinkedTo(st.Tests, id)
	rule := st.Registry.SectionRule(id)
	if len(linked) == 0 && rule == nil {
		return
	}
	b.WriteString("tests:\n")
	if rule != nil && rule.RequiresTest {
		fmt.Fprintf(b, "  required (requires_test, %s)\n", rule.Pos)
	}
	if len(linked) == 0 {
		b.WriteString("  none\n")
	}
	for _, t := range linked {
		var via []string
		for _, l := range t.Links {
			if l.Section != id {
				continue
			}
			if l.Via == evidence.ViaComment {
				via = append(via, fmt.Sprintf("// cps: comment at %s", l.Pos))
			} else {
				via = append(via, fmt.Sprintf("registry pattern %s at %s", patternAt(rule, l.Pos), l.Pos))
			}
		}
		skipped := ""
		if t.Skipped {
			skipped = "  SKIPPED: calls t.Skip"
		}
		fmt.Fprintf(b, "  %s  %s  (%s)%s\n", t.ID, t.Pos, strings.Join(via, "; "), skipped)
	}
}

// patternAt returns the text of the rule's pattern at pos.
func patternAt(rule *flags.SectionRule, pos diag.Pos) string {
	if rule != nil {
		for _, p := range rule.Tests {
			if p.Pos == pos {
				return p.Text
			}
		}
	}
	return "?"
}

// rule explains a built-in rule from its METADATA.
func rule(b *strings.Builder, rules []policies.RuleInfo, name string) bool {
	i := slices.IndexFunc(rules, func(r policies.RuleInfo) bool { return r.Name == name })
	if i < 0 {
		return false
	}
	r := rules[i]
	fmt.Fprintf(b, "rule %s\n  %s\n  enforces: %s\n  severities: %s\n", r.Name, r.Description, r.Enforces, strings.Join(r.Severities, ", "))
	if r.SeverityWhenUntouched != "" {
		fmt.Fprintf(b, "  when the change does not touch it: %s\n", r.SeverityWhenUntouched)
	}
	if r.ResolvedBy != "" {
		fmt.Fprintf(b, "  resolved by: %s in the pull request (the pre-commit hook only warns)\n", r.ResolvedBy)
	}
	return true
}

package policies

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/cpsgate/cpsgate/result"
)

// RuleInfo describes one built-in rule, from the METADATA of its deny and
// warn definitions (result.Rule).
type RuleInfo = result.Rule

// Rules returns the built-in rules, sorted by name. It is an error for a
// deny or warn definition to lack a METADATA block whose title is the rule's
// name and which has a description and custom.enforces.
func Rules() ([]RuleInfo, error) {
	mods, err := parsedBuiltins()
	if err != nil {
		return nil, toDiag(err).Err()
	}
	return rulesOfParsed(Builtin(), mods)
}

func rulesOf(mods []Module) ([]RuleInfo, error) {
	caps := capabilities()
	var parsed []*ast.Module
	for _, m := range mods {
		mod, err := parseModule(m, caps)
		if err != nil {
			return nil, toDiag(err).Err()
		}
		parsed = append(parsed, mod)
	}
	return rulesOfParsed(mods, parsed)
}

// rulesOfParsed is rulesOf for modules already parsed (parsed[i] is mods[i]).
func rulesOfParsed(mods []Module, parsed []*ast.Module) ([]RuleInfo, error) {
	var infos []RuleInfo
	var errs []error
	for i, m := range mods {
		info, err := ruleInfo(m.File, parsed[i])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(info.Severities) > 0 {
			infos = append(infos, info)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortFunc(infos, func(a, b RuleInfo) int { return strings.Compare(a.Name, b.Name) })
	return infos, nil
}

// ruleInfo reads the METADATA of every deny and warn definition in mod.
func ruleInfo(file string, mod *ast.Module) (RuleInfo, error) {
	info := RuleInfo{Name: strings.TrimSuffix(path.Base(file), ".rego")}
	var errs []error
	for _, r := range mod.Rules {
		severity := ruleName(r)
		if severity != "deny" && severity != "warn" {
			continue
		}
		fail := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("%s: %s definition: %s", posOf(r.Location), severity, fmt.Sprintf(format, args...)))
		}
		a := ruleAnnotation(r)
		if a == nil {
			fail("no METADATA block with scope rule")
			continue
		}
		enforces, _ := a.Custom["enforces"].(string)
		switch {
		case a.Title != info.Name:
			fail("METADATA title is %q, want the rule name %q", a.Title, info.Name)
		case strings.TrimSpace(a.Description) == "":
			fail("METADATA has no description")
		case strings.TrimSpace(enforces) == "":
			fail("METADATA has no custom.enforces naming the source of the obligation")
		}
		if !slices.Contains(info.Severities, severity) {
			info.Severities = append(info.Severities, severity)
		}
		if info.Title == "" {
			info.Title = a.Title
			info.Description = strings.TrimSpace(a.Description)
			info.Enforces = strings.TrimSpace(enforces)
		}
		if s, ok := a.Custom["severity_when_untouched"].(string); ok {
			info.SeverityWhenUntouched = s
		}
		if s, ok := a.Custom["resolved_by"].(string); ok {
			if s != "review" && s != "approval" {
				fail("METADATA custom.resolved_by is %q, want review or approval", s)
			}
			info.ResolvedBy = s
		}
	}
	slices.Sort(info.Severities)
	return info, errors.Join(errs...)
}

func ruleAnnotation(r *ast.Rule) *ast.Annotations {
	for _, a := range r.Annotations {
		if a.Scope == "rule" {
			return a
		}
	}
	return nil
}

var builtinRules = sync.OnceValues(Rules)

// Describe returns the built-in rules (see Rules), read from their METADATA
// once per process; the result carries them to the formatters.
func Describe() ([]result.Rule, error) {
	rules, err := builtinRules()
	return slices.Clone(rules), err
}

// ResolvedBy returns what resolves the deny findings of built-in rule name
// (RuleInfo.ResolvedBy): "review", "approval", or "" for a rule that only
// a fix to the files resolves, and for rules that are not built in.
func ResolvedBy(name string) string {
	rules, err := builtinRules()
	if err != nil {
		return "" // the built-in metadata is checked by tests; "" blocks
	}
	i, found := slices.BinarySearchFunc(rules, name, func(r RuleInfo, n string) int { return strings.Compare(r.Name, n) })
	if !found {
		return ""
	}
	return rules[i].ResolvedBy
}

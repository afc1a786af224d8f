package policies

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/cpsgate/cpsgate/result"
)

// randomInput is a small input drawn from seed, dense in what the link facts
// are about: flags of every status linking existing, missing, renumbered and
// removed sections (some twice), registry and attached reviews of the same
// links on the same or different dates with matching, stale or no recorded
// hashes, parent sections whose subsections changed, and flag, registry and
// CPS changes touching some flags.
func randomInput(seed uint64) *Input {
	r := rand.New(rand.NewPCG(seed, 15))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	ids := []string{"1", "1.1", "1.2", "4", "4.9", "4.9.1", "4.9.2", "6.1", "6.2", "9.9"} // 9.9 and 6.2 exist at base only
	return newInput(func(in *Input) {
		in.Today, in.BaseDate = "2026-06-01", "2026-05-01"
		in.Sections = map[string]Section{}
		for _, id := range ids[:8] {
			h := "sha256:" + id
			s := Section{ID: id, Title: "Section " + id, Level: 1, File: "docs/cps.md", Line: 10 * len(in.Sections), Hash: h, BaseTreeHash: h}
			if r.IntN(4) == 0 { // a parent whose subsections changed
				s.TreeHash, s.BaseTreeHash = "sha256:tree-"+id, "sha256:old-tree-"+id
			}
			in.Sections[id] = s
		}
		for i := range 2 + r.IntN(4) {
			kind := pick("modified", "retitled", "renumbered", "removed", "added")
			c := CPSChange{Section: pick(ids...), Change: kind, Title: "T", File: "docs/cps.md", Line: 5 + i}
			if kind == "renumbered" {
				c.OldSection = pick(ids...)
			}
			in.CPSChanges = append(in.CPSChanges, c)
		}
		in.Parameters = map[string]Parameter{}
		for p := range 4 {
			name := fmt.Sprintf("p%d.lifetime", p)
			typ := pick("integer", "integer", "string")
			par := Parameter{Name: name, Type: typ, BaseType: typ, Status: pick("active", "active", "proposed"), Registered: r.IntN(6) != 0, InBase: r.IntN(2) == 0, CPS: []string{pick(ids...)}, File: "flags/registry.yaml", Line: 500 + 10*p}
			if r.IntN(5) == 0 {
				par.BaseType = "duration"
			}
			for i := range r.IntN(5) {
				n := float64(10 * r.IntN(4))
				v := ParameterValue{File: fmt.Sprintf("deploy/env%d.json", i), Line: 2, Path: "params.x", Environment: fmt.Sprint(i % 2), Text: fmt.Sprint(n), Number: n, Effective: n, String: pick("a", "b")}
				par.Values = append(par.Values, v)
				if r.IntN(2) == 0 {
					par.BaseValues = append(par.BaseValues, v)
				}
				if r.IntN(4) == 0 {
					in.ParameterChanges = append(in.ParameterChanges, ParameterChange{Parameter: name, Change: "changed", Old: "1", New: v.Text, File: v.File, Line: 2, Path: v.Path, Environment: v.Environment})
				}
			}
			for range 1 + r.IntN(3) {
				c := ParameterConstraint{
					Kind: pick("min", "max", "min", "max", "one_of", "pattern"), Source: pick("literal", "literal", "cps", "parameter"),
					Exclusive: r.IntN(2) == 0, Number: float64(10 * r.IntN(4)), Text: "bound", InBase: r.IntN(2) == 0,
					File: "flags/registry.yaml", Line: 501 + 10*p, Numbers: []float64{10, 20}, Strings: []string{"a"}, Pattern: "^a$",
				}
				c.BaseNumber = c.Number
				switch c.Source {
				case "cps":
					c.Section = pick(ids...)
					if r.IntN(3) == 0 {
						c.Error = "the section no longer states a number"
					}
					if r.IntN(3) == 0 {
						c.BaseError = "gone"
					}
				case "parameter":
					c.Parameter = fmt.Sprintf("p%d.lifetime", r.IntN(5)) // p4 does not exist
				}
				par.Constraints = append(par.Constraints, c)
			}
			in.Parameters[name] = par
		}
		line := 0
		for f := range 6 {
			name := fmt.Sprintf("F%d", f)
			var links []string
			for range r.IntN(4) {
				links = append(links, pick(ids...))
			}
			flag := registered(name, 10*f+1, links...)
			flag.BaseCPS = append([]string{}, links...)
			flag.Status = pick("active", "active", "proposed", "deprecated", "removed")
			flag.Registered = r.IntN(6) != 0
			if r.IntN(5) == 0 {
				flag.Sources = nil
			}
			in.Flags[name] = flag
			for range r.IntN(4) {
				line++ // registry reviews never share a line; the order of their lines varies
				rv := oldReview(name, pick("2025-01-01", "2025-02-01"), 1000-2*line-r.IntN(2), links...)
				if len(links) > 0 && r.IntN(3) != 0 {
					rv.Sections = []string{pick(links...)}
				}
				rv.SectionHashes = map[string]string{}
				for _, s := range rv.Sections {
					switch r.IntN(3) {
					case 0:
						rv.SectionHashes[s] = "sha256:" + s
					case 1:
						rv.SectionHashes[s] = "sha256:tree-" + s
					}
				}
				in.Reviews = append(in.Reviews, rv)
			}
			if len(links) > 0 && r.IntN(3) == 0 {
				in.Reviews = append(in.Reviews, prReview(name, pick("bob", "dave"), pick(links...)))
			}
			for range r.IntN(4) / 2 * (1 + r.IntN(3)) { // none for half the flags, else 1 to 3 changes
				in.FlagChanges = append(in.FlagChanges, FlagChange{
					Flag: name, Change: pick("enabled", "disabled", "added", "modified", "changed"),
					File: pick("deploy/prod.json", "deploy/dev.json"), Line: 1 + r.IntN(3),
				})
			}
			if r.IntN(8) == 0 {
				in.RegistryChanges = append(in.RegistryChanges, RegistryChange{Flag: name, Change: "review_removed", File: "flags/registry.yaml", Line: 10*f + 3})
			}
		}
	})
}

// TestIndexAgrees evaluates the built-in rules on random inputs twice: as
// cpsgate hands them over (with the index computed in Go) and without
// `index` (lib.rego computes it itself). Every finding must be the
// same.
func TestIndexAgrees(t *testing.T) {
	e := builtin(t)
	ctx := context.Background()
	withFindings := 0
	rules := map[string]int{}
	for seed := range uint64(300) {
		in := randomInput(seed)
		with, err := evalValue(ctx, e.query, in.value())
		if err != nil {
			t.Fatal(err)
		}
		without, err := evalValue(ctx, e.query, withoutIndex(t, in.value()))
		if err != nil {
			t.Fatal(err)
		}
		got, want := bindings(t, e, with), bindings(t, e, without)
		if diff := cmp.Diff(got, want); diff != "" {
			t.Fatalf("seed %d: findings with link facts (-) and computed in Rego (+):\n%s\ninput index: %+v", seed, diff, in.index())
		}
		if len(got[0])+len(got[1]) > 0 {
			withFindings++
		}
		for _, fs := range got {
			for _, f := range fs {
				rules[f.Rule]++
			}
		}
	}
	for _, rule := range []string{"parameter_constraint", "parameter_review", "missing_review", "stale_review"} {
		if rules[rule] < 100 {
			t.Errorf("only %d findings of rule %s in 300 random inputs: the generator is too tame", rules[rule], rule)
		}
	}
	if withFindings < 250 {
		t.Errorf("only %d of 300 random inputs had findings: the generator is too tame", withFindings)
	}
}

// withoutIndex is the input value v without its "index" member.
func withoutIndex(t *testing.T, v ast.Value) ast.Value {
	t.Helper()
	obj, ok := v.(ast.Object)
	if !ok || obj.Get(ast.StringTerm("index")) == nil {
		t.Fatal("the input has no index member")
	}
	var kv [][2]*ast.Term
	obj.Foreach(func(k, v *ast.Term) {
		if !k.Equal(ast.StringTerm("index")) {
			kv = append(kv, [2]*ast.Term{k, v})
		}
	})
	return ast.NewObject(kv...)
}

// bindings are the deny and warn findings of a result set.
func bindings(t *testing.T, e *Engine, rs rego.ResultSet) [2][]result.Finding {
	t.Helper()
	deny, err := findings(result.Deny, rs[0].Bindings["deny"], e.locate)
	if err != nil {
		t.Fatal(err)
	}
	warn, err := findings(result.Warn, rs[0].Bindings["warn"], e.locate)
	if err != nil {
		t.Fatal(err)
	}
	return [2][]result.Finding{deny, warn}
}

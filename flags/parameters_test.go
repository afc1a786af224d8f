package flags

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/internal/paramtype"
	"github.com/cpsgate/cpsgate/review"
)

func TestDecodeParameters(t *testing.T) {
	src := `parameters:
  - name: ca.max
    cps: ["6.3.2"]
    type: duration
    config:
      - glob: "deploy/*/ca.yaml"
        path: ca.profiles.*.max
        vars: [../common.yaml, vars.yaml]
        environment: prod
    min: 1h
    max: 2160h
    max_exclusive: true
    inclusive_validity: true
    cps_value:
      bound: max
      section: "6.3.2"
      pattern: 'at most (\d+) days'
      unit: days
  - name: crl.lookback
    cps: ["6.3.2"]
    type: duration
    config: [{glob: "deploy/*/crl.yaml", path: crl.lookback}]
    min: {parameter: ca.max}
    reviews:
      - date: 2026-01-02
        reviewer: alice
        sections: ["6.3.2"]
        verdict: compliant
        notes: Covers the longest certificate.
`
	reg, err := DecodeRegistry("r.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []Parameter{
		{
			Name: "ca.max", Status: StatusActive, CPS: []string{"6.3.2"}, Type: paramtype.Duration,
			Config:            []ParamLocation{{Glob: "deploy/*/ca.yaml", Path: "ca.profiles.*.max", Vars: []string{"../common.yaml", "vars.yaml"}, Environment: "prod"}},
			Min:               &ParamBound{Literal: &ParamLiteral{Text: "1h", Value: paramtype.Value{Number: 3600}}},
			Max:               &ParamBound{Literal: &ParamLiteral{Text: "2160h", Value: paramtype.Value{Number: 7776000}}, Exclusive: true},
			CPSValues:         []CPSValue{{Bound: "max", Section: "6.3.2", Pattern: `at most (\d+) days`, Unit: "days"}},
			InclusiveValidity: true,
		},
		{
			Name: "crl.lookback", Status: StatusActive, CPS: []string{"6.3.2"}, Type: paramtype.Duration,
			Config: []ParamLocation{{Glob: "deploy/*/crl.yaml", Path: "crl.lookback"}},
			Min:    &ParamBound{Parameter: "ca.max"},
			Reviews: []review.Review{{Parameter: "crl.lookback", Date: "2026-01-02", Reviewer: "alice", Sections: []string{"6.3.2"},
				Verdict: "compliant", Notes: "Covers the longest certificate.", Origin: review.OriginRegistry}},
		},
	}
	if diff := cmp.Diff(reg.Parameters, want, cmpopts.IgnoreTypes(diag.Pos{})); diff != "" {
		t.Errorf("parameters mismatch (-got +want):\n%s", diff)
	}
}

func TestDecodeParametersErrors(t *testing.T) {
	tests := []struct {
		name, entry, want string
	}{
		{"unknown key", "maximum: 1h", `r.yaml:7:5: unknown key "maximum" in parameter entry`},
		{"bad bound", "max: 90d", `r.yaml:7:10: max: "90d" is not a duration in Go syntax (e.g. 216h, 7776000s, 1h30m)`},
		{"min on a bool", "min: true", ""},
		{"exclusive alone", "max_exclusive: true", "r.yaml:7:5: max_exclusive without max"},
		{"pattern on a duration", "pattern: '^a'", "r.yaml:7:5: pattern: only a string parameter takes a pattern (this one is a duration)"},
		{"cps_value section not linked", "cps_value: {bound: max, section: '4.9', pattern: '(\\d+) days', unit: days}", "r.yaml:7:38: cps_value: section 4.9 is not one of the parameter's linked sections (cps: 6.3.2)"},
		{"cps_value months", "cps_value: {bound: max, section: '6.3.2', pattern: '(\\d+) months', unit: months}", `r.yaml:7:16: cps_value: unit "months" is not a unit of time`},
		{"cps_value two groups", "cps_value: {bound: max, section: '6.3.2', pattern: '(\\d+) (days)', unit: days}", "has 2 capture groups"},
		{"self relation", "min: {parameter: p}", `r.yaml:7:10: parameter "p" is bound by itself`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "parameters:\n  - name: p\n    cps: [\"6.3.2\"]\n    type: duration\n    config:\n      - {glob: a.yaml, path: a}\n    " + tt.entry + "\n"
			if tt.name == "min on a bool" {
				src = "parameters:\n  - name: p\n    cps: [\"6.3.2\"]\n    type: bool\n    config:\n      - {glob: a.yaml, path: a}\n    min: true\n"
				tt.want = "r.yaml:7:5: min: a bool parameter has no order; use one_of or pattern"
			}
			_, err := DecodeRegistry("r.yaml", []byte(src))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if got := err.Error(); !containsLine(got, tt.want) {
				t.Errorf("error = %q, want a line containing %q", got, tt.want)
			}
		})
	}
}

func containsLine(s, want string) bool {
	for line := range strings.SplitSeq(s, "\n") {
		if strings.Contains(line, want) {
			return true
		}
	}
	return false
}

func TestConfigFileLookup(t *testing.T) {
	tests := []struct {
		name, file, src, path string
		want                  []string // path=text (quoted strings as "...")
		wantErr               string
	}{
		{"yaml star over a map", "c.yaml", "ca:\n  profiles:\n    a: {max: 90h}\n    b: {max: 10h}\n", "ca.profiles.*.max",
			[]string{`ca.profiles.a.max="90h"`, `ca.profiles.b.max="10h"`}, ""},
		{"yaml merge key", "c.yaml", "base: &b {max: 90h}\nca:\n  profiles:\n    a: {<<: *b}\n    b: {<<: *b, max: 1h}\n", "ca.profiles.*.max",
			[]string{`ca.profiles.a.max="90h"`, `ca.profiles.b.max="1h"`}, ""},
		{"yaml is case-sensitive", "c.yaml", "CA: {max: 1h}\n", "ca.max", nil, ""},
		{"json folds case as encoding/json", "c.json", `{"CA": {"Max": "1h"}}`, "ca.max", []string{`ca.max="1h"`}, ""},
		{"json two keys one field", "c.json", `{"ca": {"max": "1h", "MAX": "2h"}}`, "ca.max", nil, `keys "max" (line 1) and "MAX" are one key for Go's encoding/json`},
		{"star over a list", "c.json", `{"ps": [{"max": 1}, {"max": 2}]}`, "ps.*.max", []string{`ps[0].max=1`, `ps[1].max=2`}, ""},
		{"list without star", "c.json", `{"ps": [{"max": 1}]}`, "ps.max", nil, `ps is an array; the key path needs * to go through its elements`},
		{"ends at an object", "c.yaml", "ca: {max: {a: 1}}\n", "ca.max", nil, "c.yaml:1:11: ca.max is an object, not a single value"},
		{"through a scalar", "c.yaml", "ca: 1\n", "ca.max", nil, "c.yaml:1:5: ca is 1, not an object"},
		{"duplicate key", "c.yaml", "ca: {max: 1, max: 2}\n", "ca.max", nil, `c.yaml:1:14: duplicate key "max" (first at line 1)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cf, err := ParseConfigFile(tt.file, []byte(tt.src))
			var vals []ConfigValue
			if err == nil {
				vals, err = cf.Lookup(tt.path)
			}
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if tt.wantErr == "" && gotErr != "" || tt.wantErr != "" && !strings.Contains(gotErr, tt.wantErr) {
				t.Fatalf("error = %q, want %q", gotErr, tt.wantErr)
			}
			var got []string
			for _, v := range vals {
				text := v.Scalar.Text
				if v.Scalar.Quoted {
					text = `"` + text + `"`
				}
				got = append(got, v.Path+"="+text)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("values mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestDiffParameters(t *testing.T) {
	const base = `parameters:
  - name: a
    cps: ["6.3.2", "4.9.7"]
    type: integer
    config: [{glob: x.yaml, path: a}]
    reviews:
      - {date: 2026-01-02, reviewer: alice, sections: ["6.3.2"], verdict: compliant, notes: one}
      - {date: 2026-01-03, reviewer: bob, sections: ["6.3.2"], verdict: compliant, notes: two}
  - name: b
    cps: ["6.3.2"]
    type: integer
    config: [{glob: x.yaml, path: b}]
`
	const head = `parameters:
  - name: a
    cps: ["6.3.2"]
    type: integer
    config: [{glob: x.yaml, path: a}]
    reviews:
      - {date: 2026-01-02, reviewer: alice, sections: ["6.3.2"], verdict: compliant, notes: edited}
      - {date: 2026-01-04, reviewer: carol, sections: ["6.3.2"], verdict: compliant, notes: three}
  - name: c
    cps: ["6.3.2"]
    type: integer
    config: [{glob: x.yaml, path: c}]
    reviews:
      - {date: 2026-01-05, reviewer: dave, sections: ["6.3.2"], verdict: compliant, notes: four}
`
	b, err := DecodeRegistry("r.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	h, err := DecodeRegistry("r.yaml", []byte(head))
	if err != nil {
		t.Fatal(err)
	}
	changes, added := DiffParameters(b, h)
	type change struct{ Parameter, Kind, Detail string }
	var got []change
	for _, c := range changes {
		got = append(got, change{c.Parameter, c.Kind, c.Detail})
	}
	want := []change{
		{"a", LinkRemoved, "4.9.7"},
		{"a", ReviewModified, "review by alice of 2026-01-02"},
		{"a", ReviewRemoved, "review by bob of 2026-01-03"},
		{"b", EntryRemoved, ""},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("changes mismatch (-got +want):\n%s", diff)
	}
	var gotAdded []string
	for _, r := range added {
		gotAdded = append(gotAdded, r.Parameter+" "+r.Reviewer)
	}
	if diff := cmp.Diff(gotAdded, []string{"a carol", "c dave"}); diff != "" {
		t.Errorf("added reviews mismatch (-got +want):\n%s", diff)
	}
	if c, a := DiffParameters(b, b); len(c) != 0 || len(a) != 0 {
		t.Errorf("DiffParameters(b, b) = %v, %v; want nothing", c, a)
	}
}

// TestConfigFileLookupSharedPrefix looks several paths up in one file, whose
// shared prefix is walked once: each gets what a file of its own gives, and
// a prefix that goes wrong fails the first lookup through it.
func TestConfigFileLookupSharedPrefix(t *testing.T) {
	src := "ca:\n  profiles:\n    a: {max: 90h, min: 1h}\n    b: {max: 10h}\nbad: 1\n"
	paths := []string{"ca.profiles.*.max", "ca.profiles.*.min", "ca.profiles.a.max", "ca.absent.x", "ca.profiles.*.max"}
	shared, err := ParseConfigFile("c.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		got, err := shared.Lookup(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		own, _ := ParseConfigFile("c.yaml", []byte(src))
		want, err := own.Lookup(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("%s: shared prefix differs (-got +want):\n%s", p, diff)
		}
	}
	if _, err := shared.Lookup("bad.x"); err == nil || !strings.Contains(err.Error(), "c.yaml:5:6: bad is 1, not an object") {
		t.Errorf("bad.x: error = %v, want the scalar on the way", err)
	}
}

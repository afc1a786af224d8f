package policies

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/result"
)

func TestUserPolicyMerged(t *testing.T) {
	src := `package cpsgate

deny contains {"rule": "frozen", "message": "changes are frozen", "file": input.config} if input.author == "bob"

warn contains {"rule": "hello", "message": "hello", "line": 0} if true
`
	e, err := New(context.Background(), []Module{{File: "policy/freeze.rego", Src: []byte(src)}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	deny, warn, err := e.Eval(context.Background(), newInput(func(in *Input) {
		in.Author = "bob"
		in.PolicyChanges = []PolicyChange{{File: "policy/freeze.rego", Kind: "policy", Change: "added"}}
	}))
	if err != nil {
		t.Fatalf("Eval: %v", err)
	}
	wantDeny := []result.Finding{{Severity: "deny", Rule: "frozen", Message: "changes are frozen", File: ".cpsgate.yaml"}}
	wantWarn := []result.Finding{
		{Severity: "warn", Rule: "hello", Message: "hello"},
		{Severity: "warn", Rule: "policy_changed", File: "policy/freeze.rego", Message: "policy file policy/freeze.rego was added: new policies and a first configuration are only applied once this change is merged"},
	}
	if diff := cmp.Diff(deny, wantDeny); diff != "" {
		t.Errorf("deny mismatch (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(warn, wantWarn); diff != "" {
		t.Errorf("warn mismatch (-got +want):\n%s", diff)
	}
}

func TestUserPolicyRejected(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{
			name: "network access",
			src: `package cpsgate

deny contains {"rule": "leak", "message": resp.body} if {
	resp := http.send({"method": "GET", "url": "https://evil.example"})
}
`,
			want: "user/p.rego:4:10: built-in function http.send is not available to cpsgate policies: network, environment and nondeterministic functions are removed",
		},
		{
			name: "environment access",
			src: `package cpsgate

warn contains {"rule": "env", "message": opa.runtime().env.GITHUB_TOKEN} if true
`,
			want: "user/p.rego:3:42: built-in function opa.runtime is not available to cpsgate policies: network, environment and nondeterministic functions are removed",
		},
		{
			name: "clock",
			src: `package cpsgate

warn contains {"rule": "clock", "message": "late"} if time.now_ns() > 0
`,
			want: "user/p.rego:3:55: built-in function time.now_ns is not available to cpsgate policies: network, environment and nondeterministic functions are removed",
		},
		{
			name: "other package",
			src: `package evil

deny contains {"rule": "x", "message": "y"} if true
`,
			want: "user/p.rego:1:1: policy package evil is not allowed: use package cpsgate (or cpsgate.<name> for helpers)",
		},
		{
			name: "deny in a sub-package is never evaluated",
			src: `package cpsgate.extra

deny contains {"rule": "x", "message": "y"} if true
`,
			want: "user/p.rego:3:1: rule deny in package cpsgate.extra is never evaluated: declare deny and warn in package cpsgate",
		},
		{
			name: "deny redefined as a complete rule",
			src: `package cpsgate

deny := set()
`,
			want: "user/p.rego:3:1: deny must be a set of findings: write `deny contains finding if { ... }`",
		},
		{
			name: "warn as a rule with a key",
			src: `package cpsgate

warn[x] := true if x := "a"
`,
			want: "user/p.rego:3:1: warn must be a set of findings: write `warn contains finding if { ... }`",
		},
		{
			name: "a built-in helper function extended to disable missing_review",
			src: `package cpsgate

reviewed_in_change(_, _) := true
`,
			want: "user/p.rego:3:1: rule reviewed_in_change is defined by the built-in policies; a policy may not redefine or extend it (give yours another name, or put helpers in package cpsgate.<name>)",
		},
		{
			name: "a forged review added to a built-in helper set",
			src: `package cpsgate

new_reviews contains {"flag": "A", "sections": ["1"], "verdict": "compliant", "new": true}
`,
			want: "user/p.rego:3:1: rule new_reviews is defined by the built-in policies; a policy may not redefine or extend it (give yours another name, or put helpers in package cpsgate.<name>)",
		},
		{
			name: "a built-in helper keyed by name",
			src: `package cpsgate

live_flags["A"] := {}
`,
			want: "user/p.rego:3:1: rule live_flags is defined by the built-in policies; a policy may not redefine or extend it (give yours another name, or put helpers in package cpsgate.<name>)",
		},
		{
			name: "syntax error",
			src: `package cpsgate

deny contains x if {
`,
			want: "user/p.rego:4: unexpected eof token [rego_parse_error]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(context.Background(), []Module{{File: "user/p.rego", Src: []byte(tt.src)}})
			if err == nil {
				t.Fatal("New succeeded, want an error")
			}
			if diff := cmp.Diff(err.Error(), tt.want); diff != "" {
				t.Errorf("error mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestUserPolicyMalformedFinding(t *testing.T) {
	tests := []struct {
		name string
		rule string
		want string
	}{
		{
			name: "missing message",
			rule: `deny contains {"rule": "x"} if true`,
			want: `user/p.rego:3:1: policy rule x (deny) yielded a malformed finding: message must be a non-empty string: {"rule":"x"}`,
		},
		{
			name: "string instead of object",
			rule: `warn contains "oops" if true`,
			want: `user/p.rego:3:1: policy rule warn yielded a malformed finding: must be an object, got "oops"`,
		},
		{
			name: "missing rule",
			rule: `deny contains {"message": "m"} if true`,
			want: `user/p.rego:3:1: policy rule deny yielded a malformed finding: rule must be a non-empty string: {"message":"m"}`,
		},
		{
			name: "line not an integer",
			rule: `deny contains {"rule": "x", "message": "m", "line": 1.5} if true`,
			want: `user/p.rego:3:1: policy rule x (deny) yielded a malformed finding: line must be an integer >= 0: {"line":1.5,"message":"m","rule":"x"}`,
		},
		{
			name: "negative line",
			rule: `deny contains {"rule": "x", "message": "m", "line": -1} if true`,
			want: `user/p.rego:3:1: policy rule x (deny) yielded a malformed finding: line must be an integer >= 0: {"line":-1,"message":"m","rule":"x"}`,
		},
		{
			name: "the rule that names the finding's rule",
			rule: "deny contains {\"rule\": \"ok\", \"message\": \"m\"} if false\n\ndeny contains {\"rule\": \"x\"} if true",
			want: `user/p.rego:5:1: policy rule x (deny) yielded a malformed finding: message must be a non-empty string: {"rule":"x"}`,
		},
		{
			name: "file not a string",
			rule: `warn contains {"rule": "x", "message": "m", "file": 3} if true`,
			want: `user/p.rego:3:1: policy rule x (warn) yielded a malformed finding: file must be a string: {"file":3,"message":"m","rule":"x"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "package cpsgate\n\n" + tt.rule + "\n"
			e, err := New(context.Background(), []Module{{File: "user/p.rego", Src: []byte(src)}})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			_, _, err = e.Eval(context.Background(), newInput(nil))
			if err == nil {
				t.Fatal("Eval succeeded, want an error")
			}
			if diff := cmp.Diff(err.Error(), tt.want); diff != "" {
				t.Errorf("error mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestEvalHonoursDeadline(t *testing.T) {
	// A cross product of 2000 x 2000 numbers takes far longer than 1ms.
	src := `package cpsgate

warn contains {"rule": "slow", "message": sprintf("%d", [n])} if {
	n := count([x | some i in numbers.range(1, 2000); some j in numbers.range(1, 2000); x := i * j])
}
`
	e, err := New(context.Background(), []Module{{File: "user/slow.rego", Src: []byte(src)}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	_, _, err = e.Eval(ctx, newInput(nil))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Eval error = %v, want one wrapping context.DeadlineExceeded", err)
	}
}

// TestUserPolicyReadsEveryParameter: a policy of the repository that
// iterates over every parameter and value (which the built-in rules never
// do: cpsgate converts a parameter only when a rule reads it) sees them all,
// as the JSON form holds them, and passes a parameter to a function (which
// hashes it).
func TestUserPolicyReadsEveryParameter(t *testing.T) {
	src := `package cpsgate

too_long(p, v) if {
	p.type == "duration"
	v.effective > 7776000
}

deny contains {"rule": "max_90_days", "message": sprintf("%s is %s in %s", [name, v.text, v.environment]), "file": v.file, "line": v.line} if {
	some name, p in input.parameters
	some v in p.values
	too_long(p, v)
}
`
	e, err := New(context.Background(), []Module{{File: "policy/lifetime.rego", Src: []byte(src)}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	value := func(env string, secs float64) ParameterValue {
		return ParameterValue{File: "deploy/" + env + "/ca.yaml", Line: 3, Path: "ca.max", Environment: env, Text: "x", Number: secs, Effective: secs + 1}
	}
	deny, _, err := e.Eval(context.Background(), newInput(func(in *Input) {
		in.Parameters = map[string]Parameter{
			"ca.max":  {Name: "ca.max", Type: "duration", Status: "active", Values: []ParameterValue{value("prod", 7776000), value("test", 3600)}},
			"crl.max": {Name: "crl.max", Type: "duration", Status: "active", Values: []ParameterValue{value("prod", 864000)}},
			"names":   {Name: "names", Type: "string", Status: "active", Values: []ParameterValue{value("prod", 9e9)}},
		}
	}))
	if err != nil {
		t.Fatalf("Eval: %v", err)
	}
	var got []result.Finding
	for _, f := range deny {
		if f.Rule == "max_90_days" {
			got = append(got, f)
		}
	}
	want := []result.Finding{{Severity: "deny", Rule: "max_90_days", Message: "ca.max is x in prod", File: "deploy/prod/ca.yaml", Line: 3}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("the policy's findings (-got +want):\n%s", diff)
	}
}

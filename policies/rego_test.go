package policies

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestRego runs every *_test.rego beside the rules, as `opa test policies/`
// does, under the engine's restricted capabilities.
func TestRego(t *testing.T) {
	names, err := fs.Glob(regoFiles, "*.rego")
	if err != nil {
		t.Fatal(err)
	}
	caps := capabilities()
	modules := make(map[string]*ast.Module)
	tests := 0
	for _, name := range names {
		src, err := regoFiles.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		mod, err := parseModule(Module{File: name, Src: src}, caps)
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		modules[name] = mod
		if strings.HasSuffix(name, "_test.rego") {
			tests++
		}
	}
	if tests == 0 {
		t.Fatal("no *_test.rego files embedded")
	}
	compiler := ast.NewCompiler().WithCapabilities(caps).WithStrict(true)
	ch, err := tester.NewRunner().
		SetCompiler(compiler).
		RaiseBuiltinErrors(true).
		Run(context.Background(), modules)
	if err != nil {
		t.Fatalf("compile tests: %v", err)
	}
	ran := 0
	for r := range ch {
		ran++
		switch {
		case r.Error != nil:
			t.Errorf("%s: %s.%s: error: %v", r.Location, r.Package, r.Name, r.Error)
		case r.Fail:
			t.Errorf("%s: %s.%s: FAIL", r.Location, r.Package, r.Name)
		}
	}
	if ran == 0 {
		t.Error("no Rego tests ran")
	}
	t.Logf("%d Rego tests ran", ran)
}

// TestRulesMetadata checks that every built-in deny and warn definition is
// documented, and that the documented rules are the ones the contract names.
func TestRulesMetadata(t *testing.T) {
	rules, err := Rules()
	if err != nil {
		t.Fatalf("Rules: %v", err)
	}
	var got []string
	for _, r := range rules {
		got = append(got, r.Name)
	}
	want := []string{
		"cps_version_changed", "invalid_review", "missing_review", "moved_link", "orphan_flag", "parameter_constraint", "parameter_review",
		"policy_changed", "registry_changed",
		"self_review", "stale_review", "test_link", "test_required", "test_review", "unapproved_review", "unknown_flag", "unknown_section",
		"unlinked_flag", "unregistered_flag", "untested_section", "unwatched_source",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("rules mismatch (-got +want):\n%s", diff)
	}
}

// TestRulesMetadataRejectsUndocumented shows that the metadata check catches
// a rule without title, description or custom.enforces.
func TestRulesMetadataRejectsUndocumented(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{
			name: "no metadata",
			src:  "package cpsgate\n\ndeny contains {\"rule\": \"x\", \"message\": \"m\"} if true\n",
			want: "x.rego:3:1: deny definition: no METADATA block with scope rule",
		},
		{
			name: "wrong title",
			src:  "package cpsgate\n\n# METADATA\n# title: y\n# description: d\n# custom:\n#   enforces: e\nwarn contains {\"rule\": \"x\", \"message\": \"m\"} if true\n",
			want: `x.rego:8:1: warn definition: METADATA title is "y", want the rule name "x"`,
		},
		{
			name: "no description",
			src:  "package cpsgate\n\n# METADATA\n# title: x\n# custom:\n#   enforces: e\ndeny contains {\"rule\": \"x\", \"message\": \"m\"} if true\n",
			want: "x.rego:7:1: deny definition: METADATA has no description",
		},
		{
			name: "no enforces",
			src:  "package cpsgate\n\n# METADATA\n# title: x\n# description: d\ndeny contains {\"rule\": \"x\", \"message\": \"m\"} if true\n",
			want: "x.rego:6:1: deny definition: METADATA has no custom.enforces naming the source of the obligation",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := rulesOf([]Module{{File: "x.rego", Src: []byte(tt.src)}})
			if err == nil {
				t.Fatal("rulesOf succeeded, want an error")
			}
			if diff := cmp.Diff(err.Error(), tt.want); diff != "" {
				t.Errorf("error mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

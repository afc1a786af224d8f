package config

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/flags"
)

func TestDecode(t *testing.T) {
	src := "\ufeffcps:\n  - path: docs/CPS.md\n  - path: CP.md\n    repo: ca/policy\n    ref: main\nregistry: flags/registry.yaml\n" +
		"sources:\n  - kind: go-struct\n    path: features\n    type: Config\n  - kind: config\n    glob: \"deploy/**/*.yaml\"\n    key: features\n    environment: prod\n" +
		"policies: [rego/]\nreviewers: [alice, \"@ca/pma\"]\n"
	got, err := Decode(".cpsgate.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	pos := func(line, col int) diag.Pos { return diag.Pos{File: ".cpsgate.yaml", Line: line, Col: col} }
	want := &Config{
		File: ".cpsgate.yaml",
		CPS: []Document{
			{Path: "docs/CPS.md", Pos: pos(2, 5)},
			{Path: "CP.md", Repo: "ca/policy", Ref: "main", Pos: pos(3, 5)},
		},
		Registry:    "flags/registry.yaml",
		RegistryPos: pos(6, 11),
		Sources: []flags.SourceSpec{
			{Kind: "go-struct", Path: "features", Type: "Config", Pos: pos(8, 5)},
			{Kind: "config", Glob: "deploy/**/*.yaml", Key: "features", Environment: "prod", Pos: pos(11, 5)},
		},
		Policies:  []string{"rego/"},
		Reviewers: []string{"alice", "@ca/pma"},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Decode mismatch (-got +want):\n%s", diff)
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"empty", "", "c.yaml:1: configuration is empty; it needs at least cps: and registry:"},
		{"syntax", "cps: [\n", "c.yaml:1: invalid YAML: did not find expected node content"},
		{"missing keys", "policies: []\n", "c.yaml:1:1: configuration: missing required key \"cps\"\nc.yaml:1:1: configuration: missing required key \"registry\""},
		{"unknown key", "cps: [{path: a.md}]\nregistry: r.yaml\nregistyr: x\n",
			`c.yaml:3:1: unknown key "registyr" in configuration (known keys: cps, policies, registry, reviewers, sources)`},
		{"no documents", "cps: []\nregistry: r.yaml\n", "c.yaml:1:6: cps must list at least one document"},
		{"escaping path", "cps: [{path: ../other/cps.md}]\nregistry: /etc/r.yaml\n",
			"c.yaml:1:14: path \"../other/cps.md\" must be clean and stay inside the repository\nc.yaml:2:11: path \"/etc/r.yaml\" must be relative to the repository root"},
		{"bad source", "cps: [{path: a.md}]\nregistry: r.yaml\nsources:\n  - kind: go-struct\n    glob: x\n  - kind: consts\n",
			"c.yaml:4:5: a go-struct source needs \"path\"\nc.yaml:4:5: a go-struct source needs \"type\"\nc.yaml:4:5: a go-struct source takes path and type only\nc.yaml:6:11: kind: \"consts\" is not one of config, go-enum, go-struct, go-test"},
		{"alias", "x: &a a.md\ncps: [{path: *a}]\nregistry: r.yaml\n", "c.yaml:1:1: unknown key \"x\" in configuration (known keys: cps, policies, registry, reviewers, sources)\nc.yaml:2:7: cps entry: missing required key \"path\"\nc.yaml:2:14: YAML aliases are not allowed (*a); write the value out"},
		{"bad reviewers", "cps: [{path: a.md}]\nregistry: r.yaml\nreviewers: [alice, \"\", \"ca pma\", {x: 1}, \"@ca/\"]\n",
			"c.yaml:3:20: reviewer must not be empty\nc.yaml:3:24: reviewer \"ca pma\" is neither a GitHub login nor a team written @org/team\nc.yaml:3:34: reviewer: expected a string, got a mapping\nc.yaml:3:42: reviewer \"@ca/\" is neither a GitHub login nor a team written @org/team"},
		{"reviewers not a list", "cps: [{path: a.md}]\nregistry: r.yaml\nreviewers: alice\n", `c.yaml:3:12: reviewers: expected a list, got "alice"`},
		{"second document", "cps: [{path: a.md}]\nregistry: r.yaml\n---\ncps: []\n", "c.yaml:4:1: configuration: a second YAML document is not allowed"},
		{"empty second document after a bad one", "0\n---", "c.yaml:1:1: configuration: expected a mapping, got \"0\""},
		{"duplicate key", "cps: [{path: a.md}]\nregistry: r.yaml\nregistry: s.yaml\n", "c.yaml:3:1: configuration: duplicate key \"registry\" (first at line 2)"},
		{"checkout without repo", "cps: [{path: a.md, ref: v1, checkout: ../c}]\nregistry: r.yaml\n",
			"c.yaml:1:20: ref: needs repo: (a CPS document in this repository is read at the revision checked)\nc.yaml:1:29: checkout: needs repo: (a CPS document in this repository is read at the revision checked)"},
		{"bad checkouts", "cps:\n  - {path: a.md, repo: o/r, checkout: /abs}\n  - {path: b.md, repo: o/s, checkout: ../x/../y}\n  - {path: c.md, repo: o/t, checkout: \"\"}\n  - {path: d.md, repo: o, checkout: 'a\\b'}\nregistry: r.yaml\n",
			"c.yaml:2:39: checkout \"/abs\" must be relative to the repository root (for example ../cp-cps), so that it works on every clone\n" +
				"c.yaml:3:39: checkout \"../x/../y\" must be a clean path (for example ../cp-cps)\n" +
				"c.yaml:4:39: checkout must not be empty\n" +
				"c.yaml:5:24: repo \"o\" is not a repository written owner/name\nc.yaml:5:37: checkout \"a\\\\b\" must use forward slashes"},
		{"two checkouts of one repository", "cps:\n  - {path: a.md, repo: o/r, checkout: ../r}\n  - {path: b.md, repo: o/r, checkout: ../r2}\nregistry: r.yaml\n",
			"c.yaml:3:5: repository o/r has checkout \"../r2\" here and \"../r\" at line 2: name one clone for all its documents"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode("c.yaml", []byte(tc.src))
			if err == nil {
				t.Fatal("Decode succeeded, want an error")
			}
			if diff := cmp.Diff(err.Error(), tc.want); diff != "" {
				t.Errorf("error mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("cps:\n  - path: docs/CPS.md\nregistry: flags/registry.yaml\nsources:\n  - kind: go-struct\n    path: features/features.go\n    type: Config\n  - kind: config\n    glob: \"deploy/**/*.json\"\n    key: features\npolicies: []\n")
	f.Add("\ufeffcps: [{path: a.md, repo: o/r, ref: main}]\r\nregistry: r.yaml\r\npolicies: [rego/]\r\n")
	f.Add("x: &a a.md\ncps: [{path: *a}]\nregistry: r.yaml\n---\ncps: []\n")
	f.Add("cps: [{path: ../a.md}]\nregistry: /r.yaml\nsources: [{kind: config, path: p, type: T}]\n")
	f.Add("cps: [\n")
	f.Fuzz(func(t *testing.T, src string) {
		cfg, err := Decode(".cpsgate.yaml", []byte(src))
		_, err2 := Decode(".cpsgate.yaml", []byte(src))
		if fmt.Sprint(err) != fmt.Sprint(err2) {
			t.Fatalf("two decodings differ: %v, then %v", err, err2)
		}
		// YAML also breaks lines at a lone CR, NEL, LS and PS.
		lines := strings.Count(strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n").Replace(src), "\n") + 1
		if err != nil {
			if cfg != nil {
				t.Errorf("configuration %+v returned with error %v", cfg, err)
			}
			var errs diag.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error %T is not diag.Errors: %v", err, err)
			}
			for _, e := range errs {
				if e.Pos.File != ".cpsgate.yaml" || e.Pos.Line < 1 || e.Pos.Line > lines || e.Msg == "" {
					t.Errorf("error without a position in the file: %v", e)
				}
			}
			return
		}
		if len(cfg.CPS) == 0 || cfg.Registry == "" || CheckPath(cfg.Registry) != nil {
			t.Errorf("configuration without a CPS or a valid registry: %+v", cfg)
		}
		for _, d := range cfg.CPS {
			if d.Path == "" || CheckPath(d.Path) != nil || d.Pos.Line < 1 {
				t.Errorf("bad CPS document %+v", d)
			}
		}
		for _, s := range cfg.Sources {
			ok := s.Kind == flags.KindGoStruct && s.Path != "" && s.Type != "" ||
				s.Kind == flags.KindConfig && s.Glob != "" && s.Key != ""
			if !ok || s.Pos.Line < 1 {
				t.Errorf("bad source %+v", s)
			}
		}
		for _, p := range cfg.Policies {
			if CheckPath(p) != nil {
				t.Errorf("bad policy directory %q", p)
			}
		}
	})
}

func TestDecodeCheckout(t *testing.T) {
	got, err := Decode("c.yaml", []byte("cps:\n  - path: CP-CPS.md\n    repo: example-ca/cp-cps\n    ref: v5.3\n    checkout: ../cp-cps\nregistry: r.yaml\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Document{{Path: "CP-CPS.md", Repo: "example-ca/cp-cps", Ref: "v5.3", Checkout: "../cp-cps", Pos: diag.Pos{File: "c.yaml", Line: 2, Col: 5}}}
	if diff := cmp.Diff(got.CPS, want); diff != "" {
		t.Errorf("CPS mismatch (-got +want):\n%s", diff)
	}
	if got, want := got.CPS[0].Name(), "example-ca/cp-cps@v5.3:CP-CPS.md"; got != want {
		t.Errorf("Name() = %q, want %q", got, want)
	}
}

func TestRefsChanged(t *testing.T) {
	const base = "cps:\n  - path: docs/CPS.md\n  - path: CP.md\n    repo: ca/policy\n    ref: v1\n    checkout: ../policy\nregistry: r.yaml\n"
	for _, tc := range []struct {
		name, head string
		want       []VersionChange
	}{
		{"same", base, nil},
		{"ref only", strings.Replace(base, "ref: v1", "ref: v2", 1),
			[]VersionChange{{Repo: "ca/policy", Path: "CP.md", OldRef: "v1", Ref: "v2", Pos: diag.Pos{File: "c.yaml", Line: 3, Col: 5}}}},
		{"ref and a comment, moved lines", "# CPS v2\n" + strings.Replace(base, "ref: v1", "ref: \"v2\"  # bumped", 1),
			[]VersionChange{{Repo: "ca/policy", Path: "CP.md", OldRef: "v1", Ref: "v2", Pos: diag.Pos{File: "c.yaml", Line: 4, Col: 5}}}},
		{"ref removed", strings.Replace(base, "    ref: v1\n", "", 1),
			[]VersionChange{{Repo: "ca/policy", Path: "CP.md", OldRef: "v1", Ref: "", Pos: diag.Pos{File: "c.yaml", Line: 3, Col: 5}}}},
		{"ref and registry", strings.Replace(strings.Replace(base, "ref: v1", "ref: v2", 1), "r.yaml", "s.yaml", 1), nil},
		{"ref and checkout", strings.Replace(strings.Replace(base, "ref: v1", "ref: v2", 1), "../policy", "../other", 1), nil},
		{"ref and repo", strings.Replace(strings.Replace(base, "ref: v1", "ref: v2", 1), "ca/policy", "ca/other", 1), nil},
		{"ref and path", strings.Replace(strings.Replace(base, "ref: v1", "ref: v2", 1), "CP.md", "CPS.md", 1), nil},
		{"a document more", strings.Replace(base, "registry:", "  - path: X.md\n    repo: ca/x\n    ref: v2\nregistry:", 1), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Decode("c.yaml", []byte(base))
			if err != nil {
				t.Fatal(err)
			}
			h, err := Decode("c.yaml", []byte(tc.head))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(b.RefsChanged(h), tc.want); diff != "" {
				t.Errorf("RefsChanged mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestDecodeGoTest(t *testing.T) {
	src := "cps: [{path: a.md}]\nregistry: r.yaml\nsources:\n  - kind: go-test\n    glob: \"ca/**/*_test.go\"\n  - kind: go-struct\n    path: f.go\n    type: C\n"
	got, err := Decode("c.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []TestSource{{Glob: "ca/**/*_test.go", Pos: diag.Pos{File: "c.yaml", Line: 4, Col: 5}}}
	if diff := cmp.Diff(got.Tests, want); diff != "" {
		t.Errorf("Tests mismatch (-got +want):\n%s", diff)
	}
	if len(got.Sources) != 1 || got.Sources[0].Kind != flags.KindGoStruct {
		t.Errorf("Sources = %+v, want the go-struct source only", got.Sources)
	}
	// The go-struct source reads f.go with the other Go files of its
	// package: *.go.
	_, globs := got.Paths()
	if diff := cmp.Diff(globs, []string{"*.go", "ca/**/*_test.go"}); diff != "" {
		t.Errorf("Paths globs mismatch (-got +want):\n%s", diff)
	}
	for _, tc := range []struct{ name, src, want string }{
		{"no glob", "  - kind: go-test\n", `c.yaml:4:5: a go-test source needs "glob"`},
		{"path", "  - kind: go-test\n    glob: x_test.go\n    path: a.go\n", `c.yaml:4:5: a go-test source takes glob only (for example glob: "**/*_test.go")`},
		{"escaping glob", "  - kind: go-test\n    glob: ../x/*_test.go\n", `c.yaml:4:5: glob: path "../x/*_test.go" must be clean and stay inside the repository`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode("c.yaml", []byte("cps: [{path: a.md}]\nregistry: r.yaml\nsources:\n"+tc.src))
			if diff := cmp.Diff(errText(err), tc.want); diff != "" {
				t.Errorf("error mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

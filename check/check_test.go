package check

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/gitrepo"
	"github.com/cpsgate/cpsgate/policies"
)

// files is a revision held in memory: the check package reads revisions
// only through Snapshot, so its tests need no git.
type files struct {
	name  string
	files map[string]string
}

func (f files) Name() string { return f.name }

func (f files) ReadFile(name string) ([]byte, error) {
	s, ok := f.files[name]
	if !ok {
		return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	}
	return []byte(s), nil
}

func (f files) Glob(pattern string) ([]string, error) {
	var out []string
	for name := range f.files {
		if gitrepo.Match(pattern, name) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out, nil
}

// with returns a copy of f with edits applied: "old=>new" replaces text in a
// file, and an empty string deletes it.
func (f files) with(name string, edits map[string]string) files {
	out := files{name: name, files: map[string]string{}}
	for k, v := range f.files {
		out.files[k] = v
	}
	for file, edit := range edits {
		if edit == "" {
			delete(out.files, file)
			continue
		}
		old, repl, ok := strings.Cut(edit, "=>")
		if !ok {
			out.files[file] = edit
			continue
		}
		if !strings.Contains(out.files[file], old) {
			panic(fmt.Sprintf("%s does not contain %q", file, old))
		}
		out.files[file] = strings.Replace(out.files[file], old, repl, 1)
	}
	return out
}

const cfgSrc = `cps:
  - path: cps.md
registry: registry.yaml
sources:
  - kind: config
    glob: "deploy/*.json"
    key: features
policies: [rego]
`

var baseRev = files{name: "base", files: map[string]string{
	".cpsgate.yaml": cfgSrc,
	"cps.md": "# 4. LIFE-CYCLE\n\n## 4.3 Issuance\n\n### 4.3.1 CA actions\n\nWe issue after validation.\n\n" +
		"### 4.3.2 Notification\n\nThe order carries the URL.\n",
	"registry.yaml":    "flags:\n  - name: Async\n    description: d\n    owner: o\n    status: active\n    cps: [\"4.3.1\", \"4.3.2\"]\n",
	"deploy/prod.json": `{"features": {"Async": false}}`,
	"rego/extra.rego":  "package cpsgate\n",
}}

func load(t *testing.T, snap files) *State {
	t.Helper()
	cfg, err := config.Decode(".cpsgate.yaml", []byte(cfgSrc))
	if err != nil {
		t.Fatal(err)
	}
	st, err := Load(snap, cfg, nil, false, nil)
	if err != nil {
		t.Fatalf("Load(%s): %v", snap.name, err)
	}
	return st
}

// summary is the part of the input a test looks at: changes as short strings.
func summary(in *policies.Input) []string {
	var out []string
	for _, c := range in.FlagChanges {
		out = append(out, fmt.Sprintf("flag %s %s %s%v", c.Flag, c.Change, c.Environment, c.Fields))
	}
	for _, c := range in.CPSChanges {
		out = append(out, fmt.Sprintf("cps %s %s %s", c.Section, c.Change, c.OldSection))
	}
	for _, c := range in.RegistryChanges {
		out = append(out, fmt.Sprintf("registry %s %s %s", c.Flag, c.Change, c.Detail))
	}
	for _, c := range in.PolicyChanges {
		out = append(out, fmt.Sprintf("gate %s %s %s", c.File, c.Kind, c.Change))
	}
	return out
}

func TestBuildInputChanges(t *testing.T) {
	tests := []struct {
		name  string
		edits map[string]string
		want  []string
	}{
		{name: "nothing", want: nil},
		{
			name:  "enabled in one environment",
			edits: map[string]string{"deploy/prod.json": `"Async": false=>"Async": true`},
			want:  []string{"flag Async enabled deploy/prod.json[]"},
		},
		{
			name: "link follows a renumbered section",
			edits: map[string]string{
				"cps.md":        "### 4.3.2 Notification=>### 4.3.3 Notification",
				"registry.yaml": `"4.3.2"]=>"4.3.3"]`,
			},
			want: []string{"cps 4.3.3 renumbered 4.3.2"},
		},
		{
			name: "link dropped while its section is renumbered",
			edits: map[string]string{
				"cps.md":        "### 4.3.2 Notification=>### 4.3.3 Notification",
				"registry.yaml": `, "4.3.2"]=>]`,
			},
			want: []string{"flag Async modified [cps]", "cps 4.3.3 renumbered 4.3.2", "registry Async link_removed 4.3.2"},
		},
		{
			name: "link moved to a different section than the renumbered one",
			edits: map[string]string{
				"cps.md":        "### 4.3.2 Notification=>### 4.3.3 Notification",
				"registry.yaml": `"4.3.1", "4.3.2"]=>"4.3.3"]`,
			},
			want: []string{"flag Async modified [cps]", "cps 4.3.3 renumbered 4.3.2", "registry Async link_removed 4.3.1"},
		},
		{
			name:  "section text changed",
			edits: map[string]string{"cps.md": "after validation=>after validation and linting"},
			want:  []string{"cps 4.3.1 modified "},
		},
		{
			name: "gate edited: configuration and a policy",
			edits: map[string]string{
				".cpsgate.yaml":   "policies: [rego]=>policies: [rego] # edited",
				"rego/extra.rego": "",
				"rego/new.rego":   "package cpsgate\n",
			},
			want: []string{"gate .cpsgate.yaml config modified", "gate rego/extra.rego policy removed", "gate rego/new.rego policy added"},
		},
	}
	base := load(t, baseRev)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := load(t, baseRev.with("head", tt.edits))
			got := summary(BuildInput(base, head, Change{Config: ".cpsgate.yaml"}))
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("changes (-got +want):\n%s", diff)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	cfg, err := config.Decode(".cpsgate.yaml", []byte(cfgSrc))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		edits        map[string]string
		allowMissing bool
		want         string // "" for no error
	}{
		{name: "missing CPS", edits: map[string]string{"cps.md": ""}, want: ".cpsgate.yaml:2:5: CPS document cps.md not found at the work tree"},
		{name: "missing CPS before adoption", edits: map[string]string{"cps.md": "", "registry.yaml": ""}, allowMissing: true},
		{name: "missing registry", edits: map[string]string{"registry.yaml": ""}, want: ".cpsgate.yaml:3:11: flag registry registry.yaml not found at the work tree"},
		{name: "bad registry", edits: map[string]string{"registry.yaml": "flags: [\n"}, want: "registry.yaml:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(baseRev.with("WORKTREE", tt.edits), cfg, nil, tt.allowMissing, nil)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Load: %v, want no error", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Load: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestExternalDocument(t *testing.T) {
	cfg, err := config.Decode(".cpsgate.yaml", []byte(strings.Replace(cfgSrc, "  - path: cps.md\n", "  - path: CPS.md\n    repo: ca/policy\n    ref: v1\n", 1)))
	if err != nil {
		t.Fatal(err)
	}
	snap := baseRev.with("base", map[string]string{"cps.md": ""})
	if _, err := Load(snap, cfg, nil, false, nil); err == nil || !strings.Contains(err.Error(), "repository ca/policy") {
		t.Errorf("Load without a DocReader: %v, want an error naming the repository", err)
	}
	var asked []config.Document
	reader := func(d config.Document) ([]byte, error) {
		asked = append(asked, config.Document{Repo: d.Repo, Ref: d.Ref, Path: d.Path})
		return []byte(baseRev.files["cps.md"]), nil
	}
	st, err := Load(snap, cfg, reader, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(asked, []config.Document{{Repo: "ca/policy", Ref: "v1", Path: "CPS.md"}}); diff != "" {
		t.Errorf("documents asked for (-got +want):\n%s", diff)
	}
	if st.Sections["4.3.2"] == nil {
		t.Errorf("sections of the external document not loaded: %v", st.Sections)
	}
}

func TestRunMissingReviews(t *testing.T) {
	eng, err := policies.New(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	base := load(t, baseRev)
	head := load(t, baseRev.with("head", map[string]string{"deploy/prod.json": `"Async": false=>"Async": true`}))
	out, err := Run(context.Background(), eng, base, head, Change{Config: ".cpsgate.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range out.Result.Missing {
		got = append(got, fmt.Sprintf("%s %s %q %q", m.Flag, m.Section, m.Title, m.Excerpt))
	}
	want := []string{
		`Async 4.3.1 "CA actions" "We issue after validation."`,
		`Async 4.3.2 "Notification" "The order carries the URL."`,
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("missing reviews (-got +want):\n%s", diff)
	}
	if out.Result.Pass {
		t.Error("Pass = true for a flag enabled without review")
	}
}

func TestSharedParsesIdenticalTextsOnce(t *testing.T) {
	cfg, err := config.Decode(".cpsgate.yaml", []byte(cfgSrc))
	if err != nil {
		t.Fatal(err)
	}
	var shared Shared
	head := baseRev.with("head", map[string]string{"cps.md": "after validation=>after validation and linting"})
	var base, changed *State
	var baseErr, headErr error
	var wg sync.WaitGroup
	wg.Go(func() { base, baseErr = Load(baseRev, cfg, nil, false, &shared) })
	wg.Go(func() { changed, headErr = Load(head, cfg, nil, false, &shared) })
	wg.Wait()
	if baseErr != nil || headErr != nil {
		t.Fatal(baseErr, headErr)
	}
	if base.Registry != changed.Registry {
		t.Error("the registry, the same at both revisions, was decoded twice")
	}
	if base.Docs[0] == changed.Docs[0] {
		t.Error("the CPS, edited at head, was shared")
	}
	if got := changed.Sections["4.3.1"].Text; !strings.Contains(got, "linting") {
		t.Errorf("head's 4.3.1 = %q, want the edited text", got)
	}

	// A parse error is shared too, and reported by both.
	bad := baseRev.with("bad", map[string]string{"registry.yaml": "flags: [\n"})
	for range 2 {
		if _, err := Load(bad, cfg, nil, false, &shared); err == nil || !strings.Contains(err.Error(), "registry.yaml:1") {
			t.Errorf("Load with a broken registry: %v", err)
		}
	}
}

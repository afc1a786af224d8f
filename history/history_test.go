package history

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/gitrepo"
	"github.com/cpsgate/cpsgate/internal/clone"
	"github.com/cpsgate/cpsgate/report"
)

// repo is a real git repository in a temporary directory, holding the
// demo's example CA.
type repo struct {
	t    *testing.T
	dir  string
	day  int // the day of January 2025 of the next commit
	shas []string
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	r := &repo{t: t, dir: t.TempDir(), day: 1}
	if err := os.CopyFS(r.dir, os.DirFS("../cmd/cpsgate/demo")); err != nil {
		t.Fatal(err)
	}
	r.git("init", "-q", "-b", "main")
	r.commit("Adopt cpsgate")
	return r
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	date := fmt.Sprintf("2025-01-%02dT12:00:00Z", r.day)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=bob", "GIT_AUTHOR_EMAIL=bob@example.org", "GIT_COMMITTER_NAME=bob",
		"GIT_COMMITTER_EMAIL=bob@example.org", "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	if err := cmd.Run(); err != nil {
		r.t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, errs.String())
	}
	return strings.TrimSpace(out.String())
}

// commit commits the work tree, one day after the commit before.
func (r *repo) commit(msg string) string {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "--allow-empty", "-m", msg)
	r.day++
	sha := r.git("rev-parse", "HEAD")
	r.shas = append(r.shas, sha)
	return sha
}

func (r *repo) replace(file, old, new string) {
	r.t.Helper()
	p := filepath.Join(r.dir, file)
	data, err := os.ReadFile(p)
	if err != nil {
		r.t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(old)) {
		r.t.Fatalf("%s does not contain %q", file, old)
	}
	if err := os.WriteFile(p, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) write(file, text string) {
	r.t.Helper()
	p := filepath.Join(r.dir, file)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) load(o Options) (*report.Input, error) {
	r.t.Helper()
	g, err := gitrepo.Open(context.Background(), r.dir)
	if err != nil {
		r.t.Fatal(err)
	}
	defer g.Close()
	if o.Config == "" {
		o.Config = config.DefaultFile
	}
	if o.Branch == "" {
		o.Branch = "HEAD"
	}
	return Load(context.Background(), g, o)
}

// step is what a test checks of a step.
type step struct {
	Subject  string
	Flags    int // flags known after the commit (registry and sources)
	Sections int
	Settings int
	Problems []string
}

func steps(in *report.Input) []step {
	var out []step
	for _, s := range in.Steps {
		names := map[string]bool{}
		if s.After.Registry != nil {
			for _, e := range s.After.Registry.Flags {
				names[e.Name] = true
			}
		}
		for _, d := range s.After.Inventory.Defs {
			names[d.Flag] = true
		}
		out = append(out, step{Subject: s.Commit.Subject, Flags: len(names), Sections: len(s.After.Sections),
			Settings: s.After.Inventory.NumSettings(), Problems: s.Problems})
	}
	return out
}

func TestLoadSteps(t *testing.T) {
	r := newRepo(t)
	r.replace("deploy/prod.json", `"AsyncFinalize": false`, `"AsyncFinalize": true`)
	r.commit("Enable AsyncFinalize")
	r.write("README", "not a configured path\n")
	r.commit("Unrelated")
	r.write("deploy/canary/canary.json", `{"features": {"AsyncFinalize": true}}`)
	r.commit("Add a canary")
	r.replace("flags/registry.yaml", "flags:\n", "flags: [\n")
	r.commit("Break the registry")
	r.replace("flags/registry.yaml", "flags: [\n", "flags:\n")
	r.commit("Repair the registry")
	r.replace("docs/CPS.md", "## 4.3 Certificate issuance", "## 4.3 Issuance of certificates")
	r.commit("Retitle 4.3")

	in, err := r.load(Options{From: r.shas[0], To: "HEAD"})
	if err != nil {
		t.Fatal(err)
	}
	if in.Base != r.shas[0] || in.Head != r.shas[len(r.shas)-1] || in.Commits != 6 {
		t.Errorf("base %s head %s commits %d; want %s %s 6", in.Base, in.Head, in.Commits, r.shas[0], r.shas[len(r.shas)-1])
	}
	got := steps(in)
	// The registry does not decode at "Break the registry": its problem is
	// reported and the registry before is carried over.
	for i := range got {
		for j, p := range got[i].Problems {
			got[i].Problems[j] = strings.SplitN(p, ":", 2)[0]
		}
	}
	want := []step{
		{Subject: "Enable AsyncFinalize", Flags: 3, Sections: len(in.Start.Sections), Settings: 5},
		{Subject: "Add a canary", Flags: 3, Sections: len(in.Start.Sections), Settings: 6},
		{Subject: "Break the registry", Flags: 3, Sections: len(in.Start.Sections), Settings: 6, Problems: []string{"flags/registry.yaml"}},
		{Subject: "Repair the registry", Flags: 3, Sections: len(in.Start.Sections), Settings: 6},
		{Subject: "Retitle 4.3", Flags: 3, Sections: len(in.Start.Sections), Settings: 6},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("steps (-got +want):\n%s", diff)
	}
	// A step's state before is the state after the step before.
	for i := 1; i < len(in.Steps); i++ {
		if in.Steps[i].Before != in.Steps[i-1].After {
			t.Errorf("step %d: Before is not the state after step %d", i, i-1)
		}
	}
	if in.Steps[0].Before != in.Start {
		t.Error("the first step does not start from the base")
	}
	// A commit that touches no source shares the inventory of the one before.
	if in.Steps[4].After.Inventory != in.Steps[3].After.Inventory {
		t.Error("retitling the CPS re-read the sources")
	}
	if in.Steps[4].After.Registry != in.Steps[3].After.Registry {
		t.Error("retitling the CPS re-read the registry")
	}
}

func TestLoadDates(t *testing.T) {
	r := newRepo(t) // 2025-01-01
	for i := range 4 {
		r.write(fmt.Sprintf("deploy/env%d.json", i), `{"features": {"AsyncFinalize": true}}`)
		r.commit(fmt.Sprintf("env %d", i)) // 2025-01-02 .. 05
	}
	r.git("tag", "v1", r.shas[2])
	tests := []struct {
		from, to  string
		steps     []string
		base      string
		tags      []string
		wantError string
	}{
		{from: "2025-01-03", to: "2025-01-04", steps: []string{"env 1", "env 2"}, base: r.shas[1], tags: []string{"v1"}},
		{from: "2024-12-01", to: "2025-01-02", steps: []string{"Adopt cpsgate", "env 0"}, base: ""},
		{from: "2025-01-05", to: "2025-01-05", steps: []string{"env 3"}, base: r.shas[3]},
		{from: "2025-01-05", to: "2025-01-03", wantError: "--from 2025-01-05 is after --to 2025-01-03"},
		{from: "2025-02-30", to: "2025-03-01", wantError: "not a valid date"},
		{from: "nosuchref", to: "HEAD", wantError: `--from "nosuchref" is neither a date`},
		{from: "2024-01-01", to: "2024-02-01", wantError: "no commit of HEAD is dated on or before --to 2024-02-01"},
		{from: r.shas[3], to: r.shas[1], wantError: "is not on the first-parent history"},
	}
	for _, tt := range tests {
		t.Run(tt.from+".."+tt.to, func(t *testing.T) {
			in, err := r.load(Options{From: tt.from, To: tt.to})
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) {
					t.Fatalf("error %v; want one saying %q", err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range in.Steps {
				got = append(got, s.Commit.Subject)
			}
			if diff := cmp.Diff(got, tt.steps); diff != "" {
				t.Errorf("steps (-got +want):\n%s", diff)
			}
			if in.Base != tt.base {
				t.Errorf("base %q; want %q", in.Base, tt.base)
			}
			var tags []string
			for _, tag := range in.Tags {
				tags = append(tags, tag.Name)
			}
			if diff := cmp.Diff(tags, tt.tags); diff != "" {
				t.Errorf("tags (-got +want):\n%s", diff)
			}
		})
	}
}

func TestLoadConfigurationChanges(t *testing.T) {
	r := newRepo(t)
	// A source added to the configuration: the state is read afresh.
	r.replace(".cpsgate.yaml", "policies: []", "  - kind: config\n    glob: \"extra/*.yaml\"\n    key: flags\npolicies: []")
	r.write("extra/x.yaml", "flags:\n  NewFlag: true\n")
	r.commit("Watch extra")
	// An invalid configuration is a problem; the state before is kept.
	r.replace(".cpsgate.yaml", "registry: flags/registry.yaml", "registry: [")
	r.commit("Break the configuration")
	// Removed: not configured, nothing known.
	r.git("rm", "-q", ".cpsgate.yaml")
	r.commit("Remove cpsgate")

	in, err := r.load(Options{From: r.shas[0], To: "HEAD"})
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Steps) != 3 {
		t.Fatalf("%d steps; want 3", len(in.Steps))
	}
	if got := in.Steps[0].After.Inventory.SettingList(); len(got) != 6 || got[len(got)-1].Flag != "NewFlag" {
		t.Errorf("after Watch extra: settings %v; want the 5 deploy settings and NewFlag", got)
	}
	if p := in.Steps[1].Problems; len(p) != 1 || !strings.Contains(p[0], "configuration") {
		t.Errorf("after Break the configuration: problems %q; want the configuration's", p)
	}
	if in.Steps[1].After.Registry != in.Steps[0].After.Registry {
		t.Error("an unreadable configuration did not carry the state over")
	}
	if st := in.Steps[2].After; st.Registry != nil || len(st.Sections) != 0 {
		t.Error("without a configuration, the state is not empty")
	}
}

func TestLoadNotConfigured(t *testing.T) {
	r := newRepo(t)
	_, err := r.load(Options{From: r.shas[0], To: "HEAD", Config: "other.yaml"})
	if err == nil || !strings.Contains(err.Error(), "other.yaml not found at the end of the period") {
		t.Fatalf("error %v; want not configured", err)
	}
}

func TestLoadExternalCPS(t *testing.T) {
	r := newRepo(t)
	r.replace(".cpsgate.yaml", "  - path: docs/CPS.md", "  - path: CPS.md\n    repo: example-ca/cps\n    ref: v1")
	r.commit("CPS in its own repository")
	cpsText, err := os.ReadFile(filepath.Join(r.dir, "docs/CPS.md"))
	if err != nil {
		t.Fatal(err)
	}
	var asked []string
	external := func(d config.Document) (clone.Doc, error) {
		asked = append(asked, d.Repo+"@"+d.Ref)
		return clone.Doc{Data: cpsText, Version: "v1", Source: "tag"}, nil
	}
	in, err := r.load(Options{From: r.shas[0], To: "HEAD", External: external})
	if err != nil {
		t.Fatal(err)
	}
	st := in.Steps[0].After
	if len(st.Sections) != len(in.Start.Sections) {
		t.Errorf("%d sections from the other repository; want %d", len(st.Sections), len(in.Start.Sections))
	}
	if diff := cmp.Diff(in.Steps[0].Versions, []report.DocVersion{{File: "example-ca/cps:CPS.md", Version: "v1", Source: "tag"}}); diff != "" {
		t.Errorf("versions (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(asked, []string{"example-ca/cps@v1"}); diff != "" {
		t.Errorf("documents read (-got +want):\n%s", diff)
	}
	// Without a reader, there is no report rather than a false one.
	if _, err := r.load(Options{From: r.shas[0], To: "HEAD"}); err == nil || !strings.Contains(err.Error(), "which the report cannot read") {
		t.Errorf("error %v; want the document that cannot be read", err)
	}
}

func TestLiteralDir(t *testing.T) {
	tests := map[string]string{
		"deploy/**/*.json": "deploy",
		"a/b/c.json":       "a/b",
		"*.json":           "",
		"a/*/b/*.yaml":     "a",
		"x/{a,b}/c":        "x",
	}
	for glob, want := range tests {
		if got := literalDir(glob); got != want {
			t.Errorf("literalDir(%q) = %q; want %q", glob, got, want)
		}
	}
}

// TestLoadReadsSourcesAsCheck holds every state's inventory equal to what
// check reads at that commit (flags.Discover of all the sources at once):
// a configuration key names the flag of the Go field whose tag it matches,
// not a flag of its own name, and a file the sources stop reading leaves
// their files. Before, history read each source alone: the report showed
// an unregistered flag use_foo where check denied the change to UseFoo.
func TestLoadReadsSourcesAsCheck(t *testing.T) {
	r := newRepo(t)
	r.replace("features/features.go", "\tECDSAForAll bool\n", "\tECDSAForAll bool\n\n\t// UseFoo turns on foo.\n\tUseFoo bool `json:\"use_foo\"`\n")
	r.commit("Add UseFoo")
	r.write("deploy/canary/canary.json", `{"features": {"use_foo": true, "AsyncFinalize": true}}`)
	r.commit("Enable use_foo on a canary")
	r.replace("deploy/canary/canary.json", `"use_foo": true`, `"use_foo": false`)
	r.commit("Disable it")
	if err := os.Remove(filepath.Join(r.dir, "deploy/canary/canary.json")); err != nil {
		t.Fatal(err)
	}
	r.commit("Drop the canary")
	in, err := r.load(Options{From: r.shas[0], To: "HEAD"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := gitrepo.Open(context.Background(), r.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	cfg, err := config.Decode(config.DefaultFile, []byte(r.git("show", "HEAD:"+config.DefaultFile)))
	if err != nil {
		t.Fatal(err)
	}
	sawFoo := false
	for _, s := range in.Steps {
		want, err := flags.Discover(g.Commit(s.Commit.SHA), cfg.Sources)
		if err != nil {
			t.Fatal(err)
		}
		got := s.After.Inventory
		if diff := cmp.Diff(got.SettingList(), want.SettingList()); diff != "" {
			t.Errorf("%s: settings (-history +check):\n%s", s.Commit.Subject, diff)
		}
		if diff := cmp.Diff(got.Files, want.Files); diff != "" {
			t.Errorf("%s: files (-history +check):\n%s", s.Commit.Subject, diff)
		}
		for set := range got.EachSetting() {
			sawFoo = sawFoo || set.Flag == "UseFoo"
		}
	}
	if !sawFoo {
		t.Error("no state sets UseFoo")
	}
}

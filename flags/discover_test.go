package flags

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cpsgate/cpsgate/diag"
)

// mapFS is an in-memory FS: file paths to contents.
type mapFS map[string]string

func (m mapFS) ReadFile(name string) ([]byte, error) {
	src, ok := m[name]
	if !ok {
		return nil, fmt.Errorf("open %s: %w", name, fs.ErrNotExist)
	}
	return []byte(src), nil
}

func (m mapFS) Glob(pattern string) ([]string, error) {
	if _, err := path.Match(pattern, ""); err != nil {
		return nil, err
	}
	var out []string
	for name := range m {
		if globMatch(strings.Split(pattern, "/"), strings.Split(name, "/")) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out, nil
}

// globMatch matches path segments against pattern segments, where "**"
// matches any number of segments.
func globMatch(pattern, name []string) bool {
	if len(pattern) == 0 {
		return len(name) == 0
	}
	if pattern[0] == "**" {
		for i := 0; i <= len(name); i++ {
			if globMatch(pattern[1:], name[i:]) {
				return true
			}
		}
		return false
	}
	if len(name) == 0 {
		return false
	}
	ok, _ := path.Match(pattern[0], name[0])
	return ok && globMatch(pattern[1:], name[1:])
}

func TestMapFSGlob(t *testing.T) {
	fsys := mapFS{"a.json": "", "deploy/a.json": "", "deploy/x/y/b.json": "", "deploy/x/c.yaml": ""}
	tests := []struct {
		pattern string
		want    []string
	}{
		{"deploy/**/*.json", []string{"deploy/a.json", "deploy/x/y/b.json"}},
		{"**/*.json", []string{"a.json", "deploy/a.json", "deploy/x/y/b.json"}},
		{"deploy/*", []string{"deploy/a.json"}},
		{"*.yaml", nil},
	}
	for _, tt := range tests {
		got, err := fsys.Glob(tt.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("Glob(%q) mismatch (-got +want):\n%s", tt.pattern, diff)
		}
	}
}

func TestDiscover(t *testing.T) {
	specPos := diag.Pos{File: ".cpsgate.yaml", Line: 7, Col: 5}
	fsys := mapFS{
		"features/features.go":      "package features\n\n// Config is the flags.\ntype Config struct {\n\t// B is b.\n\tB bool\n\tA bool\n}\n",
		"features/more.go":          "package features\n\ntype Config2 struct{ A bool }\n",
		"features/features_test.go": "package features\n\ntype Config struct{ T bool }\n",
		"broken/x.go":               "package broken\nfunc {\n",
		"empty/README.md":           "",
		"deploy/prod.json":          `{"features": {"B": true, "A": false}}`,
		"deploy/eu/prod.yaml":       "ra:\n  features:\n    a: true\n",
		"deploy/bad.json":           `{"features": {"A": "on"}}`,
	}
	goSpec := func(p, typ string) SourceSpec {
		return SourceSpec{Kind: KindGoStruct, Path: p, Type: typ, Pos: specPos}
	}
	cfgSpec := func(glob, env string) SourceSpec {
		return SourceSpec{Kind: KindConfig, Glob: glob, Key: "features", Environment: env, Pos: specPos}
	}
	def := func(flag, desc, file string, line, col int) Definition {
		return Definition{Flag: flag, Kind: KindGoStruct, Description: desc, JSONKey: flag, YAMLKey: strings.ToLower(flag), Pos: diag.Pos{File: file, Line: line, Col: col}}
	}
	tests := []struct {
		name    string
		specs   []SourceSpec
		want    *Inventory
		wantErr string
	}{
		{
			name:  "directory, file and config sources, sorted",
			specs: []SourceSpec{goSpec("features/", "Config"), goSpec("features/more.go", "Config2"), cfgSpec("deploy/**/prod.*", "")},
			want: &Inventory{
				Defs: []Definition{
					def("A", "", "features/features.go", 7, 2),
					def("A", "", "features/more.go", 3, 22),
					def("B", "B is b.", "features/features.go", 6, 2),
				},
				ListedSettings: []Setting{
					{Flag: "A", Key: "a", Kind: KindConfig, Env: "deploy/eu/prod.yaml", Path: "ra.features", Value: true, Pos: diag.Pos{File: "deploy/eu/prod.yaml", Line: 3, Col: 5}},
					{Flag: "A", Kind: KindConfig, Env: "deploy/prod.json", Path: "features", Value: false, Pos: diag.Pos{File: "deploy/prod.json", Line: 1, Col: 26}},
					{Flag: "B", Kind: KindConfig, Env: "deploy/prod.json", Path: "features", Value: true, Pos: diag.Pos{File: "deploy/prod.json", Line: 1, Col: 15}},
				},
				Files: []string{"deploy/eu/prod.yaml", "deploy/prod.json"},
			},
		},
		{
			name:  "named environment",
			specs: []SourceSpec{cfgSpec("deploy/*/prod.yaml", "prod")},
			want: &Inventory{ListedSettings: []Setting{
				{Flag: "a", Kind: KindConfig, Env: "prod", Path: "ra.features", Value: true, Pos: diag.Pos{File: "deploy/eu/prod.yaml", Line: 3, Col: 5}},
			}, Files: []string{"deploy/eu/prod.yaml"}},
		},
		{
			name:  "no sources",
			specs: nil,
			want:  &Inventory{},
		},
		{
			name: "every error collected",
			specs: []SourceSpec{
				goSpec("features/", "Missing"),
				goSpec("broken", "Config"),
				goSpec("empty", "Config"),
				goSpec("nofile.go", "Config"),
				cfgSpec("nothing/*.json", ""),
				cfgSpec("deploy/bad.json", ""),
				{Kind: "toml", Pos: specPos},
				{Kind: KindConfig, Glob: "deploy/*.json", Pos: specPos},
			},
			wantErr: strings.Join([]string{
				".cpsgate.yaml:7:5: a config source needs a glob and a key",
				`.cpsgate.yaml:7:5: glob "nothing/*.json" matches no file`,
				".cpsgate.yaml:7:5: no Go files in empty",
				".cpsgate.yaml:7:5: open nofile.go: file does not exist",
				".cpsgate.yaml:7:5: type Missing not found in features/",
				`.cpsgate.yaml:7:5: unknown source kind "toml" (want config, go-enum or go-struct)`,
				"broken/x.go:2:6: expected 'IDENT', found '{'",
				`deploy/bad.json:1:20: flag A under features must be true or false, got "on"`,
			}, "\n"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Discover(fsys, tt.specs)
			if diff := cmp.Diff(errString(err), tt.wantErr); diff != "" {
				t.Errorf("error mismatch (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(listed(got), tt.want, cmpopts.IgnoreFields(Inventory{}, "Digests", "FileKinds"), cmpopts.IgnoreUnexported(Inventory{})); diff != "" {
				t.Errorf("inventory mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

// TestDigests: a config file's digest changes with its content and with how
// a source reads it, and the diff skips a file whose digest is the same at
// both revisions.
func TestDigests(t *testing.T) {
	spec := SourceSpec{Kind: KindConfig, Glob: "deploy/*.json", Key: "features"}
	read := func(fsys mapFS, spec SourceSpec) *Inventory {
		t.Helper()
		inv, err := Discover(fsys, []SourceSpec{spec})
		if err != nil {
			t.Fatal(err)
		}
		return inv
	}
	a := read(mapFS{"deploy/a.json": `{"features": {"X": true}}`, "deploy/b.json": `{"features": {"X": false}}`}, spec)
	b := read(mapFS{"deploy/a.json": `{"features": {"X": true}}`, "deploy/b.json": `{"features": {"X": true}}`}, spec)
	if a.Digests["deploy/a.json"] != b.Digests["deploy/a.json"] || a.Digests["deploy/b.json"] == b.Digests["deploy/b.json"] {
		t.Errorf("digests: same content must match, other content must not: %v %v", a.Digests, b.Digests)
	}
	env := spec
	env.Environment = "prod"
	if c := read(mapFS{"deploy/a.json": `{"features": {"X": true}}`}, env); c.Digests["deploy/a.json"] == a.Digests["deploy/a.json"] {
		t.Error("the digest does not depend on the environment the source names")
	}
	// The same file read through another struct type (a key now sets
	// another field) is not the same file.
	structs := mapFS{"f.go": "package f\ntype C struct{ X bool }\n", "deploy/a.json": `{"features": {"X": true}}`}
	tagged := mapFS{"f.go": "package f\ntype C struct{ X bool `json:\"Y\"` }\n", "deploy/a.json": `{"features": {"X": true}}`}
	goSpec := SourceSpec{Kind: KindGoStruct, Path: "f.go", Type: "C"}
	i1, err1 := Discover(structs, []SourceSpec{goSpec, spec})
	i2, err2 := Discover(tagged, []SourceSpec{goSpec, spec})
	if err1 != nil || err2 == nil && i1.Digests["deploy/a.json"] == i2.Digests["deploy/a.json"] {
		t.Errorf("digests under another struct: %v %v (%v, %v)", i1, i2, err1, err2)
	}
	got := Diff(State{Inventory: a}, State{Inventory: b})
	want := []Change{{Flag: "X", Kind: Enabled, Env: "deploy/b.json", Path: "features", Pos: diag.Pos{File: "deploy/b.json", Line: 1, Col: 15}}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("diff mismatch (-got +want):\n%s", diff)
	}
}

func BenchmarkDiscover(b *testing.B) {
	var src strings.Builder
	src.WriteString("package features\n\n// Config holds the flags.\ntype Config struct {\n")
	for i := range 50 {
		fmt.Fprintf(&src, "\t// Flag%d turns on behaviour %d\n\t// described in section 4.%d.\n\tFlag%d bool\n", i, i, i, i)
	}
	src.WriteString("}\n")
	fsys := mapFS{"features/features.go": src.String()}
	for i := range 30 {
		var cfg strings.Builder
		cfg.WriteString("{\n  \"name\": \"env\",\n  \"ra\": {\"features\": {\n")
		for j := range 50 {
			fmt.Fprintf(&cfg, "    \"Flag%d\": %v,\n", j, (i+j)%2 == 0)
		}
		cfg.WriteString("    \"Last\": true\n  }}\n}\n")
		fsys[fmt.Sprintf("deploy/env%02d/config.json", i)] = cfg.String()
	}
	specs := []SourceSpec{
		{Kind: KindGoStruct, Path: "features", Type: "Config"},
		{Kind: KindConfig, Glob: "deploy/**/*.json", Key: "features"},
	}
	b.ReportAllocs()
	for b.Loop() {
		inv, err := Discover(fsys, specs)
		if err != nil || len(inv.Defs) != 50 || inv.NumSettings() != 30*51 {
			b.Fatalf("Discover: %v", err)
		}
	}
}

func TestDiscoverLimits(t *testing.T) {
	specPos := diag.Pos{File: ".cpsgate.yaml", Line: 7, Col: 5}
	manyFiles := mapFS{}
	for i := range MaxSourceFiles + 1 {
		manyFiles[fmt.Sprintf("deploy/%04d.json", i)] = `{"features": {"A": true}}`
	}
	var manyFlags strings.Builder
	manyFlags.WriteString("{\"features\": {\n")
	for i := range MaxFlags + 1 {
		fmt.Fprintf(&manyFlags, "\"F%06d\": true,\n", i)
	}
	manyFlags.WriteString("\"Last\": false}}\n")
	tests := []struct {
		name    string
		fsys    mapFS
		spec    SourceSpec
		wantErr string
	}{
		{
			name:    "a glob over MaxSourceFiles",
			fsys:    manyFiles,
			spec:    SourceSpec{Kind: KindConfig, Glob: "deploy/*.json", Key: "features", Pos: specPos},
			wantErr: fmt.Sprintf(".cpsgate.yaml:7:5: deploy/*.json matches %d files, more than the limit of %d (flags.MaxSourceFiles)", MaxSourceFiles+1, MaxSourceFiles),
		},
		{
			name:    "more than MaxFlags flags",
			fsys:    mapFS{"deploy/prod.json": manyFlags.String()},
			spec:    SourceSpec{Kind: KindConfig, Glob: "deploy/*.json", Key: "features", Pos: specPos},
			wantErr: fmt.Sprintf("deploy/prod.json:%d:1: the sources declare %d distinct flags, more than the limit of %d (flags.MaxFlags)", MaxFlags+2, MaxFlags+2, MaxFlags),
		},
		{
			name:    "a Go file over MaxGoSourceSize",
			fsys:    mapFS{"f.go": "package f\n" + strings.Repeat("//\n", MaxGoSourceSize/3)},
			spec:    SourceSpec{Kind: KindGoStruct, Path: "f.go", Type: "Config", Pos: specPos},
			wantErr: fmt.Sprintf("f.go:1: Go source is %d bytes, over the limit of %d", 10+3*(MaxGoSourceSize/3), MaxGoSourceSize),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Discover(tt.fsys, []SourceSpec{tt.spec})
			if diff := cmp.Diff(errString(err), tt.wantErr); diff != "" {
				t.Errorf("error mismatch (-got +want):\n%s", diff)
			}
			if got != nil {
				t.Errorf("inventory returned with the error")
			}
		})
	}
}

// listed returns inv with its settings as a list (nil for nil), for
// comparing with an inventory built by hand.
func listed(inv *Inventory) *Inventory {
	if inv == nil {
		return nil
	}
	out := *inv
	out.ListedSettings, out.joined = inv.SettingList(), nil
	return &out
}

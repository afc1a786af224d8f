package flags

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

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
				Settings: []Setting{
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
			want: &Inventory{Settings: []Setting{
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
				`.cpsgate.yaml:7:5: unknown source kind "toml" (want go-struct, go-enum or config)`,
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
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("inventory mismatch (-got +want):\n%s", diff)
			}
		})
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
		if err != nil || len(inv.Defs) != 50 || len(inv.Settings) != 30*51 {
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

package flags

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/diag"
)

func TestExtractConfig(t *testing.T) {
	set := func(file, flag, path string, value bool, line, col int) Setting {
		return Setting{Flag: flag, Kind: KindConfig, Env: file, Path: path, Value: value, Pos: diag.Pos{File: file, Line: line, Col: col}}
	}
	tests := []struct {
		name    string
		file    string
		src     string
		env     string
		want    []Setting
		wantErr string
	}{
		{
			name: "json top level and nested",
			file: "deploy/prod.json",
			src: `{
  "features": {"AsyncFinalize": true, "StrictCAA": false},
  "ra": {"features": {
    "AsyncFinalize": false
  }},
  "other": {"x": "features"}
}`,
			want: []Setting{
				set("deploy/prod.json", "AsyncFinalize", "features", true, 2, 16),
				set("deploy/prod.json", "StrictCAA", "features", false, 2, 39),
				set("deploy/prod.json", "AsyncFinalize", "ra.features", false, 4, 5),
			},
		},
		{
			name: "json arrays and environment name",
			file: "a.json",
			env:  "prod",
			src:  `[{"features": {"A": true}}, 1, [{"features": {"B": false}}]]`,
			want: []Setting{
				{Flag: "A", Kind: KindConfig, Env: "prod", Path: "[0].features", Value: true, Pos: diag.Pos{File: "a.json", Line: 1, Col: 16}},
				{Flag: "B", Kind: KindConfig, Env: "prod", Path: "[2][0].features", Value: false, Pos: diag.Pos{File: "a.json", Line: 1, Col: 47}},
			},
		},
		{
			name: "json escaped key",
			file: "a.json",
			src:  `{"features" : {"A\u00e9" :true}}`,
			want: []Setting{set("a.json", "Aé", "features", true, 1, 16)},
		},
		{
			name: "json empty map and null",
			file: "a.json",
			src:  `{"features": {}, "ra": {"features": null}}`,
		},
		{
			name:    "json non-bool value with exact line",
			file:    "a.json",
			src:     "{\n  \"ra\": {\n    \"features\": {\n      \"A\": true,\n      \"X\": \"yes\"\n    }\n  }\n}\n",
			wantErr: `a.json:5:12: flag X under ra.features must be true or false, got "yes"`,
		},
		{
			name: "json several errors collected",
			file: "a.json",
			src:  `{"features": {"A": 1, "B": null, "C": [], "D": "true"}, "x": {"features": [true]}}`,
			wantErr: strings.Join([]string{
				`a.json:1:20: flag A under features must be true or false, got 1`,
				`a.json:1:28: flag B under features must be true or false, got null`,
				`a.json:1:39: flag C under features must be true or false, got an array`,
				`a.json:1:48: flag D under features must be true or false, got "true"`,
				`a.json:1:75: x.features must be an object of flag names to true or false, got an array`,
			}, "\n"),
		},
		{
			name:    "json duplicate key",
			file:    "a.json",
			src:     "{\"features\": {\n\"A\": true,\n\"A\": false}}",
			wantErr: `a.json:3:1: duplicate key "A" (first at line 2)`,
		},
		{
			name:    "json duplicate key outside flag map",
			file:    "a.json",
			src:     `{"a": 1, "a": 2}`,
			wantErr: `a.json:1:10: duplicate key "a" (first at line 1)`,
		},
		{
			name:    "json empty flag name",
			file:    "a.json",
			src:     `{"features": {"": true}}`,
			wantErr: `a.json:1:15: empty flag name under features`,
		},
		{
			name: "json CRLF and BOM",
			file: "a.json",
			src:  "\uFEFF{\r\n\"features\": {\r\n  \"A\": true\r\n}\r\n}\r\n",
			want: []Setting{set("a.json", "A", "features", true, 3, 3)},
		},
		{
			name:    "json syntax error",
			file:    "a.json",
			src:     "{\n\"features\": {\"A\": tru}}",
			wantErr: `a.json:2:19: invalid character '}' in literal true (expecting 'e')`,
		},
		{
			name:    "json trailing comma",
			file:    "a.json",
			src:     `{"features": {"A": true,}}`,
			wantErr: `a.json:1:25: invalid character '}' looking for beginning of object key string`,
		},
		{
			name:    "json truncated",
			file:    "a.json",
			src:     "{\"features\": {\"A\": true",
			wantErr: `a.json:1:24: unexpected end of JSON input`,
		},
		{
			name:    "json empty file",
			file:    "a.json",
			src:     "",
			wantErr: `a.json:1:1: unexpected end of JSON input`,
		},
		{
			name:    "json trailing data",
			file:    "a.json",
			src:     "{}\n{}",
			wantErr: `a.json:2:1: unexpected data after the top-level JSON value`,
		},
		{
			name:    "json too deep",
			file:    "a.json",
			src:     strings.Repeat("[", MaxConfigDepth+1) + strings.Repeat("]", MaxConfigDepth+1),
			wantErr: fmt.Sprintf("a.json:1:%d: nested deeper than %d levels", MaxConfigDepth+1, MaxConfigDepth),
		},
		{
			name: "json at the depth limit",
			file: "a.json",
			src:  strings.Repeat("[", MaxConfigDepth-2) + `{"features": {}}` + strings.Repeat("]", MaxConfigDepth-2),
		},
		{
			name: "yaml nested, arrays, 1.2 booleans",
			file: "deploy/prod.yaml",
			src: `features:
  A: true
  B: False
ra:
  features: {C: TRUE}
envs:
  - name: x
    features:
      D: false
`,
			want: []Setting{
				set("deploy/prod.yaml", "A", "features", true, 2, 3),
				set("deploy/prod.yaml", "B", "features", false, 3, 3),
				set("deploy/prod.yaml", "C", "ra.features", true, 5, 14),
				set("deploy/prod.yaml", "D", "envs[0].features", false, 9, 7),
			},
		},
		{
			name:    "yaml 1.1 boolean is not a boolean",
			file:    "a.yml",
			src:     "ra:\n  features:\n    A: true\n    X: yes\n",
			wantErr: `a.yml:4:8: flag X under ra.features must be true or false, got "yes"`,
		},
		{
			name:    "yaml quoted boolean and number",
			file:    "a.yml",
			src:     "features:\n  X: \"true\"\n  Y: 0\n",
			wantErr: "a.yml:2:6: flag X under features must be true or false, got \"true\"\na.yml:3:6: flag Y under features must be true or false, got 0",
		},
		{
			name:    "yaml duplicate key",
			file:    "a.yaml",
			src:     "features:\n  A: true\n  A: false\n",
			wantErr: `a.yaml:3:3: duplicate key "A" (first at line 2)`,
		},
		{
			name:    "yaml value under key not a map",
			file:    "a.yaml",
			src:     "features:\n  - A\n",
			wantErr: `a.yaml:2:3: features must be an object of flag names to true or false, got an array`,
		},
		{
			name:    "yaml scalar under key",
			file:    "a.yaml",
			src:     "features: on\n",
			wantErr: `a.yaml:1:11: features must be an object of flag names to true or false, got "on"`,
		},
		{
			name: "yaml empty map, null, empty file",
			file: "a.yaml",
			src:  "features: {}\nra:\n  features:\n",
		},
		{
			name: "yaml empty file",
			file: "a.yaml",
			src:  "",
		},
		{
			name: "yaml CRLF and BOM",
			file: "a.yaml",
			src:  "\uFEFFfeatures:\r\n  A: true\r\n",
			want: []Setting{set("a.yaml", "A", "features", true, 2, 3)},
		},
		{
			name: "yaml anchors, aliases and merge keys",
			file: "a.yaml",
			src: `common: &common
  A: true
  B: true
prod:
  features: *common
staging:
  features:
    <<: *common
    B: false
`,
			want: []Setting{
				set("a.yaml", "A", "prod.features", true, 2, 3),
				set("a.yaml", "B", "prod.features", true, 3, 3),
				set("a.yaml", "A", "staging.features", true, 2, 3),
				set("a.yaml", "B", "staging.features", false, 9, 5),
			},
		},
		{
			name: "yaml multiple documents",
			file: "a.yaml",
			src:  "features: {A: true}\n---\nfeatures: {A: false}\n",
			want: []Setting{
				set("a.yaml", "A", "features", true, 1, 12),
				set("a.yaml", "A", "[doc 2].features", false, 3, 12),
			},
		},
		{
			name:    "the key in another case",
			file:    "a.json",
			src:     `{"features": {"A": false}, "ra": {"Features": {"A": true}}}`,
			wantErr: `a.json:1:35: key "Features" differs from the configured key "features" only in case; a Go program may read it as the same key, so rename it`,
		},
		{
			name:    "yaml syntax error",
			file:    "a.yaml",
			src:     "features:\n  A: true\n B: [\n",
			wantErr: `a.yaml:3: invalid YAML: did not find expected key`,
		},
		{
			name:    "yaml too deep",
			file:    "a.yaml",
			src:     strings.Repeat("[", MaxConfigDepth+1) + strings.Repeat("]", MaxConfigDepth+1),
			wantErr: fmt.Sprintf("a.yaml:1:%d: nested deeper than %d levels", MaxConfigDepth+1, MaxConfigDepth),
		},
		{
			name:    "unsupported type",
			file:    "a.toml",
			src:     "features = {}",
			wantErr: `a.toml:1: unsupported config file type ".toml" (want .json, .yaml or .yml)`,
		},
		{
			name:    "too large",
			file:    "a.json",
			src:     strings.Repeat(" ", MaxConfigSize+1),
			wantErr: fmt.Sprintf("a.json:1: config file is %d bytes, over the limit of %d", MaxConfigSize+1, MaxConfigSize),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ExtractConfig(tt.file, []byte(tt.src), "features", tt.env)
			if diff := cmp.Diff(errString(err), tt.wantErr); diff != "" {
				t.Errorf("error mismatch (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("settings mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func FuzzExtractConfig(f *testing.F) {
	f.Add(false, []byte(`{"features": {"A": true}, "ra": [{"features": {"B": false}}]}`))
	f.Add(false, []byte("\uFEFF{\r\n\"features\": {\"A\": \"yes\", \"A\": 1}}"))
	f.Add(true, []byte("features:\n  A: true\nra:\n  features: {B: no}\n"))
	f.Add(true, []byte("c: &c {A: true}\nfeatures:\n  <<: [*c, *c]\n  B: false\n---\nfeatures: *c\n"))
	f.Add(true, []byte("[[[[{features: [}]]]"))
	f.Fuzz(func(t *testing.T, isYAML bool, src []byte) {
		file := "a.json"
		if isYAML {
			file = "a.yaml"
		}
		settings, err := ExtractConfig(file, src, "features", "")
		if err != nil {
			if settings != nil {
				t.Errorf("settings returned with error %v", err)
			}
			return
		}
		for _, s := range settings {
			if s.Kind != KindConfig || s.Env != file || s.Pos.File != file || s.Pos.Line < 1 || s.Pos.Col < 1 || s.Flag == "" {
				t.Errorf("bad setting %+v", s)
			}
			if !strings.HasSuffix(s.Path, "features") {
				t.Errorf("path %q does not end in the key", s.Path)
			}
		}
	})
}

// mergeHeavyYAML is a YAML config of about size bytes that merges one large
// anchor (n keys and a flag map) into as many mappings as fit.
func mergeHeavyYAML(size, n int) []byte {
	var b strings.Builder
	b.WriteString("base: &base\n  features:\n    AsyncFinalize: true\n")
	for i := range n {
		fmt.Fprintf(&b, "  key%d: value%d\n", i, i)
	}
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "svc%d: {<<: *base, name: s%d}\n", i, i)
	}
	return []byte(b.String())
}

func TestMergeHeavyYAML(t *testing.T) {
	src := mergeHeavyYAML(64<<10, 500)
	settings, err := ExtractConfig("a.yaml", src, "features", "")
	if err != nil {
		t.Fatal(err)
	}
	merges := strings.Count(string(src), "<<: *base")
	if got, want := len(settings), merges+1; got != want {
		t.Errorf("%d settings, want one per merge and the anchor's own, %d", got, want)
	}
}

// BenchmarkExtractConfigMergeHeavy reads a 6.5 MB YAML config that merges
// one large anchor many times; it must take seconds, not minutes.
func BenchmarkExtractConfigMergeHeavy(b *testing.B) {
	src := mergeHeavyYAML(6500<<10, 20000)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := ExtractConfig("a.yaml", src, "features", ""); err != nil {
			b.Fatal(err)
		}
	}
}

func TestAliasBombTowardsFlagMaps(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [{features: {}}, {features: {}}, {features: {}}, {features: {}}, {features: {}}, {features: {}}, {features: {}}, {features: {}}, {features: {}}]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	_, err := ExtractConfig("a.yaml", []byte(b.String()), "features", "")
	if want := "more than 262144 values on the way to flag maps"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want it to contain %q", err, want)
	}
}

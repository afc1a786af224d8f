package params

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/policies"
)

// mapFS is the files of one revision, in memory: paths to contents.
type mapFS map[string]string

func (m mapFS) ReadFile(name string) ([]byte, error) {
	src, ok := m[name]
	if !ok {
		return nil, fmt.Errorf("open %s: %w", name, fs.ErrNotExist)
	}
	return []byte(src), nil
}

func (m mapFS) Glob(pattern string) ([]string, error) {
	var out []string
	for name := range m {
		if ok, err := path.Match(pattern, name); err != nil {
			return nil, err
		} else if ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out, nil
}

const registry = `parameters:
  - name: ca.max
    cps: ["6.3.2"]
    type: duration
    config:
      - glob: "deploy/*/ca.yaml"
        path: ca.profiles.*.max
        vars: [../common.yaml, vars.yaml]
  - name: crl.size
    cps: ["4.9.7"]
    type: size
    config:
      - {glob: "deploy/*/crl.json", path: crl.maxSize, environment: all}
`

func TestRead(t *testing.T) {
	tests := []struct {
		name    string
		files   mapFS
		want    []string // parameter env path=text [template] number
		wantErr string
	}{
		{
			name: "literals and templates, later vars files win",
			files: mapFS{
				"deploy/common.yaml":    "lifetime: 24h\nlong: 2160h\n",
				"deploy/prod/vars.yaml": "lifetime: 2159h\nnested: {x: 1h}\nref: \"{{ long }}\"\n",
				"deploy/prod/ca.yaml":   "ca:\n  profiles:\n    a: {max: \"{{ lifetime }}\"}\n    b: {max: 160h}\n    c: {max: \"{{ nested.x }}0m\"}\n    d: {max: \"{{ref}}\"}\n",
				"deploy/prod/crl.json":  `{"crl": {"maxSize": "10MiB"}}`,
			},
			want: []string{
				"ca.max deploy/prod ca.profiles.a.max=2159h [{{ lifetime }}] 7.7724e+06",
				"ca.max deploy/prod ca.profiles.b.max=160h [] 576000",
				"ca.max deploy/prod ca.profiles.c.max=1h0m [{{ nested.x }}0m] 3600",
				"ca.max deploy/prod ca.profiles.d.max=2160h [{{ref}}] 7.776e+06",
				"crl.size all crl.maxSize=10MiB [] 1.048576e+07",
			},
		},
		{
			name:    "undefined variable",
			files:   mapFS{"deploy/common.yaml": "a: 1h\n", "deploy/prod/vars.yaml": "b: 1h\n", "deploy/prod/ca.yaml": "ca: {profiles: {a: {max: \"{{ c }}\"}}}\n"},
			wantErr: "deploy/prod/ca.yaml:1:26: parameter ca.max at ca.profiles.a.max: variable c is not defined in deploy/common.yaml, deploy/prod/vars.yaml",
		},
		{
			name:    "a filter",
			files:   mapFS{"deploy/common.yaml": "a: 1h\n", "deploy/prod/vars.yaml": "", "deploy/prod/ca.yaml": "ca: {profiles: {a: {max: \"{{ a | upper }}\"}}}\n"},
			wantErr: "is not a plain variable reference",
		},
		{
			name:    "a statement",
			files:   mapFS{"deploy/common.yaml": "a: 1h\n", "deploy/prod/vars.yaml": "", "deploy/prod/ca.yaml": "ca: {profiles: {a: {max: \"{% if x %}1h{% endif %}\"}}}\n"},
			wantErr: "holds template syntax other than {{ name }} references",
		},
		{
			name:    "a cycle",
			files:   mapFS{"deploy/common.yaml": "a: \"{{ b }}\"\nb: \"{{ a }}\"\n", "deploy/prod/vars.yaml": "", "deploy/prod/ca.yaml": "ca: {profiles: {a: {max: \"{{ a }}\"}}}\n"},
			wantErr: "more than 8 levels deep",
		},
		{
			name:    "a variable with a quote",
			files:   mapFS{"deploy/common.yaml": "a: '1h\"'\n", "deploy/prod/vars.yaml": "", "deploy/prod/ca.yaml": "ca: {profiles: {a: {max: \"{{ a }}\"}}}\n"},
			wantErr: "deploy/common.yaml:1:4: variable a holds a quote",
		},
		{
			name:    "a bare number of bytes with a fraction",
			files:   mapFS{"deploy/prod/crl.json": `{"crl": {"maxSize": 1.5}}`},
			wantErr: "deploy/prod/crl.json:1:21: parameter crl.size (size) at crl.maxSize: size 1.5 is not a whole number of bytes",
		},
		{
			name:    "a templated value that does not parse",
			files:   mapFS{"deploy/common.yaml": "a: 90d\n", "deploy/prod/vars.yaml": "", "deploy/prod/ca.yaml": "ca: {profiles: {a: {max: \"{{ a }}\"}}}\n"},
			wantErr: `parameter ca.max (duration) at ca.profiles.a.max ({{ a }} resolves to "90d"): "90d" is not a duration in Go syntax`,
		},
		{
			name:  "no file",
			files: mapFS{},
		},
	}
	reg, err := flags.DecodeRegistry("r.yaml", []byte(registry))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals, err := Read(tt.files, reg)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if tt.wantErr == "" && gotErr != "" || !strings.Contains(gotErr, tt.wantErr) {
				t.Fatalf("error = %q, want %q", gotErr, tt.wantErr)
			}
			var got []string
			if vals != nil {
				for _, v := range vals.List {
					got = append(got, fmt.Sprintf("%s %s %s=%s [%s] %g", v.Parameter, v.Environment, v.Path, v.Text, v.Template, v.Value.Number))
				}
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("values mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestDiff(t *testing.T) {
	v := func(file, path, text, tmpl string) Value {
		return Value{Parameter: "p", File: file, Path: path, Text: text, Template: tmpl, Environment: "e"}
	}
	base := []Value{v("a.yaml", "x", "216h", ""), v("a.yaml", "y", "1h", "{{ a }}"), v("b.yaml", "x", "1h", ""), v("c.yaml", "x", "5h", "")}
	head := []Value{v("a.yaml", "x", "216h", "{{ crl }}"), v("a.yaml", "y", "2h", "{{ a }}"), v("b.yaml", "x", "1h", ""), v("d.yaml", "x", "5h", "")}
	got := Diff("p", base, head)
	want := []policies.ParameterChange{
		{Parameter: "p", Change: Changed, Old: "216h", New: "216h", NewTemplate: "{{ crl }}", File: "a.yaml", Path: "x", Environment: "e"},
		{Parameter: "p", Change: Changed, Old: "1h", New: "2h", OldTemplate: "{{ a }}", NewTemplate: "{{ a }}", File: "a.yaml", Path: "y", Environment: "e"},
		{Parameter: "p", Change: Removed, Old: "5h", File: "c.yaml", Path: "x", Environment: "e"},
		{Parameter: "p", Change: Added, New: "5h", File: "d.yaml", Path: "x", Environment: "e"},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Diff mismatch (-got +want):\n%s", diff)
	}
}

func TestCPSBound(t *testing.T) {
	sections := map[string]*cps.Section{
		"6.3.2": {ID: "6.3.2", Text: "Subscriber certificates are valid for at most\n   90 days.\n"},
		"4.9.7": {ID: "4.9.7", Text: "CRLs are valid for at most 10 days; delta CRLs for at most 1 days."},
	}
	tests := []struct {
		name, section, pattern, unit string
		wantNumber                   float64
		wantText, wantErr            string
	}{
		{"folded white space", "6.3.2", `at most (\d+) days`, "days", 7776000, "at most 90 days", ""},
		{"hours", "6.3.2", `at most (\d+) days`, "hours", 324000, "at most 90 days", ""},
		{"two numbers", "4.9.7", `at most (\d+) days`, "days", 0, "", "matches different numbers (10, 1)"},
		{"one of two", "4.9.7", `CRLs are valid for at most (\d+) days`, "days", 864000, "CRLs are valid for at most 10 days", ""},
		{"no match", "6.3.2", `valid for (\d+) months`, "days", 0, "", `the text of CPS section 6.3.2 no longer matches "valid for (\\d+) months"`},
		{"missing section", "7.1", `(\d+)`, "days", 0, "", "CPS section 7.1, which states this bound, does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, text, errMsg := CPSBound(flags.CPSValue{Bound: "max", Section: tt.section, Pattern: tt.pattern, Unit: tt.unit}, "duration", sections)
			if diff := cmp.Diff([]any{n, text}, []any{tt.wantNumber, tt.wantText}); diff != "" {
				t.Errorf("bound mismatch (-got +want):\n%s", diff)
			}
			if tt.wantErr == "" && errMsg != "" || !strings.Contains(errMsg, tt.wantErr) {
				t.Errorf("error = %q, want %q", errMsg, tt.wantErr)
			}
		})
	}
}

package params

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/flags"
)

// setRegistry has parameters that share globs, globs that overlap, one
// parameter read at two locations that reach the same values (the first
// location's environment wins), key paths that differ only in case, and a
// key path that is a prefix of another.
const setRegistry = `parameters:
  - name: ca.max
    cps: ["6.3.2"]
    type: duration
    config:
      - {glob: "deploy/*/ca.yaml", path: ca.profiles.*.max, vars: [vars.yaml]}
      - {glob: "deploy/prod/*.yaml", path: ca.profiles.*.max, vars: [vars.yaml], environment: production}
  - name: ca.min
    cps: ["6.3.2"]
    type: duration
    config:
      - {glob: "deploy/*/ca.yaml", path: ca.profiles.a.min}
  - name: crl.size
    cps: ["4.9.7"]
    type: size
    config:
      - {glob: "deploy/*/crl.json", path: crl.maxSize}
  - name: crl.size.upper
    cps: ["4.9.7"]
    type: size
    config:
      - {glob: "deploy/*/crl.json", path: CRL.MAXSIZE}
  - name: crl.limits
    cps: ["4.9.7"]
    type: integer
    config:
      - {glob: "deploy/*/crl.json", path: crl.limits.*}
  - name: crl.limit.first
    cps: ["4.9.7"]
    type: integer
    config:
      - {glob: "deploy/*/crl.json", path: crl.limits.first}
`

// TestReadSet compares readSet, which walks each file once for all the key
// paths of a glob, with readEach, which looks each path up on its own:
// where readSet decides, the values are readEach's, and it declines (so
// that ReadShared reports readEach's errors) wherever readEach fails.
func TestReadSet(t *testing.T) {
	tests := []struct {
		name    string
		files   mapFS
		decides bool
	}{
		{
			name: "values at both revisions of the keys",
			files: mapFS{
				"deploy/prod/vars.yaml": "l: 24h\n",
				"deploy/prod/ca.yaml":   "ca:\n  profiles:\n    a: {max: \"{{ l }}\", min: 1h}\n    b: {max: 160h}\n",
				"deploy/test/vars.yaml": "l: 2h\n",
				"deploy/test/ca.yaml":   "ca:\n  profiles:\n    z: {max: \"{{ l }}\"}\n    a: {max: 3h, min: 2h}\n",
				"deploy/prod/crl.json":  `{"Crl": {"MaxSize": "10MiB", "limits": {"x": 1, "y": 2}}}`,
				"deploy/test/crl.json":  `{"crl": {"limits": {"first": 4, "second": 5}}}`,
				"deploy/test/other.yml": `{ca: {profiles: {a: {max: not-a-duration}}}}`,
			},
			decides: true,
		},
		{name: "no file", files: mapFS{}, decides: true},
		{
			name:  "a list where a path needs an object",
			files: mapFS{"deploy/prod/crl.json": `{"crl": {"limits": {"first": 1}}}`, "deploy/test/crl.json": `{"crl": {"limits": [1]}}`},
		},
		{
			name:  "keys one for encoding/json",
			files: mapFS{"deploy/prod/crl.json": `{"crl": {"maxSize": "1MiB", "MAXSIZE": "2MiB"}}`},
		},
		{
			name:  "a value that does not parse",
			files: mapFS{"deploy/prod/ca.yaml": "ca: {profiles: {a: {max: 90d}}}\n"},
		},
		{
			name:  "a variables file that is missing",
			files: mapFS{"deploy/prod/ca.yaml": "ca: {profiles: {a: {max: \"{{ l }}\"}}}\n"},
		},
		{
			name:  "a file that does not parse",
			files: mapFS{"deploy/prod/ca.yaml": "ca: {profiles: [\n", "deploy/test/ca.yaml": "ca: {profiles: {a: {max: 1h, max: 2h}}}\n"},
		},
	}
	reg, err := flags.DecodeRegistry("r.yaml", []byte(setRegistry))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, wantErr := readEach(newReader(tt.files, nil), reg)
			if (wantErr == nil) != tt.decides {
				t.Fatalf("readEach error = %v, want an error: %v", wantErr, !tt.decides)
			}
			got, ok := readSet(newReader(tt.files, nil), reg)
			if ok != tt.decides {
				t.Fatalf("readSet decides = %v, want %v", ok, tt.decides)
			}
			if ok {
				if diff := cmp.Diff(got, want); diff != "" {
					t.Errorf("readSet differs from readEach (-got +want):\n%s", diff)
				}
			}
			shared, err := ReadShared(tt.files, reg, nil)
			if diff := cmp.Diff(errText(err), errText(wantErr)); diff != "" {
				t.Errorf("ReadShared error differs from readEach's (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(shared, want); diff != "" {
				t.Errorf("ReadShared differs from readEach (-got +want):\n%s", diff)
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

package yamlnode

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unclosed flow sequence", "a: 1\ncps:\n  - path: [docs\n", "f.yaml:3: invalid YAML: did not find expected ',' or ']'"},
		{"unclosed flow mapping", "a: 1\nb: 2\nc: {x\n", "f.yaml:3: invalid YAML: did not find expected ',' or '}'"},
		{"mapping in a plain value", "a: 1\nb: 2\nc: d: e\n", "f.yaml:3: invalid YAML: mapping values are not allowed in this context"},
		{"list item in a mapping", "a: 1\nb: 2\n- c\n", "f.yaml:3: invalid YAML: did not find expected key"},
		{"bad indentation", "a: 1\nb:\n  - x\n y: 2\n", "f.yaml:4: invalid YAML: did not find expected key"},
		{"unknown anchor", "a: 1\nb: 2\nc: *x\n", "f.yaml:3: invalid YAML: unknown anchor 'x' referenced"},
		{"end of stream on the last line", "cps: [\n", "f.yaml:1: invalid YAML: did not find expected node content"},
		{"invalid UTF-8", "a: 1\nb: \xff\n", "f.yaml:2:4: invalid UTF-8 (byte 0xff); the file must be UTF-8 text"},
		{"valid", "a: [1, 2]\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Decoder{File: "f.yaml"}
			d.Parse([]byte(tt.src))
			got := ""
			if err := d.Errs.Err(); err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("errors mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

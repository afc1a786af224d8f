package flags

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/diag"
)

func TestExtractGoStruct(t *testing.T) {
	const file = "features/features.go"
	def := func(flag, desc string, line, col int) Definition {
		return Definition{Flag: flag, Kind: KindGoStruct, Description: desc, JSONKey: flag, YAMLKey: strings.ToLower(flag), Pos: diag.Pos{File: file, Line: line, Col: col}}
	}
	tests := []struct {
		name      string
		src       string
		typeName  string
		want      []Definition
		wantFound bool
		wantErr   string
	}{
		{
			name: "doc and line comments",
			src: `package features

// Config holds the feature flags.
type Config struct {
	// AsyncFinalize returns from finalize
	//   before issuance completes.
	AsyncFinalize bool // see 4.3.1
	/* StrictCAA enforces
	   CAA. */
	StrictCAA bool
	Plain bool
}
`,
			typeName: "Config",
			want: []Definition{
				def("AsyncFinalize", "AsyncFinalize returns from finalize before issuance completes. see 4.3.1", 7, 2),
				def("StrictCAA", "StrictCAA enforces CAA.", 10, 2),
				def("Plain", "", 11, 2),
			},
			wantFound: true,
		},
		{
			name: "multi-name fields, skipped fields",
			src: `package features

type Config struct {
	A, B bool // both
	c    bool
	D, e bool
	Name string
	Ptr  *bool
	List []bool
	F bool ` + "`json:\"f\"`" + `
}
`,
			typeName: "Config",
			want: []Definition{
				def("A", "both", 4, 2),
				def("B", "both", 4, 5),
				def("D", "", 6, 2),
				def("Ptr", "", 8, 2),
				{Flag: "F", Kind: KindGoStruct, JSONKey: "f", YAMLKey: "f", Pos: diag.Pos{File: file, Line: 10, Col: 2}},
			},
			wantFound: true,
		},
		{
			name: "type group and other types",
			src: `package features

type (
	Other struct{ X bool }
	// Config is documented.
	Config struct {
		Y bool
	}
)

func f() {
	type Config struct{ Z bool }
}
`,
			typeName:  "Config",
			want:      []Definition{def("Y", "", 7, 3)},
			wantFound: true,
		},
		{
			name:      "empty struct",
			src:       "package features\ntype Config struct{}\n",
			typeName:  "Config",
			wantFound: true,
		},
		{
			name:     "type not found",
			src:      "package features\ntype Other struct{ X bool }\n",
			typeName: "Config",
		},
		{
			name:      "not a struct",
			src:       "package features\n\ntype Config map[string]bool\n",
			typeName:  "Config",
			wantFound: true,
			wantErr:   file + ":3:6: type Config is not a struct type",
		},
		{
			name:     "syntax error position",
			src:      "package features\n\ntype Config struct {\n\tA bool\n\tB bool +\n}\n",
			typeName: "Config",
			wantErr:  file + ":5:9: expected ';', found '+'",
		},
		{
			name:      "BOM and CRLF",
			src:       "\uFEFFpackage features\r\n\r\ntype Config struct {\r\n\t// Doc line one.\r\n\t// Doc line two.\r\n\tA bool\r\n}\r\n",
			typeName:  "Config",
			want:      []Definition{def("A", "Doc line one. Doc line two.", 6, 2)},
			wantFound: true,
		},
		{
			name:      "generic struct",
			src:       "package features\ntype Config[T any] struct{ A bool; V T }\n",
			typeName:  "Config",
			want:      []Definition{def("A", "", 2, 28)},
			wantFound: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, found, err := ExtractGoStruct(file, []byte(tt.src), tt.typeName)
			if diff := cmp.Diff(errString(err), tt.wantErr); diff != "" {
				t.Errorf("error mismatch (-got +want):\n%s", diff)
			}
			if found != tt.wantFound {
				t.Errorf("found = %v, want %v", found, tt.wantFound)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("definitions mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

// errString is the text of err, "" for nil.
func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func FuzzExtractGoStruct(f *testing.F) {
	f.Add([]byte("package p\n// Doc.\ntype Config struct {\n\tA, B bool // c\n\tc bool\n}\n"), "Config")
	f.Add([]byte("package p\ntype (\n\tConfig struct{ X bool }\n)\n"), "Config")
	f.Add([]byte("package p\ntype Config struct {\n\tA bool +\n"), "Config")
	f.Add([]byte("\uFEFFpackage p\r\ntype Config int\r\n"), "Config")
	f.Fuzz(func(t *testing.T, src []byte, typeName string) {
		defs, found, err := ExtractGoStruct("f.go", src, typeName)
		if err != nil {
			if defs != nil {
				t.Errorf("definitions returned with error %v", err)
			}
			return
		}
		if !found && len(defs) > 0 {
			t.Errorf("definitions without the type: %v", defs)
		}
		for _, d := range defs {
			if d.Kind != KindGoStruct || d.Pos.File != "f.go" || d.Pos.Line < 1 || d.Pos.Col < 1 {
				t.Errorf("bad definition %+v", d)
			}
			if d.Description != strings.Join(strings.Fields(d.Description), " ") {
				t.Errorf("description not folded: %q", d.Description)
			}
		}
	})
}

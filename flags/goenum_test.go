package flags

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/diag"
)

func TestExtractGoEnum(t *testing.T) {
	const file = "features/features.go"
	on, off := true, false
	def := func(flag, desc string, line, col int, dflt *bool) Definition {
		return Definition{Flag: flag, Kind: KindGoEnum, Description: desc, Default: dflt, Pos: diag.Pos{File: file, Line: line, Col: col}}
	}
	tests := []struct {
		name      string
		src       string
		want      []Definition
		wantFound bool
		wantErr   string
	}{
		{
			name: "boulder style",
			src: `package features

type FeatureFlag int

const (
	unused FeatureFlag = iota // unused is for tests
	// AllowAccountDeactivation lets subscribers deactivate accounts.
	AllowAccountDeactivation
	CAAValidationMethods // checks the validationmethods CAA parameter
	NoDefault
)

const Other = 3

var features = map[FeatureFlag]bool{
	unused:                   false,
	AllowAccountDeactivation: true,
	CAAValidationMethods:     false,
}
`,
			want: []Definition{
				def("AllowAccountDeactivation", "AllowAccountDeactivation lets subscribers deactivate accounts.", 8, 2, &on),
				def("CAAValidationMethods", "checks the validationmethods CAA parameter", 9, 2, &off),
				def("NoDefault", "", 10, 2, nil),
			},
			wantFound: true,
		},
		{
			name: "iota plus one, other blocks ignored",
			src: `package features

type Flag uint8

const (
	A int = iota
	B
)

const (
	First Flag = iota + 1
	Second
	Third = 7 // untyped: the enum ends
	Fourth
)

func defaults() map[Flag]bool { return map[Flag]bool{Second: true} }
`,
			want: []Definition{
				def("First", "", 11, 2, nil),
				def("Second", "", 12, 2, &on),
			},
			wantFound: true,
		},
		{
			name:      "no type",
			src:       "package features\n\nconst (\n\tX Flag = iota\n)\n",
			want:      []Definition{def("X", "", 4, 2, nil)},
			wantFound: false,
		},
		{
			name: "default not a literal",
			src: `package features

type Flag int

const (
	X Flag = iota
)

var on = true
var d = map[Flag]bool{X: on}
`,
			wantFound: true,
			wantErr:   "features/features.go:10:23: the default of a Flag flag must be a constant name mapped to true or false",
		},
		{
			name: "two default maps",
			src: `package features

type Flag int

const X Flag = iota

var a = map[Flag]bool{X: true}
var b = map[Flag]bool{X: false}
`,
			wantFound: true,
			wantErr:   "features/features.go:8:9: a second map[Flag]bool of defaults (the first is at features/features.go:7:9): keep one",
		},
		{
			name:    "syntax error",
			src:     "package features\n\nconst (\n",
			wantErr: "features/features.go:3:9: expected ')', found 'EOF'",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typeName := "Flag"
			if tt.name == "boulder style" {
				typeName = "FeatureFlag"
			}
			got, found, err := ExtractGoEnum(file, []byte(tt.src), typeName)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if found != tt.wantFound {
				t.Errorf("found = %v, want %v", found, tt.wantFound)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("definitions (-got +want):\n%s", diff)
			}
		})
	}
}

func TestDiscoverGoEnum(t *testing.T) {
	specPos := diag.Pos{File: ".cpsgate.yaml", Line: 5, Col: 5}
	fsys := mapFS{
		"features/flags.go":    "package features\n\ntype FeatureFlag int\n\nconst (\n\tunused FeatureFlag = iota\n\tAsyncFinalize\n\tStrictCAA\n)\n",
		"features/defaults.go": "package features\n\nvar features = map[FeatureFlag]bool{\n\tAsyncFinalize: true,\n}\n",
		"features/x_test.go":   "package features\n\nvar more = map[FeatureFlag]bool{StrictCAA: true}\n",
	}
	on := true
	tests := []struct {
		name    string
		spec    SourceSpec
		want    []Definition
		wantErr string
	}{
		{
			name: "package directory: constants and defaults in two files",
			spec: SourceSpec{Kind: KindGoEnum, Path: "features", Type: "FeatureFlag", Pos: specPos},
			want: []Definition{
				{Flag: "AsyncFinalize", Kind: KindGoEnum, Default: &on, Pos: diag.Pos{File: "features/flags.go", Line: 7, Col: 2}},
				{Flag: "StrictCAA", Kind: KindGoEnum, Pos: diag.Pos{File: "features/flags.go", Line: 8, Col: 2}},
			},
		},
		{
			name:    "type missing",
			spec:    SourceSpec{Kind: KindGoEnum, Path: "features", Type: "Flag", Pos: specPos},
			wantErr: ".cpsgate.yaml:5:5: type Flag not found in features",
		},
		{
			name:    "no iota constants",
			spec:    SourceSpec{Kind: KindGoEnum, Path: "features/defaults.go", Type: "FeatureFlag", Pos: specPos},
			wantErr: ".cpsgate.yaml:5:5: type FeatureFlag not found in features/defaults.go",
		},
		{
			name:    "path and type required",
			spec:    SourceSpec{Kind: KindGoEnum, Path: "features", Pos: specPos},
			wantErr: ".cpsgate.yaml:5:5: a go-enum source needs a path and a type",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := Discover(fsys, []SourceSpec{tt.spec})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(inv.Defs, tt.want); diff != "" {
				t.Errorf("definitions (-got +want):\n%s", diff)
			}
		})
	}
}

func TestDiffGoEnumDefault(t *testing.T) {
	on, off := true, false
	at := diag.Pos{File: "f.go", Line: 7, Col: 2}
	st := func(v *bool) State {
		return State{Inventory: &Inventory{Defs: []Definition{{Flag: "X", Kind: KindGoEnum, Default: v, Pos: at}}}}
	}
	for _, tt := range []struct {
		name       string
		base, head *bool
		want       []Change
	}{
		{"turned on by default", &off, &on, []Change{{Flag: "X", Kind: Modified, Fields: []string{FieldDefault}, Pos: at}}},
		{"default added", nil, &on, []Change{{Flag: "X", Kind: Modified, Fields: []string{FieldDefault}, Pos: at}}},
		{"unchanged", &on, &on, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(Diff(st(tt.base), st(tt.head)), tt.want); diff != "" {
				t.Errorf("Diff (-got +want):\n%s", diff)
			}
		})
	}
}

package flags

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/diag"
)

func TestRegisteredKinds(t *testing.T) {
	if diff := cmp.Diff(Kinds(), []string{KindConfig, KindGoEnum, KindGoStruct}); diff != "" {
		t.Errorf("Kinds() (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(FieldNames(), []string{"environment", "glob", "key", "path", "type"}); diff != "" {
		t.Errorf("FieldNames() (-got +want):\n%s", diff)
	}
	if ReadsFiles(SourceSpec{Kind: KindConfig}) == nil || ReadsFiles(SourceSpec{Kind: KindGoStruct}) != nil || ReadsFiles(SourceSpec{Kind: "nope"}) != nil {
		t.Error("ReadsFiles: want a FileSource for config only")
	}
}

func TestCheckSpec(t *testing.T) {
	for _, tt := range []struct {
		spec SourceSpec
		want []string
	}{
		{SourceSpec{Kind: KindGoStruct, Path: "f.go", Type: "T"}, nil},
		{SourceSpec{Kind: KindGoEnum, Path: "f.go"}, []string{`a go-enum source needs "type"`}},
		{SourceSpec{Kind: KindGoStruct, Path: "f.go", Type: "T", Key: "k"}, []string{"a go-struct source takes path and type only"}},
		{SourceSpec{Kind: KindConfig, Glob: "*.json"}, []string{`a config source needs "key"`}},
		{SourceSpec{Kind: KindConfig, Glob: "*.json", Key: "f", Type: "T"}, []string{"a config source takes glob, key and environment only"}},
		{SourceSpec{Kind: "unknown", Path: "x"}, nil}, // the caller reports the kind
	} {
		if diff := cmp.Diff(CheckSpec(tt.spec), tt.want); diff != "" {
			t.Errorf("CheckSpec(%+v) (-got +want):\n%s", tt.spec, diff)
		}
	}
}

func TestDescribe(t *testing.T) {
	for _, tt := range []struct {
		spec SourceSpec
		want string
	}{
		{SourceSpec{Kind: KindGoStruct, Path: "internal/features", Type: "Flags"}, "go-struct internal/features (type Flags)"},
		{SourceSpec{Kind: KindConfig, Glob: "deploy/*.json", Key: "features"}, "config deploy/*.json (key features)"},
		{SourceSpec{Kind: KindConfig, Glob: "d/*.yaml", Key: "f", Environment: "prod"}, "config d/*.yaml (key f, environment prod)"},
	} {
		if got := tt.spec.Describe(); got != tt.want {
			t.Errorf("Describe() = %q, want %q", got, tt.want)
		}
	}
}

func TestDiscoverRecordsFileKinds(t *testing.T) {
	fsys := mapFS{"deploy/a.json": `{"features": {"A": true}}`, "deploy/b.json": `{"features": {"B": false}}`}
	inv, err := Discover(fsys, []SourceSpec{{Kind: KindConfig, Glob: "deploy/*.json", Key: "features"}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range inv.Files {
		got[f] = inv.FileKind(f)
	}
	if diff := cmp.Diff(got, map[string]string{"deploy/a.json": KindConfig, "deploy/b.json": KindConfig}); diff != "" {
		t.Errorf("file kinds (-got +want):\n%s", diff)
	}
	if k := inv.FileKind("other.json"); k != "" {
		t.Errorf("FileKind(other.json) = %q, want none", k)
	}
}

func TestDiffTypedValues(t *testing.T) {
	at := func(line int) diag.Pos { return diag.Pos{File: "limits.txt", Line: line} }
	num := func(flag, text string, line int) Setting {
		return Setting{Flag: flag, Kind: "limits", Env: "prod", Typed: &Value{TypeNumber, text}, Pos: at(line)}
	}
	state := func(s ...Setting) State { return State{Inventory: &Inventory{ListedSettings: s}} }
	for _, tt := range []struct {
		name       string
		base, head State
		want       []Change
	}{
		{"same value", state(num("Max", "398", 1)), state(num("Max", "398", 2)), nil},
		{"value changed", state(num("Max", "398", 1)), state(num("Max", "397", 1)), []Change{
			{Flag: "Max", Kind: Changed, Env: "prod", Pos: at(1), Old: Value{TypeNumber, "398"}, New: Value{TypeNumber, "397"}},
		}},
		{"type changed", state(num("Max", "398", 1)), state(Setting{Flag: "Max", Kind: "limits", Env: "prod", Typed: &Value{TypeString, "398"}, Pos: at(1)}), []Change{
			{Flag: "Max", Kind: Changed, Env: "prod", Pos: at(1), Old: Value{TypeNumber, "398"}, New: Value{TypeString, "398"}},
		}},
		{"setting removed", state(num("Max", "398", 1), num("Min", "1", 2)), state(num("Min", "1", 1)), []Change{
			{Flag: "Max", Kind: Removed, Pos: at(1)},
			{Flag: "Max", Kind: Changed, Env: "prod", Pos: at(1), Old: Value{TypeNumber, "398"}},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(Diff(tt.base, tt.head), tt.want); diff != "" {
				t.Errorf("Diff (-got +want):\n%s", diff)
			}
		})
	}
}

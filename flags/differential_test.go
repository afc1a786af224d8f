package flags

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// The tests in this file hold cpsgate's reading of configuration to what the
// consuming program reads: the same document decoded with go.yaml.in/yaml/v3
// and encoding/json, into a generic value and into a struct.

// flagValue is one flag setting as a path, a key and a value.
type flagValue struct {
	Path, Key string
	Value     bool
}

// genericFlags decodes the first YAML document of src into a generic value,
// as yaml v3 does (aliases and merge keys resolved, tags applied), and
// returns the entries of every mapping under the key "features", as
// ExtractConfig walks them. ok is false when an entry is not a bool, which
// cpsgate must refuse.
func genericFlags(t *testing.T, src []byte) (flags []flagValue, ok bool, err error) {
	var doc any
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, false, err
	}
	ok = true
	var walk func(v any, p string)
	walk = func(v any, p string) {
		switch v := v.(type) {
		case map[string]any:
			for k, child := range v {
				walkEntry(k, child, p, &flags, &ok, walk)
			}
		case map[any]any:
			for k, child := range v {
				ks, isString := k.(string)
				if !isString {
					if containsFeatures(child) {
						ok = false // a non-string key on the way: cpsgate refuses it
					}
					continue
				}
				walkEntry(ks, child, p, &flags, &ok, walk)
			}
		case []any:
			for i, item := range v {
				walk(item, fmt.Sprintf("%s[%d]", p, i))
			}
		}
	}
	walk(doc, "")
	slices.SortFunc(flags, compareFlagValues)
	return flags, ok, nil
}

func walkEntry(k string, child any, p string, flags *[]flagValue, ok *bool, walk func(any, string)) {
	path := joinKey(p, k)
	if k != "features" {
		walk(child, path)
		return
	}
	switch m := child.(type) {
	case nil:
	case map[string]any:
		for fk, fv := range m {
			b, isBool := fv.(bool)
			if !isBool {
				*ok = false
				continue
			}
			*flags = append(*flags, flagValue{path, fk, b})
		}
	default:
		*ok = false
	}
}

func containsFeatures(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			if k == "features" || containsFeatures(c) {
				return true
			}
		}
	case map[any]any:
		for k, c := range v {
			if k == "features" || containsFeatures(c) {
				return true
			}
		}
	case []any:
		return slices.ContainsFunc(v, containsFeatures)
	}
	return false
}

func compareFlagValues(a, b flagValue) int {
	return strings.Compare(a.Path+"\x00"+a.Key, b.Path+"\x00"+b.Key)
}

// cpsgateFlags is what ExtractConfig reads from a one-document YAML file.
func cpsgateFlags(src []byte) ([]flagValue, error) {
	settings, err := ExtractConfig("a.yaml", src, "features", "")
	if err != nil {
		return nil, err
	}
	out := []flagValue{}
	for _, s := range settings {
		out = append(out, flagValue{s.Path, s.Flag, s.Value})
	}
	slices.SortFunc(out, compareFlagValues)
	return out, nil
}

// yamlDifferentialCases are YAML documents with anchors, aliases, merge keys
// and tags; refuse says that cpsgate refuses the document (and so need not
// agree with yaml v3).
var yamlDifferentialCases = []struct {
	name, src string
	refuse    bool
}{
	{name: "merge at an ancestor", src: "staging: &s\n  features:\n    a: true\nprod:\n  <<: *s\n"},
	{name: "inline merge", src: "prod:\n  <<:\n    features: {a: true, b: false}\n"},
	{name: "merge list, earlier wins", src: "x: &x {features: {a: false}}\ny: &y {features: {a: true, b: true}}\nprod:\n  <<: [*x, *y]\n"},
	{name: "merge list, first has no features", src: "x: &x {other: 1}\ny: &y {features: {a: true}}\nprod:\n  <<: [*x, *y]\n"},
	{name: "explicit wins over merged", src: "s: &s {features: {a: true}}\nprod:\n  <<: *s\n  features: {b: true}\n"},
	{name: "explicit null wins over merged", src: "s: &s {features: {a: true}}\nprod:\n  <<: *s\n  features: ~\n"},
	{name: "explicit key shadows a merged map", src: "x: &x {ra: 1}\ny: &y {ra: {features: {a: true}}}\nprod:\n  <<: [*x, *y]\n"},
	{name: "merge inside the flag map", src: "c: &c {a: true, b: true}\nfeatures:\n  <<: *c\n  b: false\n"},
	{name: "merge of merges", src: "a: &a {features: {x: true}}\nb: &b {<<: *a, other: 1}\nprod: {<<: *b}\n"},
	{name: "alias as the flag map", src: "f: &f {a: true}\nprod:\n  features: *f\n"},
	{name: "alias as an ancestor", src: "r: &r {features: {a: true}}\nprod:\n  ra: *r\n"},
	{name: "alias in a list", src: "r: &r {features: {a: true}}\nlist: [*r, *r]\n"},
	{name: "tagged bool value", src: "features: {a: !!bool true, b: !!bool \"false\"}\n"},
	{name: "bool forms", src: "features: {a: True, b: FALSE, c: true}\n"},
	{name: "yes is a string", src: "features: {a: yes}\n", refuse: true},
	{name: "quoted true is a string", src: "features: {a: \"true\"}\n", refuse: true},
	{name: "str tag on a bool", src: "features: {a: !!str true}\n", refuse: true},
	{name: "null value", src: "features: {a: ~}\n", refuse: true},
	{name: "alias key", src: "k: &k a\nfeatures:\n  *k : true\n", refuse: true},
	{name: "binary key", src: "features:\n  !!binary YQ==: true\n", refuse: true},
	{name: "binary key for the configured key", src: "? !!binary ZmVhdHVyZXM=\n: {a: true}\n", refuse: true},
	{name: "str-tagged key", src: "features:\n  !!str a: true\n"},
	{name: "quoted merge key is a plain key", src: "prod:\n  \"<<\": {features: {a: true}}\n"},
	{name: "int key in a flag map", src: "features: {1: true}\n", refuse: true},
	{name: "merge of a scalar", src: "prod:\n  <<: 1\n", refuse: true},
	{name: "two merge keys", src: "a: &a {features: {x: true}}\nb: &b {features: {x: false}}\nprod:\n  <<: *a\n  <<: *b\n", refuse: true},
	{name: "anchor contains itself", src: "a: &a {features: {x: true}, self: *a}\n", refuse: true},
	{name: "flow and block mixed", src: "prod: {ra: [{features: {a: true}}, {other: {features: {b: false}}}]}\n"},
}

func TestYAMLDifferential(t *testing.T) {
	for _, tt := range yamlDifferentialCases {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cpsgateFlags([]byte(tt.src))
			if (err != nil) != tt.refuse {
				t.Fatalf("refused = %v (%v), want %v", err != nil, err, tt.refuse)
			}
			if err != nil {
				return
			}
			want, ok, yerr := genericFlags(t, []byte(tt.src))
			if yerr != nil || !ok {
				t.Fatalf("cpsgate reads %v; yaml v3: err %v, only bools %v", got, yerr, ok)
			}
			if want == nil {
				want = []flagValue{}
			}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("cpsgate and yaml v3 disagree (-cpsgate +yaml v3):\n%s", diff)
			}
		})
	}
}

// FuzzYAMLDifferential checks that whenever cpsgate reads a YAML document
// that yaml v3 decodes, it reads the flags yaml v3 decodes.
func FuzzYAMLDifferential(f *testing.F) {
	for _, tt := range yamlDifferentialCases {
		f.Add([]byte(tt.src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 4096 {
			return
		}
		got, err := cpsgateFlags(src)
		if err != nil {
			return // refused: never a wrong pass
		}
		var docs int
		dec := yaml.NewDecoder(strings.NewReader(string(src)))
		for {
			var n yaml.Node
			if dec.Decode(&n) != nil {
				break
			}
			docs++
		}
		if docs > 1 {
			return // cpsgate reads every document; yaml.Unmarshal the first
		}
		want, ok, yerr := genericFlags(t, src)
		if yerr != nil {
			return // the program would not start
		}
		if !ok {
			t.Fatalf("cpsgate read %v, but yaml v3 decodes a flag value that is not a bool, or a non-string key", got)
		}
		if want == nil {
			want = []flagValue{}
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("cpsgate and yaml v3 disagree (-cpsgate +yaml v3):\n%s", diff)
		}
	})
}

// The struct types of the struct differential test, and their source text
// for cpsgate, which must be kept in step.
type (
	diffBool   = bool
	diffToggle bool
	diffInner  struct {
		Promoted bool
	}
	diffInline struct {
		Inlined bool
	}
	diffConfig struct {
		AsyncFinalize bool
		Renamed       bool `json:"other_name" yaml:"other_name"`
		Hidden        bool `json:"-" yaml:"-"`
		Aliased       diffBool
		Named         diffToggle
		Pointer       *bool
		Kelvin        bool
		Sweep         bool
		diffInner
		Inline diffInline `json:"-" yaml:",inline"`
	}
	diffDoc struct {
		Features diffConfig `json:"features" yaml:"features"`
	}
)

const diffSource = `package p

type (
	diffBool   = bool
	diffToggle bool
	diffInner  struct {
		Promoted bool
	}
	diffInline struct {
		Inlined bool
	}
	diffConfig struct {
		AsyncFinalize bool
		Renamed       bool ` + "`json:\"other_name\" yaml:\"other_name\"`" + `
		Hidden        bool ` + "`json:\"-\" yaml:\"-\"`" + `
		Aliased       diffBool
		Named         diffToggle
		Pointer       *bool
		Kelvin        bool
		Sweep         bool
		diffInner
		Inline diffInline ` + "`json:\"-\" yaml:\",inline\"`" + `
	}
)
`

// decodedFlags returns the bool fields of c that are true, by Go name.
func decodedFlags(c diffConfig) map[string]bool {
	out := map[string]bool{}
	v := reflect.ValueOf(c)
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		for i := range v.NumField() {
			f, fv := v.Type().Field(i), v.Field(i)
			if fv.Kind() == reflect.Pointer && !fv.IsNil() {
				fv = fv.Elem()
			}
			switch fv.Kind() {
			case reflect.Bool:
				if fv.Bool() {
					out[f.Name] = true
				}
			case reflect.Struct:
				walk(fv)
			}
		}
	}
	walk(v)
	return out
}

func TestStructDifferential(t *testing.T) {
	tests := []struct {
		name, file, src string
		refuse          bool
	}{
		{name: "json exact", file: "c.json", src: `{"features": {"AsyncFinalize": true}}`},
		{name: "json another case", file: "c.json", src: `{"features": {"asyncfinalize": true}}`},
		{name: "json long s folds to s", file: "c.json", src: `{"features": {"ſweep": true}}`},
		{name: "json Kelvin sign folds to k", file: "c.json", src: `{"features": {"\u212Aelvin": true}}`},
		{name: "json two keys for one field, last wins", file: "c.json", src: `{"features": {"AsyncFinalize": false, "asyncFinalize": true}}`, refuse: true},
		{name: "json tag renames", file: "c.json", src: `{"features": {"other_name": true}}`},
		{name: "json tag renames, another case", file: "c.json", src: `{"features": {"Other_Name": true}}`},
		{name: "json Go name of a renamed field sets nothing", file: "c.json", src: `{"features": {"Renamed": true}}`, refuse: true},
		{name: "json hidden field", file: "c.json", src: `{"features": {"Hidden": true}}`, refuse: true},
		{name: "json alias and named bool types, pointer", file: "c.json", src: `{"features": {"Aliased": true, "Named": true, "Pointer": true}}`},
		{name: "json promoted field", file: "c.json", src: `{"features": {"Promoted": true}}`},
		{name: "json not promoted with a tag", file: "c.json", src: `{"features": {"Inlined": true}}`, refuse: true},
		{name: "json string true", file: "c.json", src: `{"features": {"AsyncFinalize": "true"}}`, refuse: true},
		{name: "json number", file: "c.json", src: `{"features": {"AsyncFinalize": 1}}`, refuse: true},
		{name: "json null", file: "c.json", src: `{"features": {"AsyncFinalize": null}}`, refuse: true},
		{name: "json features in another case", file: "c.json", src: `{"Features": {"AsyncFinalize": true}}`, refuse: true},
		{name: "yaml lowercased name", file: "c.yaml", src: "features:\n  asyncfinalize: true\n"},
		{name: "yaml Go name sets nothing", file: "c.yaml", src: "features:\n  AsyncFinalize: true\n", refuse: true},
		{name: "yaml tag renames", file: "c.yaml", src: "features:\n  other_name: true\n"},
		{name: "yaml inline", file: "c.yaml", src: "features:\n  inlined: true\n"},
		{name: "yaml embedded without inline is not promoted", file: "c.yaml", src: "features:\n  promoted: true\n", refuse: true},
		{name: "yaml yes is true for a bool field", file: "c.yaml", src: "features:\n  asyncfinalize: yes\n", refuse: true},
		{name: "yaml on is true for a bool field", file: "c.yaml", src: "features:\n  asyncfinalize: on\n", refuse: true},
		{name: "yaml alias and named types", file: "c.yaml", src: "features: {aliased: true, named: true, pointer: true}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc diffDoc
			var derr error
			if strings.HasSuffix(tt.file, ".json") {
				derr = json.Unmarshal([]byte(tt.src), &doc)
			} else {
				derr = yaml.Unmarshal([]byte(tt.src), &doc)
			}
			want := decodedFlags(doc.Features)

			fsys := mapFS{"p/p.go": diffSource, tt.file: tt.src}
			inv, err := Discover(fsys, []SourceSpec{
				{Kind: KindGoStruct, Path: "p/p.go", Type: "diffConfig"},
				{Kind: KindConfig, Glob: tt.file, Key: "features"},
			})
			if (err != nil) != tt.refuse {
				t.Fatalf("refused = %v (%v), want %v; the program reads %v (decode error %v)", err != nil, err, tt.refuse, want, derr)
			}
			if err != nil {
				return
			}
			if derr != nil {
				t.Fatalf("cpsgate reads the file, the program fails to decode it: %v", derr)
			}
			got := map[string]bool{}
			for _, s := range inv.AllSettings() {
				if !slices.ContainsFunc(inv.Defs, func(d Definition) bool { return d.Flag == s.Flag }) {
					continue // a key that sets no field: not a flag of the struct
				}
				if s.Value {
					got[s.Flag] = true
				}
			}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("flags on (-cpsgate +program):\n%s", diff)
			}
		})
	}
}

// TestDecoderFacts pins the behaviour of the decoders that cpsgate models,
// so that a change in them fails here first.
func TestDecoderFacts(t *testing.T) {
	var j struct {
		Ra struct{ A, B bool }
	}
	if err := json.Unmarshal([]byte(`{"ra": {"A": true, "B": true}, "Ra": {"A": false}}`), &j); err != nil {
		t.Fatal(err)
	}
	if j.Ra.A || !j.Ra.B {
		t.Errorf("encoding/json: %+v, want the last of ra/Ra for A and the first's B kept", j.Ra)
	}
	var k struct{ Kelvin, Sweep bool }
	if err := json.Unmarshal([]byte(`{"\u212Aelvin": true, "ſweep": true}`), &k); err != nil || !k.Kelvin || !k.Sweep {
		t.Errorf("encoding/json does not fold the Kelvin sign and long s: %+v %v", k, err)
	}
	var y struct{ Ra, Other bool }
	if err := yaml.Unmarshal([]byte("Ra: true\nother: on\n"), &y); err != nil || y.Ra || !y.Other {
		t.Errorf("yaml v3: %+v %v; want Ra unset (keys are lowercased field names), other set by \"on\"", y, err)
	}
	var m map[string]bool
	if err := yaml.Unmarshal([]byte("a: yes\n"), &m); err != nil || !m["a"] {
		t.Errorf("yaml v3 into map[string]bool: %v %v; want yes to be true", m, err)
	}
	var two struct{ A bool }
	if err := yaml.Unmarshal([]byte("A: false\n---\na: true\n"), &two); err != nil || two.A {
		t.Errorf("yaml.Unmarshal reads the first document only: %+v %v", two, err)
	}
}

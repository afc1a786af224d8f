package policies

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// jsonValue is the input's value through its documented JSON form: the
// reference that the direct conversion must equal.
func jsonValue(t testing.TB, in *Input) ast.Value {
	t.Helper()
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	v, err := ast.ValueFromReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// filled sets every field reachable from v to a non-zero value (maps and
// slices get two elements), so that a field the conversion forgets shows.
func filled(v reflect.Value, seed *int) {
	*seed++
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + string(rune('a'+*seed%26)) + "%\n\"")
	case reflect.Int:
		v.SetInt(int64(*seed))
	case reflect.Float64:
		v.SetFloat(float64(*seed) + 0.25)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		filled(v.Elem(), seed)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			filled(v.Index(i), seed)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for i := range 2 {
			k := reflect.New(v.Type().Key()).Elem()
			filled(k, seed)
			k.SetString(k.String() + string(rune('0'+i)))
			e := reflect.New(v.Type().Elem()).Elem()
			filled(e, seed)
			v.SetMapIndex(k, e)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			filled(v.Field(i), seed)
		}
	default:
		panic("filled: unhandled kind " + v.Kind().String())
	}
}

func TestValueEqualsJSONForm(t *testing.T) {
	full := &Input{}
	seed := 0
	filled(reflect.ValueOf(full).Elem(), &seed)
	falsy := false
	full.Flags["x"] = Flag{Name: "x", Sources: []FlagSource{{Kind: "config", Value: &falsy}}}
	// Base values the same as head's, in part or whole.
	shared := &Input{Parameters: map[string]Parameter{}}
	for i, p := range slices.Sorted(maps.Keys(full.Parameters)) {
		v := full.Parameters[p]
		other := v.BaseValues[1]
		v.BaseValues = slices.Clone(v.Values)
		v.BaseValues[0].Vars = slices.Clone(v.Values[0].Vars)
		switch i {
		case 0: // the same values
		case 1: // the first the same, the second not
			v.BaseValues[1] = other
		}
		shared.Parameters[p] = v
		more := v
		more.BaseValues = append(slices.Clone(v.Values), other)
		shared.Parameters[p+"-more"] = more
		fewer := v
		fewer.BaseValues = v.Values[:1]
		shared.Parameters[p+"-fewer"] = fewer
	}
	tests := map[string]*Input{
		"every field set":    full,
		"base values shared": shared,
		"zero":               {},
		"nil slices and maps inside": {Flags: map[string]Flag{"f": {}}, Reviews: []Review{{}},
			FlagChanges: []FlagChange{{Fields: []string{}}}, CPSChanges: []CPSChange{{}},
			Parameters: map[string]Parameter{"p": {Values: []ParameterValue{{}}, BaseValues: []ParameterValue{{}, {}}, Constraints: []ParameterConstraint{{}}}, "q": {}}},
		"boulder sized": boulderSized(),
		"example":       newInput(nil),
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			got, want := in.value(), jsonValue(t, in)
			if got.Compare(want) != 0 {
				t.Errorf("direct conversion differs from the JSON form:\ngot  %v\nwant %v", got, want)
			}
			// Through a cache, twice: the cached terms are the same values.
			var cache termCache
			for range 2 {
				if got := in.valueWith(&cache); got.Compare(want) != 0 {
					t.Errorf("conversion through the term cache differs from the JSON form:\ngot  %v\nwant %v", got, want)
				}
			}
		})
	}
}

func BenchmarkValue(b *testing.B) {
	in := boulderSized()
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			in.value()
		}
	})
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			jsonValue(b, in)
		}
	})
}

// TestReviewKeysDiffer holds that reviews differing in any one field have
// different cache keys (a shared key would hand one review's term to the
// other).
func TestReviewKeysDiffer(t *testing.T) {
	base := Review{Flag: "F", Sections: []string{"1.1"}, Reviewer: "r", Date: "d", Verdict: "v", CPSVersion: "c",
		SectionHashes: map[string]string{"1.1": "h"}, Ref: "ref", Notes: "n", Origin: "o", New: true, File: "f", Line: 1}
	v := reflect.ValueOf(&base).Elem()
	seen := map[string]string{base.key(): "none"}
	for i := range v.NumField() {
		r := base
		r.Sections = slices.Clone(base.Sections)
		r.SectionHashes = maps.Clone(base.SectionHashes)
		f := reflect.ValueOf(&r).Elem().Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(f.String() + "x")
		case reflect.Int:
			f.SetInt(2)
		case reflect.Bool:
			f.SetBool(false)
		case reflect.Slice:
			r.Sections = append(r.Sections, "x")
		case reflect.Map:
			r.SectionHashes["1.1"] = "other"
		}
		name := v.Type().Field(i).Name
		if other, ok := seen[r.key()]; ok {
			t.Errorf("changing %s gives the key of %s", name, other)
		}
		seen[r.key()] = name
	}
	// Quoting keeps field boundaries: moving a character from one field to
	// the next changes the key.
	a, b := base, base
	a.Flag, a.Reviewer = "Fr", ""
	b.Flag, b.Reviewer = "F", "r"
	if a.key() == b.key() {
		t.Error("fields run together in the key")
	}
}

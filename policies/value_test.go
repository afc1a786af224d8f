package policies

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
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
			if !v.Type().Field(i).IsExported() {
				continue
			}
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

// TestReviewsDiffer holds that reviews differing in any one field are not
// the same to the cache, and have different hashes (a shared term would hand
// one review's term to the other).
func TestReviewsDiffer(t *testing.T) {
	base := Review{Flag: "F", Sections: []string{"1.1"}, Reviewer: "r", Date: "d", Verdict: "v", CPSVersion: "c",
		SectionHashes: map[string]string{"1.1": "h"}, Ref: "ref", Notes: "n", Origin: "o", New: true, File: "f", Line: 1}
	seed := maphash.MakeSeed()
	v := reflect.ValueOf(&base).Elem()
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
		default:
			t.Fatalf("field %s: a kind this test does not vary", v.Type().Field(i).Name)
		}
		name := v.Type().Field(i).Name
		if sameReview(&r, &base) || sameReview(&base, &r) {
			t.Errorf("changing %s gives the same review", name)
		}
		if r.hash(seed) == base.hash(seed) {
			t.Errorf("changing %s gives the same hash", name)
		}
	}
	// A nil map is null, an empty one {}.
	a, b := base, base
	a.SectionHashes, b.SectionHashes = nil, map[string]string{}
	if sameReview(&a, &b) {
		t.Error("nil and empty section_hashes are the same review")
	}
	// Equal reviews in separate slices and maps are the same, with one hash.
	c := base
	c.Sections, c.SectionHashes = slices.Clone(base.Sections), maps.Clone(base.SectionHashes)
	if !sameReview(&c, &base) || c.hash(seed) != base.hash(seed) {
		t.Error("equal reviews differ")
	}
	// A cached review is a copy: changing the caller's slice later does
	// not change what the cache holds.
	var cache termCache
	d := base
	d.Sections = slices.Clone(base.Sections)
	first := cache.review(&d)
	d.Sections[0] = "9.9"
	if got := cache.review(&base); got != first {
		t.Error("the cache lost its copy when the caller changed its slice")
	}
}

// TestSharedSections holds that an input sharing its sections converts as
// its JSON form, and that a map assigned after sharing replaces the shared
// term.
func TestSharedSections(t *testing.T) {
	in := newInput(nil)
	shared := NewSharedSections(maps.Clone(in.Sections))
	in.ShareSections(shared)
	var cache termCache
	for range 2 {
		if got, want := in.valueWith(&cache), jsonValue(t, in); got.Compare(want) != 0 {
			t.Errorf("shared sections differ from the JSON form:\ngot  %v\nwant %v", got, want)
		}
	}
	in.Sections = map[string]Section{"9": {ID: "9", Title: "Other"}}
	if got, want := in.valueWith(&cache), jsonValue(t, in); got.Compare(want) != 0 {
		t.Errorf("another map after sharing: the shared term was kept:\ngot  %v\nwant %v", got, want)
	}
}

// TestSharedReviews holds that an input sharing its reviews converts as its
// JSON form, and that a list assigned after sharing replaces the shared
// term.
func TestSharedReviews(t *testing.T) {
	in := newInput(nil)
	in.Reviews = []Review{{Flag: "F", Sections: []string{"1"}, Reviewer: "r", SectionHashes: map[string]string{}}, {Flag: "G"}}
	in.ShareReviews(NewSharedReviews(slices.Clone(in.Reviews)))
	var cache termCache
	for range 2 {
		if got, want := in.valueWith(&cache), jsonValue(t, in); got.Compare(want) != 0 {
			t.Errorf("shared reviews differ from the JSON form:\ngot  %v\nwant %v", got, want)
		}
	}
	in.Reviews = slices.Clone(in.Reviews[:1])
	if got, want := in.valueWith(&cache), jsonValue(t, in); got.Compare(want) != 0 {
		t.Errorf("another list after sharing: the shared term was kept:\ngot  %v\nwant %v", got, want)
	}
}

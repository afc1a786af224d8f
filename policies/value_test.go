package policies

import (
	"bytes"
	"encoding/json"
	"reflect"
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
	tests := map[string]*Input{
		"every field set": full,
		"zero":            {},
		"nil slices and maps inside": {Flags: map[string]Flag{"f": {}}, Reviews: []Review{{}},
			FlagChanges: []FlagChange{{Fields: []string{}}}, CPSChanges: []CPSChange{{}}},
		"boulder sized": boulderSized(),
		"example":       newInput(nil),
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			got, want := in.value(), jsonValue(t, in)
			if got.Compare(want) != 0 {
				t.Errorf("direct conversion differs from the JSON form:\ngot  %v\nwant %v", got, want)
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

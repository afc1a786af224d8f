package policies

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestExampleInput checks the example in testdata/input.json (the one
// README.md shows): it decodes into Input with no unknown field, and it
// carries every field that Input and its parts define.
func TestExampleInput(t *testing.T) {
	data, err := os.ReadFile("testdata/input.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var in Input
	if err := dec.Decode(&in); err != nil {
		t.Fatalf("decode: %v", err)
	}
	var raw any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	present := make(map[string]bool)
	collectKeys(raw, "", present)
	var missing []string
	for _, field := range jsonFields(reflect.TypeOf(in), "") {
		if !present[field] {
			missing = append(missing, field)
		}
	}
	if diff := cmp.Diff(missing, []string(nil)); diff != "" {
		t.Errorf("fields missing from testdata/input.json mismatch (-got +want):\n%s", diff)
	}
}

// jsonFields lists the JSON paths of every field of t, e.g. "flags.*.sources.*.kind".
func jsonFields(t reflect.Type, prefix string) []string {
	switch t.Kind() {
	case reflect.Pointer:
		return jsonFields(t.Elem(), prefix)
	case reflect.Slice, reflect.Map:
		if t.Elem().Kind() == reflect.String {
			return nil
		}
		return jsonFields(t.Elem(), prefix+"*.")
	case reflect.Struct:
		var out []string
		for f := range t.Fields() {
			if !f.IsExported() {
				continue // not part of the JSON form
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			path := prefix + name
			out = append(out, path)
			out = append(out, jsonFields(f.Type, path+".")...)
		}
		slices.Sort(out)
		return out
	}
	return nil
}

// collectKeys records the paths of the object keys in v, with "*" for array
// elements and map entries of the maps keyed by name (sections, flags, parameters, tests,
// section_hashes).
func collectKeys(v any, prefix string, present map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			path := prefix + k
			present[path] = true
			if prefix == "" && (k == "sections" || k == "flags" || k == "parameters" || k == "tests") {
				for _, entry := range x.(map[string]any) {
					collectKeys(entry, path+".*.", present)
				}
				continue
			}
			collectKeys(x, path+".", present)
		}
	case []any:
		for _, x := range v {
			collectKeys(x, prefix+"*.", present)
		}
	}
}

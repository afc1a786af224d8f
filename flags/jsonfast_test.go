package flags

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/diag"
)

// fastJSONSettings is fastJSON, expanded.
func fastJSONSettings(file string, src []byte, key, env string) ([]Setting, bool) {
	c, ok := fastJSON(file, src, key, env)
	if !ok || c == nil {
		return nil, ok
	}
	return settingGroup{compact: c}.settings(), true
}

// fastKeys are the configured keys the fast path is compared under.
var fastKeys = []string{"features", "a", "A", "b"}

// checkFastJSON requires that, where fastJSONSettings reads src, the
// general path reads it without error and to the same settings.
func checkFastJSON(t *testing.T, src []byte, key string) (fast bool) {
	t.Helper()
	if !utf8.Valid(src) || bytes.HasPrefix(src, utf8BOM) {
		return false // ExtractConfig takes the general path
	}
	got, ok := fastJSONSettings("a.json", src, key, "")
	if !ok {
		if got != nil {
			t.Fatalf("%q under %q: settings returned when giving up", src, key)
		}
		return false
	}
	want, err := extractConfig("a.json", src, key, "")
	if err != nil {
		t.Fatalf("%q under %q: the fast path reads %d settings, the general path fails: %v", src, key, len(got), err)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Fatalf("%q under %q: settings differ (-fast +general):\n%s", src, key, diff)
	}
	return true
}

// TestFastJSONEqualsGeneral runs the fast path and the general path on
// every input of jsonInputs, their mutations, and inputs made to break
// each rule the fast path must leave to the general path.
func TestFastJSONEqualsGeneral(t *testing.T) {
	inputs := append(jsonInputs(t), fastJSONCases()...)
	fast, n := 0, 0
	for _, src := range inputs {
		for _, m := range append(mutations(src), src) {
			for _, key := range fastKeys {
				n++
				if checkFastJSON(t, m, key) {
					fast++
				}
			}
		}
	}
	t.Logf("%d of %d inputs read by the fast path", fast, n)
}

// fastJSONCases are inputs at the edges of what the fast path reads.
func fastJSONCases() [][]byte {
	return [][]byte{
		[]byte(`{"features": {"A": true, "a": false}}`),
		[]byte(`{"features": {"A": true, "A": false}}`),
		[]byte(`{"features": {"A": true}, "Features": {"B": true}}`),
		[]byte(`{"features": {"A": true}, "x": {"features": {"B": true}, "X": 1}}`),
		[]byte(`{"x": {"features": {"B": true}}, "X": 1}`),
		[]byte(`{"x": 1, "X": 1}`),
		[]byte(`{"x": 1, "x": 1}`),
		[]byte(`{"features": {"features": true, "FEATURES": false}}`),
		[]byte(`{"features": {"": true}}`),
		[]byte(`{"features": {"K": true, "\u212a": false}}`),
		[]byte(`{"features": {"ſ": true, "S": false}}`),
		[]byte(`{"features": {"é": true, "É": false, "x": true}}`),
		[]byte(`{"features": {"A": true}, "features": {"B": true}}`),
		[]byte(`{"fe\u0061tures": {"A": true}}`),
		[]byte(`{"features": {"A\n": true}}`),
		[]byte(`{"features": {"A": true}, "d": "\u00e9\"\\\/\b\f\n\r\t", "e": [1, -2.5e3, null, {}]}`),
		[]byte(`{"features": [{"A": true}]}`),
		[]byte(`{"features": "on"}`),
		[]byte(`{"features": null, "ra": {"features": {}}}`),
		[]byte(`[[{"features": {"A": true}}], [], {"x": [{"y": {"features": {"B": false}}}]}]`),
		[]byte("{\n\t\"env\": \"prod\",\r\n  \"a.b\": {\"features\": {\n    \"A\": true,\n    \"B\" : false\n  }}\n}\n"),
		[]byte(`{"features": {"A": true}, "b": {"a": {"features": {"C": true}}}, "B": 2}`),
		[]byte(bigObject(40, false)),
		[]byte(bigObject(40, true)),
	}
}

// bigObject is an object of n keys beside a flag map, two of them equal
// under case folding when fold is set.
func bigObject(n int, fold bool) string {
	var b strings.Builder
	b.WriteString(`{"features": {"A": true}`)
	for i := range n {
		fmt.Fprintf(&b, `, "k%d": %d`, i, i)
	}
	if fold {
		b.WriteString(`, "K7": 1`)
	}
	b.WriteString("}")
	return b.String()
}

// TestFastJSONReads checks that the fast path reads ordinary files and
// leaves each problem to the general path.
func TestFastJSONReads(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{`{"features": {"A": true, "B": false}, "ra": [{"features": {"C": true}}]}`, true},
		{`{"a": -0.5e+10, "b": [1, 2.0], "c": null, "d": "x\u00e9\n", "features": {"é": true}}`, true},
		{`{"features": null}`, true},
		{`{"x": {"y": 1, "Y": 2}}`, false},
		{`{"features": {"A": true, "a": false}}`, false},
		{`{"features": {"A": true, "A": true}}`, false},
		{`{"Features": {"A": true}}`, false},
		{`{"features": {"A": 1}}`, false},
		{`{"features": {"A": true}`, false},
		{`{"fe\u0061tures": {"A": true}}`, false},
		{bigObject(40, false), true},
		{bigObject(40, true), false},
	}
	for _, tt := range tests {
		got := checkFastJSON(t, []byte(tt.src), "features")
		if got != tt.want {
			t.Errorf("%s: fast path reads it: %t, want %t", tt.src, got, tt.want)
		}
	}
}

// FuzzFastJSON compares the fast path with the general path.
func FuzzFastJSON(f *testing.F) {
	for _, src := range fastJSONCases() {
		f.Add(src, "features")
	}
	f.Fuzz(func(t *testing.T, src []byte, key string) {
		if key == "" {
			return
		}
		checkFastJSON(t, src, key)
	})
}

// TestNameTable checks the interning of flag names: one string per name,
// keys equal under folding refused, and a full table giving up.
func TestNameTable(t *testing.T) {
	keysOf := func(src string) []fastKey {
		var keys []fastKey
		for start := 0; start < len(src); {
			end := strings.IndexByte(src[start:], ' ')
			if end < 0 {
				end = len(src) - start
			}
			keys = append(keys, fastKey{start: start, end: start + end})
			start += end + 1
		}
		return keys
	}
	tests := []struct {
		max   int
		srcs  []string // interned in turn
		want  []bool
		names []string // all names added, in order
	}{
		{max: 10, srcs: []string{"A B C", "C B A"}, want: []bool{true, true}, names: []string{"A", "B", "C", "C", "B", "A"}},
		{max: 10, srcs: []string{"A a"}, want: []bool{false}, names: []string{"A"}},
		{max: 10, srcs: []string{"A", "a", "K \u212a"}, want: []bool{true, true, false}, names: []string{"A", "a", "K"}},
		{max: 10, srcs: []string{"ſ s"}, want: []bool{false}, names: []string{"ſ"}},
		{max: 2, srcs: []string{"A B", "A B C"}, want: []bool{true, false}, names: []string{"A", "B", "A", "B"}},
	}
	for _, tt := range tests {
		table := newNameTable(tt.max)
		var got []bool
		var names []string
		for _, src := range tt.srcs {
			got = append(got, table.intern([]byte(src), keysOf(src), func(_ int, name string) { names = append(names, name) }))
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("%q: results (-got +want):\n%s", tt.srcs, diff)
		}
		if diff := cmp.Diff(names, tt.names); diff != "" {
			t.Errorf("%q: names (-got +want):\n%s", tt.srcs, diff)
		}
	}
}

// TestDiscoverFastJSON compares Discover with and without the fast path
// for JSON files (whose settings it keeps in compact form), alone and
// through a memo: the same inventory, or the same error.
func TestDiscoverFastJSON(t *testing.T) {
	goSrc := "package f\ntype C struct {\n\tA bool\n\tB bool `json:\"bee\"`\n\tN int\n}\n"
	specs := []SourceSpec{
		{Kind: "go-struct", Path: "f.go", Type: "C"},
		{Kind: KindConfig, Glob: "deploy/*.json", Key: "features"},
	}
	tests := []struct {
		name  string
		files map[string]string
	}{
		{"plain", map[string]string{
			"deploy/a.json": `{"features": {"A": true, "bee": false}, "ra": {"features": {"A": false}}}`,
			"deploy/b.json": `{"features": {"bee": true, "Z": true}}`,
		}},
		{"key renamed by case folding", map[string]string{
			"deploy/a.json": `{"features": {"a": true, "BEE": false}}`,
			"deploy/b.json": `{"features": {"A": true}}`,
		}},
		{"two maps at one path set one field", map[string]string{
			"deploy/a.json": `{"x.y": {"features": {"A": true}}, "x": {"y": {"features": {"A": false}}}}`,
		}},
		{"two maps at one path, different fields", map[string]string{
			"deploy/a.json": `{"x.y": {"features": {"A": true}}, "x": {"y": {"features": {"bee": false}}}}`,
		}},
		{"one field from a renamed key and its own", map[string]string{
			"deploy/a.json": `{"x.y": {"features": {"a": true}}, "x": {"y": {"features": {"A": false}}}}`,
		}},
		{"key sets no field, or one not bool", map[string]string{
			"deploy/a.json": `{"features": {"B": true, "N": true}}`,
		}},
		{"general path for one file", map[string]string{
			"deploy/a.json": `{"features": {"A": true}}`,
			"deploy/b.json": `{"features": {"A\u00e9": true, "bee": true}}`,
		}},
	}
	read := func(fsys mapFS, memo Memo) string {
		inv, err := DiscoverShared(fsys, specs, memo)
		if err != nil {
			return "error: " + err.Error()
		}
		return fmt.Sprintf("%+v", inv.SettingList())
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := mapFS{"f.go": goSrc}
			for name, src := range tt.files {
				fsys[name] = src
			}
			generalJSONOnly = true
			want := read(fsys, nil)
			generalJSONOnly = false
			memo := &countingMemo{}
			for _, memo := range []Memo{nil, memo, memo} {
				if diff := cmp.Diff(read(fsys, memo), want); diff != "" {
					t.Errorf("memo %v: (-fast +general):\n%s", memo != nil, diff)
				}
			}
		})
	}
}

// TestJoinGroups checks that joinGroups reads compact groups as their
// lists.
func TestJoinGroups(t *testing.T) {
	c := func(env, file string, paths []string, items ...compactSetting) settingGroup {
		return settingGroup{compact: &compactSettings{env: env, file: file, paths: paths, items: items}}
	}
	groups := []settingGroup{
		c("prod", "b.json", []string{"features", "ra.features"},
			compactSetting{"B", 1, 2, 0, true}, compactSetting{"A", 2, 2, 0, false}, compactSetting{"A", 3, 4, 1, true}),
		{list: []Setting{{Flag: "A", Kind: "go-enum", Env: "dev", Pos: diag.Pos{File: "x.go", Line: 3}}}},
		c("dev", "a.json", []string{"features"}, compactSetting{"C", 1, 1, 0, true}, compactSetting{"A", 5, 1, 0, false}),
		{},
	}
	var lists [][]Setting
	for _, g := range groups {
		lists = append(lists, g.settings())
	}
	inv := &Inventory{joined: joinGroups(groups)}
	got := inv.SettingList()
	want := joinSettings(lists)
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-compact +lists):\n%s", diff)
	}
	if len(got) != 6 {
		t.Errorf("%d settings, want 6", len(got))
	}
	// The accessors agree with the list.
	var each []Setting
	for i, s := range inv.AllSettings() {
		if diff := cmp.Diff(inv.Setting(i), s); diff != "" {
			t.Errorf("Setting(%d) (-Setting +AllSettings):\n%s", i, diff)
		}
		each = append(each, s)
	}
	if diff := cmp.Diff(each, want); diff != "" {
		t.Errorf("AllSettings (-got +want):\n%s", diff)
	}
	each = slices.Collect(inv.EachSetting())
	slices.SortStableFunc(each, compareSettings)
	if diff := cmp.Diff(each, want); diff != "" {
		t.Errorf("EachSetting, sorted (-got +want):\n%s", diff)
	}
	var runs []string
	for i, s := range want {
		if i == 0 || s.Flag != want[i-1].Flag {
			runs = append(runs, s.Flag)
		}
	}
	if diff := cmp.Diff(slices.Collect(inv.SettingFlags()), runs); diff != "" {
		t.Errorf("SettingFlags (-got +want):\n%s", diff)
	}
	if inv.NumSettings() != 6 {
		t.Errorf("NumSettings() = %d, want 6", inv.NumSettings())
	}
}

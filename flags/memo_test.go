package flags

import (
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cpsgate/cpsgate/diag"
)

// countingMemo is a Memo that counts the results it computes, by key type.
type countingMemo struct {
	mu       sync.Mutex
	done     map[any]memoEntry
	computed map[string]int
}

type memoEntry struct {
	v   any
	err error
}

func (m *countingMemo) Do(key any, f func() (any, error)) (any, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.done[key]; ok {
		return e.v, e.err
	}
	if m.done == nil {
		m.done, m.computed = map[any]memoEntry{}, map[string]int{}
	}
	v, err := f()
	m.done[key] = memoEntry{v, err}
	m.computed[fmt.Sprintf("%T", key)]++
	return v, err
}

// TestDiscoverShared loads two revisions through one memo, as check loads
// base and head: each must read exactly as Discover alone reads it, and
// only what differs is read twice.
func TestDiscoverShared(t *testing.T) {
	goSrc := "package f\ntype C struct {\n\tA bool\n\tB bool `json:\"bee\"`\n}\n"
	base := mapFS{
		"f.go":          goSrc,
		"deploy/a.json": `{"features": {"A": true, "bee": false}}`,
		"deploy/b.json": `{"features": {"A": false}}`,
		"deploy/c.yaml": "features:\n  a: true\n",
	}
	head := mapFS{
		"f.go":          goSrc,
		"deploy/a.json": `{"features": {"A": true, "bee": false}}`,
		"deploy/b.json": `{"features": {"A": true}}`, // changed: read again
		"deploy/c.yaml": "features:\n  a: true\n",
		"deploy/d.json": `{"features": {"bee": true}}`, // new
	}
	specs := []SourceSpec{
		{Kind: KindGoStruct, Path: "f.go", Type: "C"},
		{Kind: KindConfig, Glob: "deploy/**/*.json", Key: "features"},
		{Kind: KindConfig, Glob: "deploy/**/*.yaml", Key: "features"},
		// The same files read by another entry (another environment):
		// never the first entry's result.
		{Kind: KindConfig, Glob: "deploy/**/*.json", Key: "features", Environment: "prod"},
	}
	m := &countingMemo{}
	var wg sync.WaitGroup
	var got [2]*Inventory
	var errs [2]error
	for i, fsys := range []mapFS{base, head} {
		wg.Go(func() { got[i], errs[i] = DiscoverShared(fsys, specs, m) })
	}
	wg.Wait()
	for i, fsys := range []mapFS{base, head} {
		want, err := Discover(fsys, specs)
		if err != nil || errs[i] != nil {
			t.Fatalf("revision %d: %v, %v", i, errs[i], err)
		}
		// Digests are seeded per process: compare which files have one.
		if diff := cmp.Diff(listed(got[i]), listed(want), cmpopts.IgnoreFields(Inventory{}, "Digests"), cmpopts.IgnoreUnexported(Inventory{})); diff != "" {
			t.Errorf("revision %d: DiscoverShared differs from Discover (-got +want):\n%s", i, diff)
		}
		for file, d := range want.Digests {
			if got[i].Digests[file] != d {
				t.Errorf("revision %d: digest of %s: %x, want %x", i, file, got[i].Digests[file], d)
			}
		}
	}
	// a.json and c.yaml once for each of their entries, b.json twice for
	// each JSON entry, d.json once for each: 2*(1+2+1)+1 file reads; the
	// Go package once.
	want := map[string]int{"flags.fileReadKey": 9, "flags.fileResolvedKey": 9, "flags.goPackageKey": 1}
	if diff := cmp.Diff(m.computed, want); diff != "" {
		t.Errorf("results computed (-got +want):\n%s", diff)
	}
	var prod int
	for _, s := range got[1].AllSettings() {
		if s.Env == "prod" {
			prod++
		}
	}
	if prod != 4 { // A and bee in a.json, A in b.json, bee in d.json
		t.Errorf("head: %d settings of environment prod, want 4", prod)
	}
}

// TestDiscoverSharedStructChange: the same configuration file read with
// other key-to-field tables (the struct's tag changed) is resolved again.
func TestDiscoverSharedStructChange(t *testing.T) {
	cfg := `{"features": {"bee": true}}`
	base := mapFS{"f.go": "package f\ntype C struct{ B bool `json:\"bee\"` }\n", "a.json": cfg}
	head := mapFS{"f.go": "package f\ntype C struct{ Bee bool }\n", "a.json": cfg}
	specs := []SourceSpec{{Kind: KindGoStruct, Path: "f.go", Type: "C"}, {Kind: KindConfig, Glob: "*.json", Key: "features"}}
	m := &countingMemo{}
	var flagsSet []string
	for _, fsys := range []mapFS{base, head} {
		inv, err := DiscoverShared(fsys, specs, m)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range inv.AllSettings() {
			flagsSet = append(flagsSet, s.Flag)
		}
	}
	if diff := cmp.Diff(flagsSet, []string{"B", "Bee"}); diff != "" {
		t.Errorf("flags set at base, head (-got +want):\n%s", diff)
	}
	if got := m.computed["flags.fileReadKey"]; got != 1 {
		t.Errorf("a.json read %d times, want once", got)
	}
}

// TestJoinSettings checks the counting sort of joinSettings against a
// plain sort, on lists that come in and out of order.
func TestJoinSettings(t *testing.T) {
	s := func(flag, env, path, file string, line int) Setting {
		return Setting{Flag: flag, Env: env, Path: path, Pos: diag.Pos{File: file, Line: line, Col: 1}}
	}
	tests := []struct {
		name   string
		groups [][]Setting
	}{
		{"empty", nil},
		{"one file", [][]Setting{{s("B", "f", "", "f", 1), s("A", "f", "", "f", 2), s("A", "f", "x", "f", 3)}}},
		{"files out of order", [][]Setting{
			{s("A", "z", "", "z", 1), s("C", "z", "", "z", 2)},
			{s("C", "a", "", "a", 1), s("A", "a", "", "a", 2)},
			nil,
		}},
		{"one environment, paths across files", [][]Setting{
			{s("A", "prod", "x", "a", 1), s("A", "prod", "b", "a", 2)},
			{s("A", "prod", "a", "b", 1)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []Setting
			for _, g := range tt.groups {
				want = append(want, g...)
			}
			slicesSortSettings(want)
			got := joinSettings(tt.groups)
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("(-got +want):\n%s", diff)
			}
		})
	}
}

func slicesSortSettings(s []Setting) {
	for i := 1; i < len(s); i++ { // insertion sort: the reference
		for j := i; j > 0 && compareSettings(s[j-1], s[j]) > 0; j-- {
			s[j-1], s[j] = s[j], s[j-1]
		}
	}
}

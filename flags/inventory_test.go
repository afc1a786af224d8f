package flags

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDiffJoinedListed checks that Diff reads Discover's settings (per
// file, in their sorted order) as it reads the same settings as a list:
// files the same at both revisions, changed, added and removed, JSON read
// in the compact form and YAML as lists.
func TestDiffJoinedListed(t *testing.T) {
	specs := []SourceSpec{
		{Kind: KindConfig, Glob: "deploy/*.json", Key: "features"},
		{Kind: KindConfig, Glob: "deploy/*.yaml", Key: "features"},
		{Kind: KindConfig, Glob: "prod/*.json", Key: "features", Environment: "prod"},
	}
	base := mapFS{
		"deploy/a.json": `{"features": {"A": true, "B": false, "C": true}}`,
		"deploy/b.json": `{"features": {"C": false, "A": false}, "x": {"features": {"A": true}}}`,
		"deploy/c.yaml": "features:\n  B: true\n  Gone: true\n",
		"deploy/d.json": `{"features": {"D": true}}`,
		"prod/1.json":   `{"features": {"A": true, "E": false}}`,
		"prod/2.json":   `{"features": {"E": true}}`,
	}
	head := mapFS{
		"deploy/a.json": base["deploy/a.json"],
		"deploy/b.json": `{"features": {"C": true, "A": false}, "x": {"features": {"A": false, "New": true}}}`,
		"deploy/c.yaml": "features:\n  B: false\n",
		"deploy/e.json": `{"features": {"D": false, "A": true}}`,
		"prod/1.json":   base["prod/1.json"],
		"prod/2.json":   `{"features": {"E": false, "A": true}}`,
	}
	var invs [2]*Inventory
	for i, fsys := range []mapFS{base, head} {
		inv, err := Discover(fsys, specs)
		if err != nil {
			t.Fatal(err)
		}
		invs[i] = inv
	}
	got := Diff(State{Inventory: invs[0]}, State{Inventory: invs[1]})
	want := Diff(State{Inventory: listed(invs[0])}, State{Inventory: listed(invs[1])})
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Diff (-joined +listed):\n%s", diff)
	}
	if len(got) == 0 {
		t.Error("no change found")
	}
	for i, inv := range invs {
		var flags []string
		for i, s := range inv.SettingList() {
			if i == 0 || s.Flag != flags[len(flags)-1] {
				flags = append(flags, s.Flag)
			}
		}
		var gotFlags []string
		for f := range inv.SettingFlags() {
			gotFlags = append(gotFlags, f)
		}
		if diff := cmp.Diff(gotFlags, flags); diff != "" {
			t.Errorf("revision %d: SettingFlags (-got +want):\n%s", i, diff)
		}
	}
}

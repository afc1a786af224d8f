package change

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/revision"
)

// TestFlagChangesEqualsDiff: the shortcut diff gives what flags.Diff gives
// on the full states.
func TestFlagDiffEqualsDiff(t *testing.T) {
	set := func(flag, env string, v bool) flags.Setting {
		return flags.Setting{Flag: flag, Kind: flags.KindConfig, Env: env, Path: "features", Value: v, Pos: diag.Pos{File: env, Line: 1}}
	}
	def := func(flag string) flags.Definition {
		return flags.Definition{Flag: flag, Kind: flags.KindGoStruct, Pos: diag.Pos{File: "f.go", Line: 3}}
	}
	reg := &flags.Registry{Flags: []flags.Entry{{Name: "A", Status: "active", CPS: []string{"1.1"}}}}
	reg2 := &flags.Registry{Flags: []flags.Entry{{Name: "A", Status: "active", CPS: []string{"1.1", "1.2"}}, {Name: "N", Status: "proposed"}}}
	shared := []flags.Definition{def("A"), def("X")}
	sharedSets := []flags.Setting{set("A", "prod", true), set("B", "stage", true), set("S", "prod", false)}
	for _, tc := range []struct {
		name          string
		before, after *revision.State
	}{
		{"enable in one env", st(reg, nil, set("A", "prod", false), set("A", "stage", true)), st(reg, nil, set("A", "prod", true), set("A", "stage", true))},
		{"unregistered flag kept alive by another env", st(nil, nil, set("U", "stage", true)), st(nil, nil, set("U", "stage", true), set("U", "prod", true))},
		{"unregistered flag new in one env", st(nil, nil, set("A", "stage", true)), st(nil, nil, set("A", "stage", true), set("V", "prod", true))},
		{"flag gone from its only env", st(nil, nil, set("V", "prod", true)), st(nil, nil)},
		{"registry change", st(reg, []flags.Definition{def("A")}, set("A", "prod", true)), st(reg2, []flags.Definition{def("A")}, set("A", "prod", true))},
		{"definition added", st(reg, nil), st(reg, []flags.Definition{def("A"), def("B")})},
		{"env removed", st(reg, nil, set("A", "prod", true), set("A", "old", true)), st(reg, nil, set("A", "prod", true))},
		// The loader shares an unchanged registry and list of definitions
		// between states; flagDiff leaves them out of its diff.
		{"registry change, definitions shared", st(reg, shared, set("X", "prod", true)), st(reg2, shared, set("X", "prod", true))},
		{"entry removed, definition shared", st(reg2, shared), st(reg, shared)},
		{"entry added for a defined flag, definitions shared", st(&flags.Registry{}, shared), st(reg2, shared)},
		{"definition change, registry shared", st(reg2, []flags.Definition{def("A")}), st(reg2, []flags.Definition{def("B"), def("N")})},
		{"definition reworded, registry shared", st(reg2, []flags.Definition{def("A")}), st(reg2, []flags.Definition{{Flag: "A", Kind: flags.KindGoStruct, Description: "new", Pos: diag.Pos{File: "f.go", Line: 4}}})},
		{"settings change, registry and definitions shared", st(reg2, shared, set("A", "prod", true), set("Y", "prod", true)), st(reg2, shared, set("A", "prod", false), set("X", "prod", true), set("N", "prod", true))},
		{"definition change, settings shared", st(reg2, []flags.Definition{def("A")}, sharedSets...), st(reg2, []flags.Definition{def("B")}, sharedSets...)},
		// Environments in order, one run each, as the loader lists config files.
		{"envs in order: one changed, one gone, one new", st(reg, nil, set("A", "a", true), set("B", "a", true), set("A", "b", true), set("C", "c", true), set("A", "d", false)),
			st(reg, nil, set("A", "a", true), set("B", "a", true), set("A", "b", false), set("A", "bb", true), set("A", "d", false), set("D", "e", true))},
		// Values flipped in place, registry and definitions shared.
		{"flips in place, sorted as Diff sorts", st(reg2, shared, set("B", "b", true), set("A", "b", false), set("A", "a", true), set("C", "a", false)),
			st(reg2, shared, set("B", "b", false), set("A", "b", true), set("A", "a", false), set("C", "a", false))},
		{"flip of a key set twice", st(reg2, shared, set("A", "a", true), set("A", "a", false)), st(reg2, shared, set("A", "a", false), set("A", "a", false))},
		{"flip beside a key set twice", st(reg2, shared, set("A", "a", true), set("A", "a", false), set("B", "a", false)), st(reg2, shared, set("A", "a", true), set("A", "a", false), set("B", "a", true))},
		{"same keys, nothing flipped", st(reg2, shared, set("A", "a", true), set("B", "a", false)), st(reg2, shared, set("A", "a", true), set("B", "a", false))},
		{"envs in order: a flag moves between envs", st(nil, nil, set("A", "a", true), set("B", "b", true)), st(nil, nil, set("B", "a", true), set("A", "b", true))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := flagDiff(tc.before, tc.after)
			want := flags.DiffWithCodeRemovals(flags.State{Registry: tc.before.Registry, Inventory: tc.before.Inventory},
				flags.State{Registry: tc.after.Registry, Inventory: tc.after.Inventory})
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("flagDiff (-got +want):\n%s", diff)
			}
		})
	}
}

func st(reg *flags.Registry, defs []flags.Definition, settings ...flags.Setting) *revision.State {
	return &revision.State{Registry: reg, Inventory: &flags.Inventory{Defs: defs, ListedSettings: settings}, Sections: map[string]*cps.Section{}}
}

// TestChangedEnvsEqualsByMap checks that the merge of runs in order gives
// what grouping by a map gives.
func TestChangedEnvsEqualsByMap(t *testing.T) {
	set := func(flag, env string, v bool) flags.Setting {
		return flags.Setting{Flag: flag, Kind: flags.KindConfig, Env: env, Path: "features", Value: v}
	}
	lists := [][]flags.Setting{
		nil,
		{set("A", "a", true)},
		{set("A", "a", false)},
		{set("A", "a", true), set("B", "a", true), set("A", "b", true)},
		{set("A", "a", true), set("A", "b", true), set("A", "c", true)},
		{set("A", "b", true), set("A", "c", false), set("B", "d", true)},
		{set("A", "a", true), set("B", "b", true), set("A", "a", true)}, // a in two runs
		{set("A", "c", true), set("A", "a", true)},                      // out of order
	}
	for i, before := range lists {
		for j, after := range lists {
			gotB, gotA := changedEnvs(before, after)
			wantB, wantA := changedEnvsByMap(before, after)
			if diff := cmp.Diff([][]flags.Setting{gotB, gotA}, [][]flags.Setting{wantB, wantA}, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("lists %d to %d (-runs +map):\n%s", i, j, diff)
			}
		}
	}
}

// TestFlipsEqualsDiff compares flips with flags.Diff on every pair of lists
// of up to three settings drawn from a few keys and values.
func TestFlipsEqualsDiff(t *testing.T) {
	var alphabet []flags.Setting
	for i, key := range [][2]string{{"A", "a"}, {"A", "b"}, {"B", "a"}} {
		for _, v := range []bool{false, true} {
			alphabet = append(alphabet, flags.Setting{Flag: key[0], Kind: flags.KindConfig, Env: key[1], Path: "features", Value: v, Pos: diag.Pos{File: key[1], Line: i + 1, Col: len(alphabet) + 1}})
		}
	}
	lists := [][]flags.Setting{nil}
	for n := 0; n < len(lists); n++ {
		if len(lists[n]) < 3 {
			for _, s := range alphabet {
				lists = append(lists, append(slices.Clone(lists[n]), s))
			}
		}
	}
	checked := 0
	for _, before := range lists {
		for _, after := range lists {
			got, ok := flips(before, after)
			if !ok {
				continue
			}
			checked++
			want := flags.Diff(flags.State{Inventory: &flags.Inventory{ListedSettings: before}}, flags.State{Inventory: &flags.Inventory{ListedSettings: after}})
			if diff := cmp.Diff(got, want); diff != "" {
				t.Fatalf("%v to %v (-flips +Diff):\n%s", before, after, diff)
			}
		}
	}
	if checked == 0 {
		t.Fatal("flips took no pair")
	}
}

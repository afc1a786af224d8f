package flags

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/review"
)

// at is a position in file at line.
func at(file string, line int) diag.Pos { return diag.Pos{File: file, Line: line} }

func TestDiff(t *testing.T) {
	def := func(flag, desc, file string, line int) Definition {
		return Definition{Flag: flag, Kind: KindGoStruct, Description: desc, Pos: at(file, line)}
	}
	setting := func(flag, env string, value bool, line int) Setting {
		return Setting{Flag: flag, Kind: KindConfig, Env: env, Path: "features", Value: value, Pos: at(env, line)}
	}
	entry := func(name string, line int, cps ...string) Entry {
		return Entry{Name: name, Description: "d", Status: StatusActive, CPS: cps, Pos: at("reg.yaml", line), CPSPos: at("reg.yaml", line+1)}
	}
	yes := true
	tests := []struct {
		name       string
		base, head State
		want       []Change
	}{
		{
			name: "nothing at all",
		},
		{
			name: "unchanged",
			base: State{Inventory: &Inventory{Defs: []Definition{def("A", "a", "f.go", 1)}, ListedSettings: []Setting{setting("A", "p.json", true, 2)}}},
			head: State{Inventory: &Inventory{Defs: []Definition{def("A", "a", "f.go", 9)}, ListedSettings: []Setting{setting("A", "p.json", true, 5)}}},
		},
		{
			name: "added in code and enabled in config at once, nil registries",
			base: State{Inventory: &Inventory{}},
			head: State{Inventory: &Inventory{
				Defs:           []Definition{def("A", "", "f.go", 4), def("A", "", "e.go", 8)},
				ListedSettings: []Setting{setting("A", "p.json", true, 2), setting("A", "d.json", false, 3)},
			}},
			want: []Change{
				{Flag: "A", Kind: Added, Pos: at("e.go", 8)},
				{Flag: "A", Kind: Enabled, Env: "p.json", Path: "features", Pos: at("p.json", 2)},
			},
		},
		{
			name: "added: registry position, else setting position",
			head: State{
				Registry:  &Registry{Flags: []Entry{entry("R", 3)}},
				Inventory: &Inventory{ListedSettings: []Setting{setting("S", "p.json", false, 2)}},
			},
			want: []Change{
				{Flag: "R", Kind: Added, Pos: at("reg.yaml", 3)},
				{Flag: "S", Kind: Added, Pos: at("p.json", 2)},
			},
		},
		{
			name: "removed, disabled by deleting the setting",
			base: State{
				Registry:  &Registry{Flags: []Entry{entry("A", 3)}},
				Inventory: &Inventory{Defs: []Definition{def("A", "", "f.go", 4)}, ListedSettings: []Setting{setting("A", "p.json", true, 6)}},
			},
			want: []Change{
				{Flag: "A", Kind: Removed, Pos: at("f.go", 4)},
				{Flag: "A", Kind: Disabled, Env: "p.json", Path: "features", Pos: at("p.json", 6)},
			},
		},
		{
			name: "enabled and disabled per environment and path",
			base: State{Inventory: &Inventory{ListedSettings: []Setting{
				setting("A", "a.json", false, 1), setting("A", "b.json", true, 1), setting("A", "c.json", true, 1),
			}}},
			head: State{Inventory: &Inventory{ListedSettings: []Setting{
				setting("A", "a.json", true, 2), setting("A", "b.json", false, 2), setting("A", "c.json", true, 2),
				{Flag: "A", Kind: KindConfig, Env: "c.json", Path: "ra.features", Value: true, Pos: at("c.json", 3)},
			}}},
			want: []Change{
				{Flag: "A", Kind: Enabled, Env: "a.json", Path: "features", Pos: at("a.json", 2)},
				{Flag: "A", Kind: Enabled, Env: "c.json", Path: "ra.features", Pos: at("c.json", 3)},
				{Flag: "A", Kind: Disabled, Env: "b.json", Path: "features", Pos: at("b.json", 2)},
			},
		},
		{
			name: "a key set twice in one environment: true wins",
			base: State{Inventory: &Inventory{ListedSettings: []Setting{setting("A", "prod", false, 1)}}},
			head: State{Inventory: &Inventory{ListedSettings: []Setting{setting("A", "prod", false, 1), setting("A", "prod", true, 7)}}},
			want: []Change{{Flag: "A", Kind: Enabled, Env: "prod", Path: "features", Pos: at("prod", 7)}},
		},
		{
			name: "modified: doc comment matched by file",
			base: State{Inventory: &Inventory{Defs: []Definition{def("A", "old", "f.go", 4), def("A", "same", "g.go", 4), def("A", "gone", "h.go", 1)}}},
			head: State{Inventory: &Inventory{Defs: []Definition{def("A", "same", "g.go", 5), def("A", "new", "f.go", 5), def("A", "moved", "i.go", 1)}}},
			want: []Change{{Flag: "A", Kind: Modified, Fields: []string{FieldDescription}, Pos: at("f.go", 5)}},
		},
		{
			name: "modified: default",
			base: State{Inventory: &Inventory{Defs: []Definition{def("A", "", "f.go", 4)}}},
			head: State{Inventory: &Inventory{Defs: []Definition{{Flag: "A", Default: &yes, Pos: at("f.go", 4)}}}},
			want: []Change{{Flag: "A", Kind: Modified, Fields: []string{FieldDefault}, Pos: at("f.go", 4)}},
		},
		{
			name: "modified: registry fields, cps as a set, owner ignored",
			base: State{Registry: &Registry{Flags: []Entry{
				entry("A", 1, "4.3.1", "4.3.2"), entry("B", 10, "1.1"), entry("C", 20), entry("D", 30, "1.1"),
			}}},
			head: State{Registry: &Registry{Flags: []Entry{
				{Name: "A", Description: "d", Status: StatusActive, CPS: []string{"4.3.2", "4.3.1", "4.3.1"}, Owner: "@x", Pos: at("reg.yaml", 2)},
				{Name: "B", Description: "changed", Status: StatusDeprecated, CPS: []string{"1.2"}, Pos: at("reg.yaml", 11), CPSPos: at("reg.yaml", 13)},
				{Name: "C", Description: "d", Status: StatusActive, NoCPSImpact: "internal", Pos: at("reg.yaml", 21)},
				entry("D", 31, "1.1"),
			}}},
			want: []Change{
				{Flag: "B", Kind: Modified, Fields: []string{FieldCPS, FieldDescription, FieldStatus}, Pos: at("reg.yaml", 13)},
				{Flag: "C", Kind: Modified, Fields: []string{FieldNoCPSImpact}, Pos: at("reg.yaml", 21)},
			},
		},
		{
			name: "modified: code and registry, code position first",
			base: State{Registry: &Registry{Flags: []Entry{entry("A", 1, "1.1")}}, Inventory: &Inventory{Defs: []Definition{def("A", "x", "f.go", 4)}}},
			head: State{Registry: &Registry{Flags: []Entry{entry("A", 1, "1.2")}}, Inventory: &Inventory{Defs: []Definition{def("A", "y", "f.go", 4)}}},
			want: []Change{{Flag: "A", Kind: Modified, Fields: []string{FieldCPS, FieldDescription}, Pos: at("f.go", 4)}},
		},
		{
			name: "registered at head only: not a modification",
			base: State{Inventory: &Inventory{Defs: []Definition{def("A", "", "f.go", 4)}}},
			head: State{Registry: &Registry{Flags: []Entry{entry("A", 1, "1.1")}}, Inventory: &Inventory{Defs: []Definition{def("A", "", "f.go", 4)}}},
		},
		{
			name: "sorted by flag then kind",
			base: State{Inventory: &Inventory{Defs: []Definition{def("B", "", "f.go", 1), def("C", "x", "f.go", 2)}}},
			head: State{Inventory: &Inventory{
				Defs:           []Definition{def("A", "", "f.go", 1), def("C", "y", "f.go", 2)},
				ListedSettings: []Setting{setting("C", "p.json", true, 1)},
			}},
			want: []Change{
				{Flag: "A", Kind: Added, Pos: at("f.go", 1)},
				{Flag: "B", Kind: Removed, Pos: at("f.go", 1)},
				{Flag: "C", Kind: Modified, Fields: []string{FieldDescription}, Pos: at("f.go", 2)},
				{Flag: "C", Kind: Enabled, Env: "p.json", Path: "features", Pos: at("p.json", 1)},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Diff(tt.base, tt.head)
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("Diff mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestDiffRegistry(t *testing.T) {
	rev := func(reviewer, date, notes string, line int) review.Review {
		return review.Review{Flag: "A", Date: date, Reviewer: reviewer, Sections: []string{"4.3.1"}, Verdict: review.VerdictCompliant,
			Notes: notes, Origin: review.OriginRegistry, Pos: at("reg.yaml", line)}
	}
	entry := func(name string, line int, cps []string, reviews ...review.Review) Entry {
		return Entry{Name: name, CPS: cps, Reviews: reviews, Pos: at("reg.yaml", line), CPSPos: at("reg.yaml", line+1)}
	}
	tests := []struct {
		name        string
		base, head  *Registry
		want        []RegistryChange
		wantReviews []review.Review
	}{
		{
			name: "both nil",
		},
		{
			name: "new registry: every review is new",
			head: &Registry{Flags: []Entry{
				entry("B", 9, nil, review.Review{Flag: "B", Reviewer: "bob", Date: "2024-01-01", Pos: at("reg.yaml", 12)}),
				entry("A", 1, nil, rev("alice", "2024-04-12", "", 4)),
			}},
			wantReviews: []review.Review{rev("alice", "2024-04-12", "", 4), {Flag: "B", Reviewer: "bob", Date: "2024-01-01", Pos: at("reg.yaml", 12)}},
		},
		{
			name: "entry removed, registry gone",
			base: &Registry{Flags: []Entry{entry("A", 3, []string{"1.1"}, rev("alice", "2024-04-12", "", 4))}},
			want: []RegistryChange{{Flag: "A", Kind: EntryRemoved, Detail: "registry entry removed", Pos: at("reg.yaml", 3)}},
		},
		{
			name: "link removed, link added, reordered",
			base: &Registry{Flags: []Entry{entry("A", 3, []string{"4.3.1", "4.3.2", "4.9.1"})}},
			head: &Registry{Flags: []Entry{entry("A", 5, []string{"4.9.1", "4.3.1", "5.1"})}},
			want: []RegistryChange{{Flag: "A", Kind: LinkRemoved, Detail: "4.3.2", Pos: at("reg.yaml", 6)}},
		},
		{
			name: "reviews: unchanged but moved, modified, removed, added",
			base: &Registry{Flags: []Entry{entry("A", 1, nil,
				rev("alice", "2024-04-12", "", 2),
				rev("bob", "2024-05-01", "first", 3),
				rev("carol", "2024-06-01", "", 4),
				rev("carol", "2024-06-01", "", 5),
			)}},
			head: &Registry{Flags: []Entry{entry("A", 10, nil,
				rev("dave", "2024-07-01", "", 11),
				rev("bob", "2024-05-01", "edited", 12),
				rev("carol", "2024-06-01", "", 13),
				rev("alice", "2024-04-12", "", 14),
			)}},
			want: []RegistryChange{
				{Flag: "A", Kind: ReviewModified, Detail: "review by bob of 2024-05-01", Pos: at("reg.yaml", 10)},
				{Flag: "A", Kind: ReviewRemoved, Detail: "review by carol of 2024-06-01", Pos: at("reg.yaml", 10)},
			},
			wantReviews: []review.Review{rev("dave", "2024-07-01", "", 11)},
		},
		{
			name: "review content: sections order matters, empty and nil sections alike",
			base: &Registry{Flags: []Entry{entry("A", 1, nil,
				review.Review{Flag: "A", Reviewer: "x", Date: "d", Sections: []string{}},
				review.Review{Flag: "A", Reviewer: "y", Date: "d", SectionHashes: map[string]string{"1": "a", "2": "b"}},
			)}},
			head: &Registry{Flags: []Entry{entry("A", 1, nil,
				review.Review{Flag: "A", Reviewer: "x", Date: "d"},
				review.Review{Flag: "A", Reviewer: "y", Date: "d", SectionHashes: map[string]string{"2": "b", "1": "c"}},
			)}},
			want: []RegistryChange{{Flag: "A", Kind: ReviewModified, Detail: "review by y of d", Pos: at("reg.yaml", 1)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, gotReviews := DiffRegistry(tt.base, tt.head)
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("changes mismatch (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(gotReviews, tt.wantReviews); diff != "" {
				t.Errorf("new reviews mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestDiffReaderClasses(t *testing.T) {
	def := func(flag, jsonKey string, line int) Definition {
		return Definition{Flag: flag, Kind: KindGoStruct, JSONKey: jsonKey, YAMLKey: "a", Pos: at("f.go", line)}
	}
	setting := func(flag, file string, value bool, line int) Setting {
		return Setting{Flag: flag, Kind: KindConfig, Env: "prod", Path: "features", Value: value, Pos: at(file, line)}
	}
	reg := &Registry{Flags: []Entry{{Name: "A", Status: StatusActive, Pos: at("reg.yaml", 1)}}}
	tests := []struct {
		name       string
		base, head State
		diff       func(base, head State) []Change
		want       []Change
	}{
		{
			name: "a tag changes the key: modified",
			base: State{Inventory: &Inventory{Defs: []Definition{def("A", "A", 3)}}},
			head: State{Inventory: &Inventory{Defs: []Definition{def("A", "other", 3)}}},
			diff: Diff,
			want: []Change{{Flag: "A", Kind: Modified, Fields: []string{FieldKey}, Pos: at("f.go", 3)}},
		},
		{
			name: "two files of one environment: each file's setting is its own",
			base: State{Inventory: &Inventory{ListedSettings: []Setting{setting("A", "a.json", true, 2), setting("A", "b.json", false, 2)}}},
			head: State{Inventory: &Inventory{ListedSettings: []Setting{setting("A", "a.json", true, 2), setting("A", "b.json", true, 2)}}},
			diff: Diff,
			want: []Change{{Flag: "A", Kind: Enabled, Env: "prod", Path: "features", Pos: at("b.json", 2)}},
		},
		{
			name: "deleted from the code, still set and registered: removed",
			base: State{Registry: reg, Inventory: &Inventory{Defs: []Definition{def("A", "A", 3)}, ListedSettings: []Setting{setting("A", "a.json", true, 2)}}},
			head: State{Registry: reg, Inventory: &Inventory{ListedSettings: []Setting{setting("A", "a.json", true, 2)}}},
			diff: DiffWithCodeRemovals,
			want: []Change{{Flag: "A", Kind: Removed, Pos: at("f.go", 3)}},
		},
		{
			name: "deleted from the code, still set: Diff alone lists nothing",
			base: State{Registry: reg, Inventory: &Inventory{Defs: []Definition{def("A", "A", 3)}, ListedSettings: []Setting{setting("A", "a.json", true, 2)}}},
			head: State{Registry: reg, Inventory: &Inventory{ListedSettings: []Setting{setting("A", "a.json", true, 2)}}},
			diff: Diff,
		},
		{
			name: "deleted from code and config, still registered: removed and the setting disabled",
			base: State{Registry: reg, Inventory: &Inventory{Defs: []Definition{def("A", "A", 3)}, ListedSettings: []Setting{setting("A", "a.json", true, 2)}}},
			head: State{Registry: reg, Inventory: &Inventory{}},
			diff: DiffWithCodeRemovals,
			want: []Change{
				{Flag: "A", Kind: Removed, Pos: at("f.go", 3)},
				{Flag: "A", Kind: Disabled, Env: "prod", Path: "features", Pos: at("a.json", 2)},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.diff(tt.base, tt.head), tt.want); diff != "" {
				t.Errorf("changes (-got +want):\n%s", diff)
			}
		})
	}
}

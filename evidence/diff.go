package evidence

import (
	"cmp"
	"slices"

	"github.com/cpsgate/cpsgate/diag"
)

// Kinds of test change.
const (
	Added     = "added"     // a test linked at head that was not at base (a new test, or a new link of one)
	Removed   = "removed"   // a test linked at base that head no longer has
	Renamed   = "renamed"   // a test linked at base that head has under another name or package (same body)
	Skipped   = "skipped"   // a linked test whose body now calls t.Skip
	Unskipped = "unskipped" // a linked test whose body no longer calls t.Skip
	Unlinked  = "unlinked"  // a test that lost links it had at base
	Modified  = "modified"  // a linked test whose body changed
)

// Change is what a change did to one test linked to sections at base or
// head.
type Change struct {
	Test    string // the head ID; the base ID for a removed test
	OldTest string // renamed: the base ID
	Kind    string
	// Sections are the sections the change concerns: those the test was
	// linked to at base (removed, renamed, skipped), the links it lost
	// (unlinked), or those it is linked to at head (added, unskipped,
	// modified).
	Sections []string
	Pos      diag.Pos // at head; at base for a removed test
}

// Diff returns the changes between the tests of base and head (as Resolve
// returns them), sorted by test then kind. Only tests linked at base or
// head are compared.
func Diff(base, head []Test) []Change {
	baseBy, headBy := index(base), index(head)
	var out []Change
	var gone []*Test // linked at base, not at head
	for i := range base {
		b := &base[i]
		if !b.Linked() {
			continue
		}
		h, ok := headBy[b.key()]
		if !ok {
			gone = append(gone, b)
			continue
		}
		if lost := minus(b.Sections(), h.Sections()); len(lost) > 0 {
			out = append(out, Change{Test: h.ID, Kind: Unlinked, Sections: lost, Pos: h.Pos})
		}
		secs := union(b.Sections(), h.Sections())
		switch {
		case !b.Skipped && h.Skipped:
			out = append(out, Change{Test: h.ID, Kind: Skipped, Sections: secs, Pos: h.Pos})
		case b.Skipped && !h.Skipped:
			out = append(out, Change{Test: h.ID, Kind: Unskipped, Sections: secs, Pos: h.Pos})
		case b.Hash != h.Hash:
			out = append(out, Change{Test: h.ID, Kind: Modified, Sections: secs, Pos: h.Pos})
		}
	}
	// A test that head has and base has not, with the body of a test that
	// is gone, is that test renamed (or moved to another package).
	byHash := map[string][]*Test{}
	for i := range head {
		h := &head[i]
		if _, ok := baseBy[h.key()]; !ok {
			byHash[h.Hash] = append(byHash[h.Hash], h)
		}
	}
	renamed := map[string]bool{} // head keys
	for _, b := range gone {
		var to *Test
		for _, h := range byHash[b.Hash] {
			if !renamed[h.key()] {
				to = h
				break
			}
		}
		if to == nil {
			out = append(out, Change{Test: b.ID, Kind: Removed, Sections: b.Sections(), Pos: b.Pos})
			continue
		}
		renamed[to.key()] = true
		out = append(out, Change{Test: to.ID, OldTest: b.ID, Kind: Renamed, Sections: b.Sections(), Pos: to.Pos})
		if lost := minus(b.Sections(), to.Sections()); len(lost) > 0 {
			out = append(out, Change{Test: to.ID, Kind: Unlinked, Sections: lost, Pos: to.Pos})
		}
	}
	for i := range head {
		h := &head[i]
		if !h.Linked() || renamed[h.key()] {
			continue
		}
		b, ok := baseBy[h.key()]
		if !ok {
			out = append(out, Change{Test: h.ID, Kind: Added, Sections: h.Sections(), Pos: h.Pos})
		} else if added := minus(h.Sections(), b.Sections()); len(added) > 0 {
			out = append(out, Change{Test: h.ID, Kind: Added, Sections: added, Pos: h.Pos})
		}
	}
	slices.SortFunc(out, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.Test, b.Test), cmp.Compare(a.Kind, b.Kind), a.Pos.Compare(b.Pos))
	})
	return out
}

func index(tests []Test) map[string]*Test {
	out := make(map[string]*Test, len(tests))
	for i := range tests {
		if _, dup := out[tests[i].key()]; !dup {
			out[tests[i].key()] = &tests[i]
		}
	}
	return out
}

// minus returns the IDs of a (sorted) not in b.
func minus(a, b []string) []string {
	var out []string
	for _, id := range a {
		if !slices.Contains(b, id) {
			out = append(out, id)
		}
	}
	return out
}

// union returns the IDs of a and b, sorted, once each.
func union(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.SortFunc(out, compareIDs)
	return slices.Compact(out)
}

package evidence

import (
	"cmp"
	"slices"

	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/flags"
)

func compareIDs(a, b string) int { return cps.CompareIDs(a, b) }

// Resolve returns the tests with the registry's pattern links added to their
// comment links, and their IDs set: the name, or "dir.Name" for a name that
// several linked tests share. The tests are not modified.
func Resolve(tests []Test, rules []flags.SectionRule) []Test {
	out := slices.Clone(tests)
	names := map[string]int{} // linked tests per name
	for i := range out {
		t := &out[i]
		t.Links = slices.Clone(t.Links)
		for _, r := range rules {
			for _, p := range r.Tests {
				if p.Match(t.Name) {
					t.Links = append(t.Links, Link{Section: r.ID, Via: ViaRegistry, Pos: p.Pos})
					break
				}
			}
		}
		slices.SortFunc(t.Links, func(a, b Link) int {
			return cmp.Or(cps.CompareIDs(a.Section, b.Section), cmp.Compare(a.Via, b.Via), a.Pos.Compare(b.Pos))
		})
		if t.Linked() {
			names[t.Name]++
		}
	}
	for i := range out {
		t := &out[i]
		t.ID = t.Name
		if names[t.Name] > 1 {
			t.ID = t.Dir + "." + t.Name
		}
	}
	return out
}

// LinkedTo returns the tests linked to section id.
func LinkedTo(tests []Test, id string) []Test {
	var out []Test
	for _, t := range tests {
		if slices.ContainsFunc(t.Links, func(l Link) bool { return l.Section == id }) {
			out = append(out, t)
		}
	}
	return out
}

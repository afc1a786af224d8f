package evidence

import (
	"cmp"
	"slices"

	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/policies"
)

// AddToInput sets the tests, test changes and test requirements of the
// policy input from the tests of base and head (as Resolve returns them)
// and the registries' sections: parts (either may be nil).
func AddToInput(in *policies.Input, base, head []Test, baseReg, headReg *flags.Registry) {
	in.Tests = map[string]policies.Test{}
	in.TestChanges = []policies.TestChange{}
	in.TestRequirements = []policies.TestRequirement{}
	for _, side := range []struct {
		tests []Test
		head  bool
	}{{base, false}, {head, true}} {
		for _, t := range side.tests {
			if !t.Linked() {
				continue
			}
			it, ok := in.Tests[t.ID]
			if !ok {
				it = policies.Test{ID: t.ID, Name: t.Name, Package: t.Dir, Sections: []string{}, BaseSections: []string{}, Links: []policies.TestLink{}}
			}
			if side.head {
				it.InHead, it.Skipped, it.Sections = true, t.Skipped, t.Sections()
				it.File, it.Line = t.Pos.File, t.Pos.Line
				for _, l := range t.Links {
					it.Links = append(it.Links, policies.TestLink{Section: l.Section, Via: l.Via, File: l.Pos.File, Line: l.Pos.Line})
				}
			} else {
				it.InBase, it.BaseSections = true, t.Sections()
				it.File, it.Line = t.Pos.File, t.Pos.Line
			}
			in.Tests[t.ID] = it
		}
	}
	for _, c := range Diff(base, head) {
		in.TestChanges = append(in.TestChanges, policies.TestChange{
			Test: c.Test, OldTest: c.OldTest, Change: c.Kind, Sections: c.Sections, File: c.Pos.File, Line: c.Pos.Line,
		})
	}
	reqs := map[string]policies.TestRequirement{}
	for _, side := range []struct {
		reg  *flags.Registry
		head bool
	}{{baseReg, false}, {headReg, true}} {
		if side.reg == nil {
			continue
		}
		for _, r := range side.reg.Sections {
			if !r.RequiresTest {
				continue
			}
			q := reqs[r.ID]
			q.Section = r.ID
			if side.head {
				q.InHead = true
			} else {
				q.InBase = true
			}
			if side.head || q.File == "" {
				q.File, q.Line = r.Pos.File, r.Pos.Line
			}
			reqs[r.ID] = q
		}
	}
	for _, q := range reqs {
		in.TestRequirements = append(in.TestRequirements, q)
	}
	slices.SortFunc(in.TestRequirements, func(a, b policies.TestRequirement) int {
		return cmp.Or(compareIDs(a.Section, b.Section), cmp.Compare(a.File, b.File))
	})
}

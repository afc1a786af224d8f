package flags

import (
	"cmp"
	"slices"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/review"
)

// ParameterRegistryChange is an alteration of a parameter's registry
// content that existed at base (the kinds of RegistryChange).
type ParameterRegistryChange struct {
	Parameter string
	Kind      string
	Detail    string
	Pos       diag.Pos // in head when the entry still exists there, else in base
}

// DiffParameters is DiffRegistry for the registry's parameters: what the
// change did to parameter entries that existed at base (a removed entry, a
// removed link, a removed or edited review), and the reviews of parameters
// that head adds. Either registry may be nil.
func DiffParameters(base, head *Registry) (changes []ParameterRegistryChange, newReviews []review.Review) {
	b, h := parametersByName(base), parametersByName(head)
	for _, name := range unionKeys(b, h, cmp.Compare[string]) {
		bp, hp := b[name], h[name]
		switch {
		case hp == nil:
			changes = append(changes, ParameterRegistryChange{Parameter: name, Kind: EntryRemoved, Pos: bp.Pos})
		case bp == nil:
			newReviews = append(newReviews, hp.Reviews...)
		case slices.Equal(bp.CPS, hp.CPS) && sameReviews(bp.Reviews, hp.Reviews):
		default:
			for _, id := range sortedSet(bp.CPS) {
				if !slices.Contains(hp.CPS, id) {
					changes = append(changes, ParameterRegistryChange{Parameter: name, Kind: LinkRemoved, Detail: id, Pos: hp.CPSPos})
				}
			}
			gone, added := multisetDiff(bp.Reviews, hp.Reviews)
			for _, r := range gone {
				kind := ReviewRemoved
				if i := slices.IndexFunc(added, func(n review.Review) bool { return n.Date == r.Date && n.Reviewer == r.Reviewer }); i >= 0 {
					kind = ReviewModified
					added = slices.Delete(added, i, i+1)
				}
				changes = append(changes, ParameterRegistryChange{Parameter: name, Kind: kind,
					Detail: "review by " + r.Reviewer + " of " + r.Date, Pos: hp.Pos})
			}
			newReviews = append(newReviews, added...)
		}
	}
	slices.SortFunc(changes, func(x, y ParameterRegistryChange) int {
		return cmp.Or(cmp.Compare(x.Parameter, y.Parameter), cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Detail, y.Detail), x.Pos.Compare(y.Pos))
	})
	slices.SortStableFunc(newReviews, func(x, y review.Review) int {
		return cmp.Or(cmp.Compare(x.Parameter, y.Parameter), x.Pos.Compare(y.Pos))
	})
	return changes, newReviews
}

// parametersByName indexes the parameters of reg.
func parametersByName(reg *Registry) map[string]*Parameter {
	m := make(map[string]*Parameter)
	if reg == nil {
		return m
	}
	for i := range reg.Parameters {
		if _, dup := m[reg.Parameters[i].Name]; !dup {
			m[reg.Parameters[i].Name] = &reg.Parameters[i]
		}
	}
	return m
}

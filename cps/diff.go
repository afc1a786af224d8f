package cps

import (
	"cmp"
	"slices"
	"strings"
)

// Diff lists the differences between two versions of a CPS, given all
// their sections (of every document):
//
//   - an ID in both: Modified when the own-text hash differs, Retitled when
//     the title differs after folding white space (both may be emitted);
//   - an ID only in base and one only in head: Renumbered when the own text
//     is non-empty and hashes equal, or, for sections without own text, when
//     the titles are equal; candidates pair in document order. OldTitle is
//     set when the title changed too;
//   - any other ID: Removed (ID, Pos from base) or Added.
//
// Changes are sorted by ID (CompareIDs), then kind.
func Diff(base, head []Section) []Change {
	inBase, inHead := byID(base), byID(head)
	var changes []Change
	var onlyBase, onlyHead []*Section
	for i := range head {
		h := &head[i]
		if b, ok := inBase[h.ID]; ok {
			changes = append(changes, compareSame(b, h)...)
		} else {
			onlyHead = append(onlyHead, h)
		}
	}
	for i := range base {
		if _, ok := inHead[base[i].ID]; !ok {
			onlyBase = append(onlyBase, &base[i])
		}
	}
	changes = append(changes, pairMoved(onlyBase, onlyHead)...)
	slices.SortFunc(changes, func(a, b Change) int {
		return cmp.Or(CompareIDs(a.ID, b.ID), strings.Compare(a.Kind, b.Kind), CompareIDs(a.OldID, b.OldID))
	})
	return changes
}

// byID indexes sections by ID, keeping the first of a repeated ID.
func byID(secs []Section) map[string]*Section {
	m := make(map[string]*Section, len(secs))
	for i := range secs {
		if _, ok := m[secs[i].ID]; !ok {
			m[secs[i].ID] = &secs[i]
		}
	}
	return m
}

// compareSame compares two versions of one ID.
func compareSame(b, h *Section) []Change {
	var changes []Change
	if b.Hash != h.Hash {
		changes = append(changes, change(Modified, b, h))
	}
	if foldSpace(b.Title) != foldSpace(h.Title) {
		c := change(Retitled, b, h)
		c.OldTitle = b.Title
		changes = append(changes, c)
	}
	return changes
}

// pairMoved pairs sections that left one ID with sections that arrived at
// another, in document order, and reports the rest as removed or added.
func pairMoved(onlyBase, onlyHead []*Section) []Change {
	waiting := map[string][]*Section{} // by contentKey, in document order
	for _, b := range onlyBase {
		k := contentKey(b)
		waiting[k] = append(waiting[k], b)
	}
	var changes []Change
	for _, h := range onlyHead {
		k := contentKey(h)
		if len(waiting[k]) == 0 {
			changes = append(changes, change(Added, nil, h))
			continue
		}
		b := waiting[k][0]
		waiting[k] = waiting[k][1:]
		c := change(Renumbered, b, h)
		c.OldID = b.ID
		if foldSpace(b.Title) != foldSpace(h.Title) {
			c.OldTitle = b.Title
		}
		changes = append(changes, c)
	}
	for _, b := range onlyBase {
		k := contentKey(b)
		if len(waiting[k]) > 0 && waiting[k][0] == b {
			waiting[k] = waiting[k][1:]
			changes = append(changes, change(Removed, b, nil))
		}
	}
	return changes
}

// contentKey identifies a section across IDs: its own text when it has
// some, else its title.
func contentKey(s *Section) string {
	if foldSpace(s.Text) == "" {
		return "title:" + foldSpace(s.Title)
	}
	return s.Hash
}

// change builds a change of kind from base b to head h (either may be nil).
func change(kind string, b, h *Section) Change {
	c := Change{Kind: kind}
	if b != nil {
		c.ID, c.Title, c.OldHash, c.OldPos = b.ID, b.Title, b.Hash, b.Pos
	}
	if h != nil {
		c.ID, c.Title, c.Hash, c.Pos = h.ID, h.Title, h.Hash, h.Pos
	} else {
		c.Pos = b.Pos
	}
	return c
}

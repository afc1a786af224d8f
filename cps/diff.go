package cps

import (
	"cmp"
	"slices"
	"strings"
)

// Diff lists the differences between two versions of a CPS, given all
// their sections (of every document). It pairs each section of base with
// the section of head that continues it, in passes from the surest match to
// the weakest; a section takes part in one pair at most:
//
//  1. the same ID and the same title (white space folded, case ignored):
//     the section stayed in place;
//  2. the same title and the same own text at another ID: it moved, as when
//     a section is inserted or deleted before it (4.2.2 becomes 4.2.3);
//     sections without own text pair by title alone. Equal candidates pair
//     in document order;
//  3. the same ID and the same non-empty own text: retitled in place;
//  4. the same non-empty own text at another ID, between sections whose
//     own ID is not continued by another section: moved and retitled;
//  5. the same ID: the section changed in place.
//
// A pair at one ID gives Modified when the own-text hash differs and
// Retitled when the title differs after folding white space (both may be
// emitted); a pair across IDs gives Renumbered (OldID set, and OldTitle when
// the title changed), whose text is always the same. What is left is
// Removed (ID, Pos from base) or Added: an ID whose section moved away and
// that a new section took is Added (and the move Renumbered).
//
// Changes are sorted by ID (CompareIDs), then kind. Diff is linear in the
// number of sections, apart from the sort.
func Diff(base, head []Section) []Change {
	p := newPairing(base, head)
	// 1. In place.
	p.pass(func(s *Section, k *sectionKeys) string { return s.ID + "\x00" + k.title }, nil)
	// 2. Moved, by title and content.
	p.pass(func(s *Section, k *sectionKeys) string { return k.title + "\x00" + s.Hash }, nil)
	// 3. Retitled in place.
	p.pass(func(s *Section, k *sectionKeys) string {
		if !k.text {
			return ""
		}
		return s.ID + "\x00" + s.Hash
	}, nil)
	// 4. Moved and retitled, by content, where the ID is free.
	p.pass(func(s *Section, k *sectionKeys) string {
		if !k.text {
			return ""
		}
		return s.Hash
	}, p.idFree)
	// 5. Changed in place.
	p.pass(func(s *Section, _ *sectionKeys) string { return s.ID }, nil)

	var changes []Change
	for i := range head {
		h := &head[i]
		j, ok := p.headTo[i]
		if !ok {
			changes = append(changes, change(Added, nil, h))
			continue
		}
		b := &base[j]
		if b.ID == h.ID {
			changes = append(changes, compareSame(b, h)...)
			continue
		}
		c := change(Renumbered, b, h)
		c.OldID = b.ID
		if foldSpace(b.Title) != foldSpace(h.Title) {
			c.OldTitle = b.Title
		}
		changes = append(changes, c)
	}
	for j := range base {
		if !p.basePaired[j] {
			changes = append(changes, change(Removed, &base[j], nil))
		}
	}
	slices.SortFunc(changes, func(a, b Change) int {
		return cmp.Or(CompareIDs(a.ID, b.ID), strings.Compare(a.Kind, b.Kind), CompareIDs(a.OldID, b.OldID))
	})
	return changes
}

// pairing is the state of Diff's passes.
type pairing struct {
	base, head []Section
	headTo     map[int]int // head index -> base index
	basePaired []bool
	headPaired []bool
	// baseIDs and headIDs index the sections by ID (all of a repeated ID).
	baseIDs, headIDs map[string][]int
	// baseKeys and headKeys are what the passes match on, computed once.
	baseKeys, headKeys []sectionKeys
}

// sectionKeys are a section's title for matching (white space folded, case
// ignored) and whether it has own text (not only white space).
type sectionKeys struct {
	title string
	text  bool
}

func keysOf(secs []Section) []sectionKeys {
	out := make([]sectionKeys, len(secs))
	for i := range secs {
		out[i] = sectionKeys{title: strings.ToLower(foldSpace(secs[i].Title)), text: secs[i].Hash != emptyHash}
	}
	return out
}

// emptyHash is the hash of a section without own text.
var emptyHash = HashText("")

func newPairing(base, head []Section) *pairing {
	p := &pairing{
		base: base, head: head, headTo: make(map[int]int, len(head)),
		basePaired: make([]bool, len(base)), headPaired: make([]bool, len(head)),
		baseIDs: make(map[string][]int, len(base)), headIDs: make(map[string][]int, len(head)),
		baseKeys: keysOf(base), headKeys: keysOf(head),
	}
	for i := range base {
		p.baseIDs[base[i].ID] = append(p.baseIDs[base[i].ID], i)
	}
	for i := range head {
		p.headIDs[head[i].ID] = append(p.headIDs[head[i].ID], i)
	}
	return p
}

// pass pairs the unpaired sections of base and head whose keys are equal
// and not empty, in document order. eligible, when set, limits the pass to
// the sections it accepts (side is "base" or "head").
func (p *pairing) pass(key func(*Section, *sectionKeys) string, eligible func(side string, i int) bool) {
	waiting := map[string][]int{} // key -> unpaired base indices, in document order
	for j := range p.base {
		if p.basePaired[j] || eligible != nil && !eligible("base", j) {
			continue
		}
		if k := key(&p.base[j], &p.baseKeys[j]); k != "" {
			waiting[k] = append(waiting[k], j)
		}
	}
	if len(waiting) == 0 {
		return
	}
	for i := range p.head {
		if p.headPaired[i] || eligible != nil && !eligible("head", i) {
			continue
		}
		k := key(&p.head[i], &p.headKeys[i])
		if k == "" || len(waiting[k]) == 0 {
			continue
		}
		j := waiting[k][0]
		waiting[k] = waiting[k][1:]
		p.headTo[i] = j
		p.basePaired[j], p.headPaired[i] = true, true
	}
}

// idFree reports whether a section's ID is not continued on the other side
// by another section still unpaired: no section there has the ID, or those
// that have it are paired already. A section whose ID the other side still
// holds unpaired is left to pair in place.
func (p *pairing) idFree(side string, i int) bool {
	var id string
	var others []int
	var paired []bool
	if side == "base" {
		id = p.base[i].ID
		others, paired = p.headIDs[id], p.headPaired
	} else {
		id = p.head[i].ID
		others, paired = p.baseIDs[id], p.basePaired
	}
	for _, k := range others {
		if !paired[k] {
			return false
		}
	}
	return true
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

// Package change is the one definition of what changed between two states
// of the repository (revision.State): the CPS sections added, removed,
// modified, retitled or renumbered; the flags added, removed, modified,
// enabled or disabled, where a link that only follows its renumbered
// section is no change; what the change did to the registry; and the
// reviews attached to the change. check.BuildInput builds the policy input
// from it, and the report its events, so that `check` of a commit against
// its parent and `report` over that commit see the same change.
package change

import (
	"maps"
	"slices"

	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/review"
	"github.com/cpsgate/cpsgate/revision"
)

// Set is what changed from one state to another.
type Set struct {
	// CPS are the section changes, as cps.Diff finds them (a section both
	// retitled and modified has two; see Reported).
	CPS []cps.Change
	// Renumbered maps the base ID of each renumbered section to its head ID.
	Renumbered map[string]string
	// Flags are the flag changes (flags.DiffWithCodeRemovals), less the
	// links that only follow renumbered sections.
	Flags []flags.Change
	// Registry is what the change did to registry content that existed at
	// base, less the links removed only to follow their renumbered section.
	Registry []flags.RegistryChange
	// NewReviews are the reviews the change adds to the registry.
	NewReviews []review.Review
}

// Between returns what changed from base to head. Parts that the two
// states share (the history loader shares what a commit did not change)
// are not compared.
func Between(base, head *revision.State) Set {
	var s Set
	if !slices.Equal(base.Docs, head.Docs) {
		s.CPS = cps.Diff(sectionList(base), sectionList(head))
	}
	s.Renumbered = map[string]string{}
	for _, c := range s.CPS {
		if c.Kind == cps.Renumbered {
			s.Renumbered[c.OldID] = c.ID
		}
	}
	for _, c := range flagDiff(base, head) {
		if c.Kind == flags.Modified && slices.Contains(c.Fields, flags.FieldCPS) &&
			linksFollowRenumbering(base.Registry, head.Registry, c.Flag, s.Renumbered) {
			// The links changed only to follow renumbered sections: the
			// flag still links the same text.
			c.Fields = slices.DeleteFunc(slices.Clone(c.Fields), func(f string) bool { return f == flags.FieldCPS })
			if len(c.Fields) == 0 {
				continue
			}
		}
		s.Flags = append(s.Flags, c)
	}
	if base.Registry != head.Registry {
		var reg []flags.RegistryChange
		reg, s.NewReviews = flags.DiffRegistry(base.Registry, head.Registry)
		for _, c := range reg {
			if c.Kind == flags.LinkRemoved && followsRenumbering(head.Registry.Lookup(c.Flag), c.Detail, s.Renumbered) {
				continue // the link moved with its section: 4.3.1 became 4.3.2
			}
			s.Registry = append(s.Registry, c)
		}
	}
	return s
}

// Reported are the section changes as check and report show them: a
// retitled section is a modified one, once, with its old title.
func Reported(changes []cps.Change) []cps.Change {
	var out []cps.Change
	modified := map[string]int{} // section -> index in out
	for _, c := range changes {
		if c.Kind != cps.Retitled && c.Kind != cps.Modified {
			out = append(out, c)
			continue
		}
		i, ok := modified[c.ID]
		if !ok {
			i = len(out)
			modified[c.ID] = i
			m := c
			m.Kind, m.OldTitle = cps.Modified, ""
			out = append(out, m)
		}
		if c.Kind == cps.Retitled {
			out[i].OldTitle = c.OldTitle
		}
	}
	return out
}

// Attached returns the reviews attached to a change (the blocks of its
// description or commit message, and its "CPS Compliance Review:"
// paragraphs resolved against head's flag names and section IDs), each
// naming the change's author as its reviewer when it names none. A review
// attached to a change is the author's claim; whether it counts is the
// policies' decision.
func Attached(blocks []review.Review, paragraphs []review.Paragraph, author string, head *revision.State) []review.Review {
	out := slices.Clone(blocks)
	if len(paragraphs) > 0 {
		names := FlagNames(head)
		ids := slices.SortedFunc(maps.Keys(head.Sections), cps.CompareIDs)
		for _, p := range paragraphs {
			out = append(out, review.Resolve(p, names, ids, author)...)
		}
	}
	for i := range out {
		if out[i].Reviewer == "" {
			out[i].Reviewer = author
		}
	}
	return out
}

// FlagNames are the names of the flags a state knows, from its registry and
// its sources, sorted.
func FlagNames(st *revision.State) []string {
	set := map[string]bool{}
	if st.Registry != nil {
		for _, e := range st.Registry.Flags {
			set[e.Name] = true
		}
	}
	if st.Inventory != nil {
		for _, d := range st.Inventory.Defs {
			set[d.Flag] = true
		}
		for flag := range st.Inventory.SettingFlags() {
			set[flag] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// followsRenumbering reports whether a link to removed, a section that this
// change renumbered, was replaced by a link to the section's new ID.
func followsRenumbering(e *flags.Entry, removed string, renumbered map[string]string) bool {
	id, ok := renumbered[removed]
	return ok && e != nil && slices.Contains(e.CPS, id)
}

// linksFollowRenumbering reports whether the flag's links at head are its
// links at base with renumbered sections replaced by their new IDs.
func linksFollowRenumbering(base, head *flags.Registry, name string, renumbered map[string]string) bool {
	if base == nil || head == nil || len(renumbered) == 0 {
		return false
	}
	be, he := base.Lookup(name), head.Lookup(name)
	if be == nil || he == nil {
		return false
	}
	want := make([]string, len(be.CPS))
	for i, id := range be.CPS {
		want[i] = id
		if n, ok := renumbered[id]; ok {
			want[i] = n
		}
	}
	got := slices.Clone(he.CPS)
	slices.Sort(want)
	slices.Sort(got)
	return slices.Equal(got, want)
}

func sectionList(st *revision.State) []cps.Section {
	var out []cps.Section
	for _, d := range st.Docs {
		out = append(out, d.Sections...)
	}
	return out
}

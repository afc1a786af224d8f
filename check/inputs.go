package check

import (
	"reflect"
	"slices"
	"sync"

	"github.com/cpsgate/cpsgate/change"
	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/policies"
	"github.com/cpsgate/cpsgate/review"
)

// Inputs builds the policy inputs of many changes whose states share their
// parts, as the report's commits do: consecutive states hold the same CPS
// documents and section index (the same objects) until a commit changes the
// CPS. An input of a change that leaves the CPS as it was then shares its
// sections, and their term, with the other such inputs of the same CPS
// (policies.SharedSections). The zero value is ready; it is safe for
// concurrent use.
type Inputs struct {
	mu sync.Mutex
	// recent are the sections shared lately, the newest first; reviews
	// the registries' reviews.
	recent  []sharedSections
	reviews []sharedReviews
}

type sharedReviews struct {
	reg    *flags.Registry // held so that its address is not reused
	shared func() *policies.SharedReviews
}

// maxShared is how many versions of the sections Inputs keeps: the report
// judges its commits roughly in order, a few at a time.
const maxShared = 8

type sharedSections struct {
	// index and docs are the state's, held so that their addresses are not
	// reused while the entry is kept.
	index  map[string]*cps.Section
	docs   []*cps.Document
	shared func() *policies.SharedSections
}

// BuildInputFrom is check.BuildInputFrom, with the parts shared with the
// other inputs c built.
func (c *Inputs) BuildInputFrom(base, head *State, set change.Set, ch Change) *policies.Input {
	return buildInputFrom(c, base, head, set, ch)
}

// sections returns the shared sections of head when the change leaves the
// CPS as it was (no section change, the same documents and index at base
// and head: then each section's base tree hash is its tree hash); nil
// otherwise, or when c is nil.
func (c *Inputs) sections(base, head *State, set change.Set) *policies.SharedSections {
	if c == nil || len(set.CPS) > 0 || len(set.Renumbered) > 0 || !sameMap(base.Sections, head.Sections) ||
		!slices.Equal(base.Docs, head.Docs) {
		return nil
	}
	c.mu.Lock()
	var e sharedSections
	found := false
	for i, r := range c.recent {
		if sameMap(r.index, head.Sections) && slices.Equal(r.docs, head.Docs) {
			e, found = r, true
			copy(c.recent[1:i+1], c.recent[:i])
			c.recent[0] = e
			break
		}
	}
	if !found {
		index, docs := head.Sections, slices.Clone(head.Docs)
		e = sharedSections{index: index, docs: docs, shared: sync.OnceValue(func() *policies.SharedSections {
			trees := treeHashes(&State{Docs: docs})
			m := make(map[string]policies.Section, len(index))
			for id, s := range index {
				sec := inputSection(s, trees[id])
				sec.BaseTreeHash = sec.TreeHash
				m[id] = sec
			}
			return policies.NewSharedSections(m)
		})}
		c.recent = slices.Insert(c.recent, 0, e)
		if len(c.recent) > maxShared {
			clear(c.recent[maxShared:])
			c.recent = c.recent[:maxShared]
		}
	}
	c.mu.Unlock()
	return e.shared()
}

// addReviews sets in.Reviews: the head registry's reviews, marking those
// the change added, and the reviews attached to the change (see reviews).
// When the change adds none to the registry and attaches none, the list is
// the one shared by the other inputs of the same registry.
func (c *Inputs) addReviews(in *policies.Input, head *State, added []review.Review, ch Change) {
	if c == nil || len(added) > 0 {
		in.Reviews = reviews(head, added, ch)
		return
	}
	attached := change.Attached(ch.Reviews, ch.Paragraphs, ch.Author, head)
	c.mu.Lock()
	var e sharedReviews
	found := false
	for i, r := range c.reviews {
		if r.reg == head.Registry {
			e, found = r, true
			copy(c.reviews[1:i+1], c.reviews[:i])
			c.reviews[0] = e
			break
		}
	}
	if !found {
		reg := head.Registry
		e = sharedReviews{reg: reg, shared: sync.OnceValue(func() *policies.SharedReviews {
			return policies.NewSharedReviews(registryReviews(reg, nil))
		})}
		c.reviews = slices.Insert(c.reviews, 0, e)
		if len(c.reviews) > maxShared {
			clear(c.reviews[maxShared:])
			c.reviews = c.reviews[:maxShared]
		}
	}
	c.mu.Unlock()
	shared := e.shared()
	if len(attached) == 0 {
		in.ShareReviews(shared)
		return
	}
	out := slices.Clone(shared.List())
	for _, r := range attached {
		out = append(out, inputReview(r, true))
	}
	in.Reviews = out
}

// sameMap reports whether a and b are the same map (not merely equal).
func sameMap(a, b map[string]*cps.Section) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

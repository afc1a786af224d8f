package flags

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/review"
)

// Names of the fields a Modified change lists.
const (
	FieldCPS         = "cps"
	FieldDefault     = "default"
	FieldDescription = "description"
	FieldKey         = "key" // the key a config file sets the flag with (a json or yaml tag)
	FieldNoCPSImpact = "no_cps_impact"
	FieldStatus      = "status"
)

// Diff returns the flag changes from base to head, sorted by flag, then kind
// (added, removed, modified, enabled, disabled, changed), then environment and path.
// A nil Registry or Inventory counts as empty.
func Diff(base, head State) []Change {
	return diff(base, head, false)
}

// DiffWithCodeRemovals is Diff, and also a Removed change for a flag that
// base declares in code and head does not while head still names it (in the
// registry, or a configuration that still sets it): deleting a flag from the
// code makes its behaviour permanent, or drops the settings that name it.
func DiffWithCodeRemovals(base, head State) []Change {
	return diff(base, head, true)
}

func diff(base, head State, codeRemovals bool) []Change {
	same := sameFiles(base.Inventory, head.Inventory)
	b, h := newSnapshot(base, same), newSnapshot(head, same)
	names := unionKeys(b.flags, h.flags, cmp.Compare[string])
	keys := unionKeys(b.settings, h.settings, settingKey.compare)
	// At most one change per flag and per setting: sized once (a change
	// flipping every flag in every file has tens of thousands).
	changes := make([]Change, 0, len(names)+len(keys))
	for _, name := range names {
		bf, hf := b.flags[name], h.flags[name]
		switch {
		case bf == nil:
			changes = append(changes, Change{Flag: name, Kind: Added, Pos: hf.pos()})
		case hf == nil, codeRemovals && len(bf.defs) > 0 && len(hf.defs) == 0:
			changes = append(changes, Change{Flag: name, Kind: Removed, Pos: bf.pos()})
		default:
			if c, ok := modification(name, bf, hf); ok {
				changes = append(changes, c)
			}
		}
	}
	for _, key := range keys {
		if c, ok := flip(key, b.settings[key], h.settings[key]); ok {
			changes = append(changes, c)
		}
	}
	slices.SortFunc(changes, func(x, y Change) int {
		return cmp.Or(cmp.Compare(x.Flag, y.Flag), cmp.Compare(kindRank[x.Kind], kindRank[y.Kind]),
			cmp.Compare(x.Env, y.Env), cmp.Compare(x.Path, y.Path))
	})
	if len(changes) == 0 {
		return nil // no change: nil, as before sizing
	}
	return changes
}

// kindRank orders change kinds in a sorted list of changes.
var kindRank = map[string]int{Added: 0, Removed: 1, Modified: 2, Enabled: 3, Disabled: 4, Changed: 5}

// snapshot indexes what one revision says about flags.
type snapshot struct {
	flags    map[string]*flagInfo
	settings map[settingKey]Setting
}

// flagInfo is what one revision says about one flag.
type flagInfo struct {
	defs  []Definition // sorted by position
	entry *Entry
	// setPos is the first position of the flag's settings in changed
	// files, and of a setting in a file the same at both revisions that
	// comes first in the order of the settings (hasSet: it has some).
	setPos diag.Pos
	hasSet bool
}

// noteSetting takes pos as a candidate for setPos.
func (f *flagInfo) noteSetting(pos diag.Pos) {
	if !f.hasSet || pos.Compare(f.setPos) < 0 {
		f.setPos, f.hasSet = pos, true
	}
}

// settingKey identifies a setting across revisions: each file's setting is
// its own, also when several files share one environment.
type settingKey struct{ Flag, Env, File, Path string }

// compare orders setting keys by flag, environment, file and path.
func (k settingKey) compare(o settingKey) int {
	return cmp.Or(cmp.Compare(k.Flag, o.Flag), cmp.Compare(k.Env, o.Env), cmp.Compare(k.File, o.File), cmp.Compare(k.Path, o.Path))
}

// sameFiles returns the configuration files whose content (as the sources
// read it) is the same at both revisions: their settings are the same, so
// comparing them setting by setting is work a large CA's change (one file
// of hundreds) need not do.
func sameFiles(base, head *Inventory) map[string]bool {
	same := map[string]bool{}
	if base == nil || head == nil {
		return same
	}
	for file, d := range head.Digests {
		if bd, ok := base.Digests[file]; ok && bd == d {
			same[file] = true
		}
	}
	return same
}

// newSnapshot indexes st; the settings of the files in same only name their
// flags (for added and removed flags), and are not compared.
func newSnapshot(st State, same map[string]bool) snapshot {
	n, nSettings := 0, 0
	if st.Inventory != nil {
		n = len(st.Inventory.Defs)
		groups, _ := st.Inventory.view()
		for _, g := range groups {
			if c := g.compact; c == nil || !same[c.file] {
				nSettings += g.len()
			}
		}
	}
	if st.Registry != nil {
		n = max(n, len(st.Registry.Flags))
	}
	// Only the settings of files not in same go in the map: a large CA's
	// change leaves most files as they were (sized for the others alone).
	s := snapshot{flags: make(map[string]*flagInfo, n), settings: make(map[settingKey]Setting, min(nSettings, 1024))}
	infos := make([]flagInfo, 0, n) // one allocation for most flags
	info := func(name string) *flagInfo {
		f := s.flags[name]
		if f == nil {
			infos = append(infos, flagInfo{})
			f = &infos[len(infos)-1]
			s.flags[name] = f
		}
		return f
	}
	if inv := st.Inventory; inv != nil {
		for _, d := range inv.Defs {
			f := info(d.Flag)
			f.defs = append(f.defs, d)
		}
		// The settings in order, read in place: most are in files in
		// same, of which only the flag and maybe the position count.
		groups, order := inv.view()
		sameGroup := make([]int8, len(groups)) // of a compact group (one file): 1 in same, -1 not
		var f *flagInfo
		prev := ""
		for k := range inv.NumSettings() {
			p := place{0, int32(k)}
			if order != nil {
				p = order[k]
			}
			g, i := &groups[p.group], int(p.i)
			if flag := g.flag(i); f == nil || flag != prev {
				f, prev = info(flag), flag // once for each run of a flag's settings
			}
			var inSame bool
			if c := g.compact; c != nil {
				if sameGroup[p.group] == 0 {
					sameGroup[p.group] = -1
					if same[c.file] {
						sameGroup[p.group] = 1
					}
				}
				inSame = sameGroup[p.group] == 1
			} else {
				inSame = same[g.list[i].Pos.File]
			}
			if inSame {
				if !f.hasSet {
					f.noteSetting(g.at(i).Pos) // for pos
				}
				continue
			}
			set := g.at(i)
			f.noteSetting(set.Pos)
			// One map sets a flag once (Discover refuses two keys for one
			// field); should a key repeat all the same, true wins.
			key := settingKey{set.Flag, set.Env, set.Pos.File, set.Path}
			if old, ok := s.settings[key]; !ok || (set.Value && !old.Value) {
				s.settings[key] = set
			}
		}
	}
	if reg := st.Registry; reg != nil {
		for i := range reg.Flags {
			if e := &reg.Flags[i]; s.flags[e.Name] == nil || s.flags[e.Name].entry == nil {
				info(e.Name).entry = e
			}
		}
	}
	for _, f := range s.flags {
		slices.SortFunc(f.defs, func(x, y Definition) int { return x.Pos.Compare(y.Pos) })
	}
	return s
}

// pos is where the flag is best shown: its first definition, else its
// registry entry, else its first setting.
func (f *flagInfo) pos() diag.Pos {
	switch {
	case len(f.defs) > 0:
		return f.defs[0].Pos
	case f.entry != nil:
		return f.entry.Pos
	}
	return f.setPos
}

// modification compares a flag known at both revisions. Definitions are
// compared file by file (a file only one side has does not count); registry
// fields only when both revisions have an entry.
func modification(name string, b, h *flagInfo) (Change, bool) {
	var desc, def, key, cpsLinks, status, noImpact bool // which fields changed
	var defPos *diag.Pos
	for _, hd := range h.defs {
		for _, bd := range b.defs {
			if bd.Pos.File != hd.Pos.File {
				continue
			}
			descChanged := bd.Description != hd.Description
			defaultChanged := !equalDefault(bd.Default, hd.Default)
			keyChanged := bd.JSONKey != hd.JSONKey || bd.YAMLKey != hd.YAMLKey
			desc = desc || descChanged
			def = def || defaultChanged
			key = key || keyChanged
			if (descChanged || defaultChanged || keyChanged) && defPos == nil {
				defPos = &hd.Pos
			}
		}
	}
	if b.entry != nil && h.entry != nil {
		be, he := b.entry, h.entry
		desc = desc || be.Description != he.Description
		cpsLinks = !slices.Equal(be.CPS, he.CPS) && !slices.Equal(sortedSet(be.CPS), sortedSet(he.CPS))
		status = be.Status != he.Status
		noImpact = be.NoCPSImpact != he.NoCPSImpact
	}
	c := Change{Flag: name, Kind: Modified}
	for _, f := range [...]struct {
		name    string
		changed bool
	}{{FieldCPS, cpsLinks}, {FieldDefault, def}, {FieldDescription, desc}, {FieldKey, key}, {FieldNoCPSImpact, noImpact}, {FieldStatus, status}} { // sorted by name
		if f.changed {
			c.Fields = append(c.Fields, f.name)
		}
	}
	if len(c.Fields) == 0 {
		return Change{}, false
	}
	switch {
	case defPos != nil:
		c.Pos = *defPos
	case cpsLinks:
		c.Pos = h.entry.CPSPos
	default:
		c.Pos = h.entry.Pos
	}
	return c, true
}

// equalDefault reports whether two optional defaults are the same.
func equalDefault(a, b *bool) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

// flip returns the Enabled or Disabled change of a setting whose base and
// head values (absent counts as false) differ; for a typed setting (a
// number, a string, a duration on either side) the Changed change, with the
// values on both sides (zero on a side where it is absent).
func flip(key settingKey, b, h Setting) (Change, bool) {
	if b.typed() || h.typed() {
		var old, cur Value
		if b.Flag != "" {
			old = b.TypedValue()
		}
		if h.Flag != "" {
			cur = h.TypedValue()
		}
		if old == cur {
			return Change{}, false
		}
		c := Change{Flag: key.Flag, Kind: Changed, Env: key.Env, Path: key.Path, Pos: h.Pos, Old: old, New: cur}
		if h.Flag == "" {
			c.Pos = b.Pos
		}
		return c, true
	}
	if b.Value == h.Value {
		return Change{}, false
	}
	c := Change{Flag: key.Flag, Kind: Enabled, Env: key.Env, Path: key.Path, Pos: h.Pos}
	if !h.Value {
		c.Kind = Disabled
	}
	if h.Flag == "" { // deleted at head
		c.Pos = b.Pos
	}
	return c, true
}

// DiffRegistry returns what the change from base to head did to registry
// content that existed at base (removed entries, removed links, removed or
// edited reviews), and the reviews that head adds. Either registry may be nil.
func DiffRegistry(base, head *Registry) (changes []RegistryChange, newReviews []review.Review) {
	b, h := entriesByName(base), entriesByName(head)
	for _, name := range unionKeys(b, h, cmp.Compare[string]) {
		be, he := b[name], h[name]
		switch {
		case he == nil:
			changes = append(changes, RegistryChange{Flag: name, Kind: EntryRemoved, Detail: "registry entry removed", Pos: be.Pos})
		case be == nil:
			newReviews = append(newReviews, he.Reviews...)
		case slices.Equal(be.CPS, he.CPS) && sameReviews(be.Reviews, he.Reviews):
			// unchanged: no link removed, no review removed or added
		default:
			changes = append(changes, removedLinks(be, he)...)
			c, added := reviewChanges(be, he)
			changes = append(changes, c...)
			newReviews = append(newReviews, added...)
		}
	}
	slices.SortFunc(changes, func(x, y RegistryChange) int {
		return cmp.Or(cmp.Compare(x.Flag, y.Flag), cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Detail, y.Detail), x.Pos.Compare(y.Pos))
	})
	slices.SortStableFunc(newReviews, func(x, y review.Review) int {
		return cmp.Or(cmp.Compare(x.Flag, y.Flag), x.Pos.Compare(y.Pos))
	})
	return changes, newReviews
}

// entriesByName indexes the entries of reg; the first of a repeated name wins.
func entriesByName(reg *Registry) map[string]*Entry {
	m := make(map[string]*Entry)
	if reg == nil {
		return m
	}
	for i := range reg.Flags {
		if _, dup := m[reg.Flags[i].Name]; !dup {
			m[reg.Flags[i].Name] = &reg.Flags[i]
		}
	}
	return m
}

// removedLinks returns a LinkRemoved change for every section ID linked at
// base that head no longer links.
func removedLinks(be, he *Entry) []RegistryChange {
	var changes []RegistryChange
	for _, id := range sortedSet(be.CPS) {
		if !slices.Contains(he.CPS, id) {
			changes = append(changes, RegistryChange{Flag: he.Name, Kind: LinkRemoved, Detail: id, Pos: he.CPSPos})
		}
	}
	return changes
}

// reviewChanges compares the reviews of an entry at base and head as
// multisets by content. A base review that head lacks is ReviewModified when
// head has a new review of the same date and reviewer, else ReviewRemoved.
// added are head's new reviews, less those that count as modifications.
func reviewChanges(be, he *Entry) (changes []RegistryChange, added []review.Review) {
	gone, added := multisetDiff(be.Reviews, he.Reviews)
	for _, r := range gone {
		kind := ReviewRemoved
		if i := slices.IndexFunc(added, func(n review.Review) bool { return n.Date == r.Date && n.Reviewer == r.Reviewer }); i >= 0 {
			kind = ReviewModified
			added = slices.Delete(added, i, i+1)
		}
		changes = append(changes, RegistryChange{
			Flag: he.Name, Kind: kind, Detail: fmt.Sprintf("review by %s of %s", r.Reviewer, r.Date), Pos: he.Pos,
		})
	}
	return changes, added
}

// sameReviews reports whether two lists of reviews are equal, one by one,
// in every field but their positions: a fast path of multisetDiff, whose
// content comparison they then pass as well.
func sameReviews(a, b []review.Review) bool {
	return slices.EqualFunc(a, b, func(x, y review.Review) bool {
		return x.Flag == y.Flag && x.Parameter == y.Parameter && x.Date == y.Date && x.Reviewer == y.Reviewer && slices.Equal(x.Sections, y.Sections) &&
			x.Verdict == y.Verdict && x.CPSVersion == y.CPSVersion && maps.Equal(x.SectionHashes, y.SectionHashes) &&
			x.Ref == y.Ref && x.Notes == y.Notes && x.Origin == y.Origin
	})
}

// multisetDiff returns the reviews of base without an equal one in head
// (gone) and those of head without an equal one in base (added), in order.
func multisetDiff(base, head []review.Review) (gone, added []review.Review) {
	count := make(map[string]int)
	for _, r := range base {
		count[reviewContent(r)]++
	}
	for _, r := range head {
		if k := reviewContent(r); count[k] > 0 {
			count[k]--
		} else {
			added = append(added, r)
		}
	}
	for _, r := range base {
		if k := reviewContent(r); count[k] > 0 {
			count[k]--
			gone = append(gone, r)
		}
	}
	return gone, added
}

// reviewContent is a canonical form of every field of r but its position:
// JSON with map keys sorted, empty and nil slices alike.
func reviewContent(r review.Review) string {
	if len(r.Sections) == 0 {
		r.Sections = nil
	}
	b, _ := json.Marshal(r) // plain strings, slices and maps: cannot fail
	return string(b)
}

// sortedSet returns the distinct elements of s in order.
func sortedSet(s []string) []string {
	return slices.Compact(slices.Sorted(slices.Values(s)))
}

// unionKeys returns the keys of two maps, sorted by compare, without repeats.
func unionKeys[K comparable, V any](a, b map[K]V, compare func(K, K) int) []K {
	keys := make([]K, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, compare)
	return keys
}

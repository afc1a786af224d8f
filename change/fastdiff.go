package change

import (
	"cmp"
	"maps"
	"slices"

	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/revision"
)

// flagDiff is flags.DiffWithCodeRemovals(before, after), made cheap for a
// long history: nothing when neither the registry nor the inventory changed
// (the history loader shares them between states); the full diff when the
// definitions in code changed; and otherwise a diff of the registry and only
// the settings of the environments whose settings differ, corrected for
// flags that the other environments keep in existence. The result equals
// the full diff.
func flagDiff(before, after *revision.State) []flags.Change {
	if before.Registry == after.Registry && before.Inventory == after.Inventory {
		return nil
	}
	if !sameSlice(inventory(before).Defs, inventory(after).Defs) {
		// A flag deleted from the code is a removal even where a registry
		// entry or a setting still names it: the full diff says so.
		return flags.DiffWithCodeRemovals(
			flags.State{Registry: before.Registry, Inventory: inventory(before)},
			flags.State{Registry: after.Registry, Inventory: inventory(after)})
	}
	bInv, aInv := inventory(before), inventory(after)
	var bSet, aSet []flags.Setting // the settings of the affected environments
	if bInv != aInv && !bInv.SharesSettings(aInv) {
		bSet, aSet = changedEnvs(bInv.SettingList(), aInv.SettingList())
	}
	// A registry or a list of definitions that both states share changes
	// nothing: leave it out of the diff. Its flags would then count as added
	// or removed only on one side, which the filter below undoes, as it
	// does for the environments left out.
	bReg, aReg := before.Registry, after.Registry
	if bReg == aReg {
		bReg, aReg = nil, nil
	}
	bDefs, aDefs := bInv.Defs, aInv.Defs
	if sameSlice(bDefs, aDefs) {
		bDefs, aDefs = nil, nil
	}
	if bReg == nil && aReg == nil && bDefs == nil && aDefs == nil {
		if changes, ok := flips(bSet, aSet); ok {
			return changes
		}
	}
	changes := flags.Diff(
		flags.State{Registry: bReg, Inventory: &flags.Inventory{Defs: bDefs, ListedSettings: bSet}},
		flags.State{Registry: aReg, Inventory: &flags.Inventory{Defs: aDefs, ListedSettings: aSet}})
	var inBefore, inAfter map[string]bool
	changes = slices.DeleteFunc(changes, func(c flags.Change) bool {
		switch c.Kind {
		case flags.Added:
			if inBefore == nil {
				inBefore = nameSet(before)
			}
			return inBefore[c.Flag]
		case flags.Removed:
			if inAfter == nil {
				inAfter = nameSet(after)
			}
			return inAfter[c.Flag]
		}
		return false
	})
	if len(changes) == 0 {
		return nil // as flags.Diff
	}
	return changes
}

// changedEnvs returns the settings, before and after, of the environments
// whose settings differ: for each environment in before, in order, its
// settings before and after when they differ; then the settings of the
// environments only after, in order.
func changedEnvs(before, after []flags.Setting) (bSet, aSet []flags.Setting) {
	bRuns, bSorted := envRuns(before)
	aRuns, aSorted := envRuns(after)
	if !bSorted || !aSorted {
		return changedEnvsByMap(before, after)
	}
	// Each environment is one run and the runs are in order: merge them.
	var aOnly []flags.Setting
	i, j := 0, 0
	for i < len(bRuns) || j < len(aRuns) {
		switch {
		case j == len(aRuns) || i < len(bRuns) && bRuns[i].env < aRuns[j].env:
			bSet = append(bSet, before[bRuns[i].start:bRuns[i].end]...)
			i++
		case i == len(bRuns) || aRuns[j].env < bRuns[i].env:
			aOnly = append(aOnly, after[aRuns[j].start:aRuns[j].end]...)
			j++
		default:
			b, a := before[bRuns[i].start:bRuns[i].end], after[aRuns[j].start:aRuns[j].end]
			if !sameSettings(b, a) {
				bSet, aSet = append(bSet, b...), append(aSet, a...)
			}
			i, j = i+1, j+1
		}
	}
	return bSet, append(aSet, aOnly...)
}

// flips is flags.Diff of two lists of settings alone for the common case
// of a value flipped in place: both lists set the same keys (flag,
// environment, path) in the same order, and the key of each setting whose
// value differs is set once. ok is false otherwise.
func flips(before, after []flags.Setting) (changes []flags.Change, ok bool) {
	if len(before) != len(after) {
		return nil, false
	}
	for i := range before {
		b, a := &before[i], &after[i]
		if b.Flag != a.Flag || b.Env != a.Env || b.Path != a.Path || (b.Typed != nil || a.Typed != nil) && !b.SameValue(*a) {
			return nil, false // typed values: flags.Diff says how they changed
		}
	}
	for i := range before {
		b, a := &before[i], &after[i]
		if b.Value == a.Value {
			continue // the same on both sides, as any other setting of its key
		}
		for j := range before {
			if j != i && before[j].Flag == b.Flag && before[j].Env == b.Env && before[j].Path == b.Path {
				return nil, false // set twice: the true one wins
			}
		}
		c := flags.Change{Flag: a.Flag, Kind: flags.Enabled, Env: a.Env, Path: a.Path, Pos: a.Pos}
		if !a.Value {
			c.Kind = flags.Disabled
		}
		changes = append(changes, c)
	}
	// As flags.Diff sorts: by flag, then enabled before disabled, then
	// environment and path.
	slices.SortFunc(changes, func(x, y flags.Change) int {
		return cmp.Or(cmp.Compare(x.Flag, y.Flag), cmp.Compare(flipRank(x.Kind), flipRank(y.Kind)),
			cmp.Compare(x.Env, y.Env), cmp.Compare(x.Path, y.Path))
	})
	return changes, true
}

func flipRank(kind string) int {
	if kind == flags.Enabled {
		return 0
	}
	return 1
}

// envRun is a run of settings of one environment, settings[start:end].
type envRun struct {
	env        string
	start, end int
}

// envRuns splits settings into runs of one environment; sorted is false
// unless the environments of the runs are in strictly increasing order.
func envRuns(settings []flags.Setting) (runs []envRun, sorted bool) {
	for i := 0; i < len(settings); {
		j := i + 1
		for j < len(settings) && settings[j].Env == settings[i].Env {
			j++
		}
		if n := len(runs); n > 0 && runs[n-1].env >= settings[i].Env {
			return nil, false
		}
		runs = append(runs, envRun{settings[i].Env, i, j})
		i = j
	}
	return runs, true
}

// changedEnvsByMap is changedEnvs for settings whose environments come in
// any order.
func changedEnvsByMap(before, after []flags.Setting) (bSet, aSet []flags.Setting) {
	bEnv, aEnv := byEnv(before), byEnv(after)
	for _, env := range slices.Sorted(maps.Keys(bEnv)) {
		if a, ok := aEnv[env]; !ok || !sameSettings(bEnv[env], a) {
			bSet, aSet = append(bSet, bEnv[env]...), append(aSet, a...)
		}
	}
	for _, env := range slices.Sorted(maps.Keys(aEnv)) {
		if _, ok := bEnv[env]; !ok {
			aSet = append(aSet, aEnv[env]...)
		}
	}
	return bSet, aSet
}

func inventory(st *revision.State) *flags.Inventory {
	if st.Inventory == nil {
		return &flags.Inventory{}
	}
	return st.Inventory
}

// byEnv groups settings by environment. Settings come in runs of one
// environment (one file after another), so a group is usually a sub-slice;
// an environment in several runs gets a copy.
func byEnv(settings []flags.Setting) map[string][]flags.Setting {
	m := map[string][]flags.Setting{}
	for i := 0; i < len(settings); {
		j := i + 1
		for j < len(settings) && settings[j].Env == settings[i].Env {
			j++
		}
		env := settings[i].Env
		if prev, ok := m[env]; ok {
			m[env] = append(slices.Clip(prev), settings[i:j]...)
		} else {
			m[env] = settings[i:j:j]
		}
		i = j
	}
	return m
}

// sameSlice reports whether a and b are one list (or both empty), which the
// loader shares between states when a source did not change.
func sameSlice[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// sameSettings reports whether two lists of settings say the same, leaving
// positions aside.
func sameSettings(a, b []flags.Setting) bool {
	return slices.EqualFunc(a, b, func(x, y flags.Setting) bool {
		return x.Flag == y.Flag && x.Path == y.Path && x.SameValue(y) && x.Kind == y.Kind
	})
}

func nameSet(st *revision.State) map[string]bool {
	set := map[string]bool{}
	for _, n := range FlagNames(st) {
		set[n] = true
	}
	return set
}

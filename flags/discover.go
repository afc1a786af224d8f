package flags

import (
	"cmp"
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/cpsgate/cpsgate/diag"
)

// Limits on what the sources of one revision may hold, so that a broken
// glob or a generated file makes the check fail at once rather than slowly.
const (
	MaxSourceFiles = 5000   // files one source may read (glob matches, Go files of a directory)
	MaxFlags       = 100000 // distinct flag names in all sources; also registry entries
)

// Discover reads every source in specs from fsys and returns what they
// declare: Definitions sorted by flag then position, Settings sorted by flag,
// environment, path then position. It reports every problem it finds, each
// at the position in the input it concerns (the spec's own position in the
// configuration when the source as a whole is wrong).
func Discover(fsys FS, specs []SourceSpec) (*Inventory, error) {
	return DiscoverShared(fsys, specs, nil)
}

// DiscoverShared is Discover, sharing through memo (when not nil) what it
// parses with the other revision of a check: the settings of a file whose
// content is the same, and a Go package whose files are.
func DiscoverShared(fsys FS, specs []SourceSpec, memo Memo) (*Inventory, error) {
	found := Found{memo: memo}
	var errs diag.Errors
	for _, spec := range specs {
		addError(&errs, spec.Pos, discoverSource(fsys, spec, &found))
	}
	inv := &Inventory{Defs: found.Defs, Files: found.Files, FileKinds: found.FileKinds, Digests: found.Digests}
	structs := found.Structs
	var groups []settingGroup // the settings, a group per file, and those sources added directly
	if err := errs.Err(); err == nil {
		groups = resolveFound(&found, &errs)
		// Which flag a key sets depends on the structs too: a file reads
		// the same only with the same key-to-field tables.
		if d := structsDigest(structs); d != 0 {
			for file := range inv.Digests {
				inv.Digests[file] ^= d
			}
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(inv.Defs, func(a, b Definition) int {
		return cmp.Or(cmp.Compare(a.Flag, b.Flag), a.Pos.Compare(b.Pos))
	})
	slices.Sort(inv.Files)
	inv.Files = slices.Compact(inv.Files)
	inv.joined = joinGroups(groups)
	if err := checkFlagCount(inv); err != nil {
		return nil, err
	}
	return inv, nil
}

// resolveFound resolves the keys of found's settings to the fields of its
// go-struct sources (resolveSettings), file by file, and returns them as
// lists: one per file, and those that sources added directly. The settings
// of a file read the same way at the other revision are resolved once.
func resolveFound(found *Found, errs *diag.Errors) []settingGroup {
	groups := make([]settingGroup, 0, len(found.files)+1)
	if len(found.Structs) == 0 {
		for _, f := range found.files {
			groups = append(groups, f.settings)
		}
		return append(groups, settingGroup{list: found.Settings})
	}
	var r *resolver
	resolver := func() *resolver {
		if r == nil {
			r = newResolver(found.Structs)
		}
		return r
	}
	var sum Sum
	if found.memo != nil {
		sum = structsSum(found.Structs)
	}
	for _, f := range found.files {
		res, _ := memoDo(found.memo, fileResolvedKey{read: f.key, structs: sum}, func() (*fileResolved, error) {
			if found.memo != nil {
				// The read settings are shared: copied only when a key
				// sets a field of another name.
				settings, errs := resolver().resolveShared(f.settings)
				return &fileResolved{settings: settings, errs: errs}, nil
			}
			if f.settings.compact != nil {
				settings, errs := resolver().resolveShared(f.settings)
				return &fileResolved{settings: settings, errs: errs}, nil
			}
			return &fileResolved{settings: f.settings, errs: resolver().resolve(f.settings.list)}, nil
		})
		groups = append(groups, res.settings)
		*errs = append(*errs, res.errs...)
	}
	*errs = append(*errs, resolver().resolve(found.Settings)...)
	return append(groups, settingGroup{list: found.Settings})
}

// joinSettings returns the settings of groups in one list sorted by flag,
// environment, path then position. Most lists are the settings of one
// file, in the order of the file, each flag set once or a few times: the
// settings are placed flag by flag (a counting sort), lists of smaller
// environments first, and only a flag whose settings still come out of
// order is sorted.
func joinSettings(lists [][]Setting) []Setting {
	groups := make([]settingGroup, len(lists))
	for i, l := range lists {
		groups[i] = settingGroup{list: l}
	}
	return (&Inventory{joined: joinGroups(groups)}).SettingList()
}

// joinGroups is joinSettings for groups, which it keeps: it returns their
// order (nil when they have no settings).
func joinGroups(groups []settingGroup) *joinedSettings {
	n := 0
	for _, g := range groups {
		n += g.len()
	}
	if n == 0 {
		return nil
	}
	groups = slices.DeleteFunc(slices.Clone(groups), func(g settingGroup) bool { return g.len() == 0 })
	slices.SortStableFunc(groups, func(a, b settingGroup) int {
		x, y := a.at(0), b.at(0)
		return cmp.Or(cmp.Compare(x.Env, y.Env), cmp.Compare(x.Pos.File, y.Pos.File))
	})
	// Number the flags, count their settings, and place each flag's
	// settings at its offset in the order of the names.
	ids := make(map[string]int32)
	var names []string
	var counts []int
	flagID := make([]int32, 0, n)
	for _, g := range groups {
		for i := range g.len() {
			flag := g.flag(i)
			id, ok := ids[flag]
			if !ok {
				id = int32(len(names))
				ids[flag] = id
				names = append(names, flag)
				counts = append(counts, 0)
			}
			counts[id]++
			flagID = append(flagID, id)
		}
	}
	order := make([]int32, len(names))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(names[a], names[b]) })
	start := make([]int, len(names)) // by id: where the flag's settings begin
	off := 0
	for _, id := range order {
		start[id] = off
		off += counts[id]
	}
	// Scatter the settings' places (group and index).
	from := make([]place, n)
	next := start
	k := 0
	for gi, g := range groups {
		for i := range g.len() {
			id := flagID[k]
			k++
			from[next[id]] = place{int32(gi), int32(i)}
			next[id]++
		}
	}
	flagID = nil
	next = nil
	j := &joinedSettings{groups: groups, order: from, flags: make([]string, len(order))}
	for k, id := range order {
		j.flags[k] = names[id]
	}
	compare := func(a, b place) int { // for two settings of one flag
		return groups[a.group].compareAt(int(a.i), groups[b.group], int(b.i))
	}
	for id := range start {
		start[id] -= counts[id] // next moved each start to the flag's end
	}
	for id := range names {
		if counts[id] < 2 {
			continue
		}
		run := from[start[id] : start[id]+counts[id]]
		if !slices.IsSortedFunc(run, compare) {
			slices.SortStableFunc(run, compare)
		}
	}
	return j
}

// compareSettings orders settings by flag, environment, path then position.
func compareSettings(a, b Setting) int {
	return cmp.Or(cmp.Compare(a.Flag, b.Flag), cmp.Compare(a.Env, b.Env), cmp.Compare(a.Path, b.Path), a.Pos.Compare(b.Pos))
}

// checkFlagCount reports more than MaxFlags distinct flag names, at the
// first definition or setting of the first name over the limit.
func checkFlagCount(inv *Inventory) error {
	// The settings come sorted by flag: one look-up per flag.
	distinct := make(map[string]struct{}, len(inv.Defs))
	for _, d := range inv.Defs {
		distinct[d.Flag] = struct{}{}
	}
	for flag := range inv.SettingFlags() {
		distinct[flag] = struct{}{}
	}
	if len(distinct) <= MaxFlags {
		return nil
	}
	names := map[string]bool{}
	var first []diag.Pos // position of each new name, in order
	note := func(flag string, pos diag.Pos) {
		if !names[flag] {
			names[flag] = true
			first = append(first, pos)
		}
	}
	for _, d := range inv.Defs {
		note(d.Flag, d.Pos)
	}
	for _, s := range inv.AllSettings() {
		note(s.Flag, s.Pos)
	}
	if len(first) <= MaxFlags {
		return nil
	}
	return diag.Errors{diag.Errorf(first[MaxFlags], "the sources declare %d distinct flags, more than the limit of %d (flags.MaxFlags)", len(first), MaxFlags)}.Err()
}

// checkFileCount reports a source that matches more than MaxSourceFiles
// files; what is the glob or path that matched them.
func checkFileCount(spec SourceSpec, what string, files []string) error {
	if len(files) <= MaxSourceFiles {
		return nil
	}
	return diag.Errors{diag.Errorf(spec.Pos, "%s matches %d files, more than the limit of %d (flags.MaxSourceFiles)", what, len(files), MaxSourceFiles)}.Err()
}

// goFiles returns p itself when it names a .go file, else the non-test .go
// files directly in directory p.
func goFiles(fsys FS, p string) ([]string, error) {
	if strings.HasSuffix(p, ".go") {
		return []string{path.Clean(p)}, nil
	}
	pattern := "*.go"
	if dir := path.Clean(p); dir != "." {
		pattern = dir + "/*.go"
	}
	matches, err := fsys.Glob(pattern)
	if err != nil {
		return nil, err
	}
	files := slices.DeleteFunc(matches, func(f string) bool { return strings.HasSuffix(f, "_test.go") })
	if len(files) == 0 {
		return nil, errors.New("no Go files in " + p)
	}
	return files, nil
}

// structsDigest hashes how the go-struct sources map keys to fields (0 when
// there are none).
func structsDigest(structs []*GoStruct) uint64 {
	if len(structs) == 0 {
		return 0
	}
	var h maphash.Hash
	h.SetSeed(digestSeed)
	for _, gs := range structs {
		h.WriteString(gs.Type + "\x00")
		for _, f := range gs.JSON {
			fmt.Fprintf(&h, "j%q %q %t\x00", f.Key, f.Name, f.Flag)
		}
		for _, k := range slices.Sorted(maps.Keys(gs.YAML)) {
			f := gs.YAML[k]
			fmt.Fprintf(&h, "y%q %q %t\x00", f.Key, f.Name, f.Flag)
		}
		fmt.Fprintf(&h, "e%t\x00", gs.YAMLErr != nil)
	}
	return h.Sum64() | 1
}

// digestSeed seeds Inventory.Digests: digests compare within one process.
var digestSeed = maphash.MakeSeed()

// addError appends err to errs: its diag errors as they are, any other error
// at pos.
func addError(errs *diag.Errors, pos diag.Pos, err error) {
	if err == nil {
		return
	}
	var list diag.Errors
	if errors.As(err, &list) {
		*errs = append(*errs, list...)
		return
	}
	errs.Add(pos, "%v", err)
}

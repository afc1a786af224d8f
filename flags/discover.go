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
	var found Found
	var errs diag.Errors
	for _, spec := range specs {
		addError(&errs, spec.Pos, discoverSource(fsys, spec, &found))
	}
	inv := &Inventory{Defs: found.Defs, Settings: found.Settings, Files: found.Files, FileKinds: found.FileKinds, Digests: found.Digests}
	structs := found.Structs
	if err := errs.Err(); err == nil {
		addError(&errs, diag.Pos{}, resolveSettings(inv.Settings, structs))
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
	slices.SortFunc(inv.Settings, func(a, b Setting) int {
		return cmp.Or(cmp.Compare(a.Flag, b.Flag), cmp.Compare(a.Env, b.Env), cmp.Compare(a.Path, b.Path), a.Pos.Compare(b.Pos))
	})
	if err := checkFlagCount(inv); err != nil {
		return nil, err
	}
	return inv, nil
}

// checkFlagCount reports more than MaxFlags distinct flag names, at the
// first definition or setting of the first name over the limit.
func checkFlagCount(inv *Inventory) error {
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
	for _, s := range inv.Settings {
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

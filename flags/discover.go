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
	"github.com/cpsgate/cpsgate/gitrepo"
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
	inv := &Inventory{}
	var errs diag.Errors
	var structs []*GoStruct
	for _, spec := range specs {
		switch spec.Kind {
		case KindGoStruct:
			gs, err := discoverGoStruct(fsys, spec)
			if gs != nil {
				structs = append(structs, gs)
				inv.Defs = append(inv.Defs, gs.Defs...)
			}
			addError(&errs, spec.Pos, err)
		case KindGoEnum:
			defs, err := discoverGoEnum(fsys, spec)
			inv.Defs = append(inv.Defs, defs...)
			addError(&errs, spec.Pos, err)
		case KindConfig:
			settings, files, err := discoverConfig(fsys, spec, inv)
			inv.Settings = append(inv.Settings, settings...)
			inv.Files = append(inv.Files, files...)
			addError(&errs, spec.Pos, err)
		default:
			errs.Add(spec.Pos, "unknown source kind %q (want %s, %s or %s)", spec.Kind, KindGoStruct, KindGoEnum, KindConfig)
		}
	}
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

// checkFileCount reports a source that matches more than MaxSourceFiles files.
func checkFileCount(spec SourceSpec, files []string) error {
	if len(files) <= MaxSourceFiles {
		return nil
	}
	what := spec.Glob
	if spec.Kind != KindConfig {
		what = spec.Path
	}
	return diag.Errors{diag.Errorf(spec.Pos, "%s matches %d files, more than the limit of %d (flags.MaxSourceFiles)", what, len(files), MaxSourceFiles)}.Err()
}

// discoverGoStruct reads the struct type spec.Type in spec.Path, a .go file
// or a directory whose non-test .go files are read. The other .go files of
// a file's directory are read for the types it refers to.
func discoverGoStruct(fsys FS, spec SourceSpec) (*GoStruct, error) {
	if spec.Path == "" || spec.Type == "" {
		return nil, diag.Errors{diag.Errorf(spec.Pos, "a %s source needs a path and a type", KindGoStruct)}.Err()
	}
	names, err := goFiles(fsys, spec.Path)
	if err != nil {
		return nil, diag.Errors{diag.Errorf(spec.Pos, "%v", err)}.Err()
	}
	if err := checkFileCount(spec, names); err != nil {
		return nil, err
	}
	var errs diag.Errors
	read := func(names []string) []GoFile {
		var files []GoFile
		for _, name := range names {
			src, err := fsys.ReadFile(name)
			if err != nil {
				errs.Add(spec.Pos, "%v", err)
				continue
			}
			files = append(files, GoFile{Name: name, Src: src})
		}
		return files
	}
	files := read(names)
	var others []GoFile
	if strings.HasSuffix(spec.Path, ".go") {
		siblings, err := goFiles(fsys, path.Dir(spec.Path))
		var link *gitrepo.LinkError
		if errors.As(err, &link) {
			errs.Add(spec.Pos, "%v", err)
		}
		if len(siblings) > MaxSourceFiles {
			siblings = nil
		}
		others = read(slices.DeleteFunc(siblings, func(f string) bool { return f == path.Clean(spec.Path) }))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	gs, found, err := ExtractGoPackage(files, others, spec.Type)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, diag.Errors{diag.Errorf(spec.Pos, "type %s not found in %s", spec.Type, spec.Path)}.Err()
	}
	return gs, nil
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

// discoverConfig returns the settings in the files that spec.Glob matches.
func discoverConfig(fsys FS, spec SourceSpec, inv *Inventory) ([]Setting, []string, error) {
	if spec.Glob == "" || spec.Key == "" {
		return nil, nil, diag.Errors{diag.Errorf(spec.Pos, "a %s source needs a glob and a key", KindConfig)}.Err()
	}
	files, err := fsys.Glob(spec.Glob)
	var link *gitrepo.LinkError
	switch {
	case errors.As(err, &link):
		return nil, nil, diag.Errors{diag.Errorf(spec.Pos, "%v", err)}.Err()
	case err != nil:
		return nil, nil, diag.Errors{diag.Errorf(spec.Pos, "glob %q: %v", spec.Glob, err)}.Err()
	}
	if len(files) == 0 {
		return nil, nil, diag.Errors{diag.Errorf(spec.Pos, "glob %q matches no file", spec.Glob)}.Err()
	}
	if err := checkFileCount(spec, files); err != nil {
		return nil, nil, err
	}
	var settings []Setting
	var errs diag.Errors
	for _, file := range files {
		src, err := fsys.ReadFile(file)
		if err != nil {
			errs.Add(spec.Pos, "%v", err)
			continue
		}
		if inv.Digests == nil {
			inv.Digests = map[string]uint64{}
		}
		// Two sources reading one file: the digest covers both readings.
		inv.Digests[file] ^= maphash.String(digestSeed, spec.Key+"\x00"+spec.Environment+"\x00"+string(src))
		s, err := ExtractConfig(file, src, spec.Key, spec.Environment)
		settings = append(settings, s...)
		addError(&errs, spec.Pos, err)
	}
	return settings, files, errs.Err()
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

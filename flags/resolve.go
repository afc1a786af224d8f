package flags

import (
	"cmp"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cpsgate/cpsgate/diag"
)

// resolveSettings sets the Flag of each setting to the flag the program
// reads its key into, when go-struct sources say what the flag maps are
// decoded into: encoding/json for a .json file (the field of that exact
// key, else the first whose key equals it under Unicode case folding),
// yaml v3 for a YAML file (the field of that exact key; an untagged field
// is read from its lowercased name). Key keeps the key as written. A key
// that sets no field keeps its name as the flag (a flag the code does not
// declare). What would let cpsgate and the program disagree is an error: a
// key that names a flag but sets no field, a key that sets a field of
// another type, two keys of one map that set the same field, a key that
// different structs read into different flags.
func resolveSettings(settings []Setting, structs []*GoStruct) error {
	if len(structs) == 0 {
		return nil
	}
	return newResolver(structs).resolve(settings).Err()
}

// resolver resolves the keys of settings to the fields of go-struct
// sources (see resolveSettings); it is built once for a revision's
// structs, and reads them only.
type resolver struct {
	structs     []*GoStruct
	defs        map[string]Definition // by flag name
	jsonIndexes []jsonIndex
	foldedDefs  map[string]Definition // by folded name, the first name in sorted order
}

func newResolver(structs []*GoStruct) *resolver {
	defs := map[string]Definition{} // by flag name
	for _, gs := range structs {
		for _, d := range gs.Defs {
			if _, ok := defs[d.Flag]; !ok {
				defs[d.Flag] = d
			}
		}
	}
	jsonIndexes := make([]jsonIndex, len(structs))
	for i, gs := range structs {
		jsonIndexes[i] = newJSONIndex(gs.JSON)
	}
	foldedDefs := map[string]Definition{} // by folded name, the first name in sorted order
	for _, name := range slices.Sorted(maps.Keys(defs)) {
		if k := foldName(name); foldedDefs[k].Flag == "" {
			foldedDefs[k] = defs[name]
		}
	}
	return &resolver{structs: structs, defs: defs, jsonIndexes: jsonIndexes, foldedDefs: foldedDefs}
}

// resolve resolves settings in place and returns what is wrong with them.
// It depends on nothing but the settings and the structs: the settings of
// each file can be resolved on their own, with the same errors.
func (r *resolver) resolve(settings []Setting) diag.Errors {
	renames, errs := r.fields(settingGroup{list: settings})
	applyRenames(settings, renames)
	return append(errs, duplicateFields(settings)...)
}

// resolveShared is resolve for settings that others share: it leaves them
// as they are and returns them when no key sets a field of another name
// (the common case), else a resolved copy, as a list.
func (r *resolver) resolveShared(g settingGroup) (settingGroup, diag.Errors) {
	renames, errs := r.fields(g)
	if len(renames) > 0 {
		list := g.settings()
		if g.compact == nil {
			list = slices.Clone(list)
		}
		applyRenames(list, renames)
		g = settingGroup{list: list}
	}
	if !g.distinctPaths() {
		errs = append(errs, duplicateFields(g.settings())...)
	}
	return g, errs
}

// rename is a setting whose key sets a field of another name.
type rename struct {
	i    int
	flag string
}

func applyRenames(settings []Setting, renames []rename) {
	for _, rn := range renames {
		s := &settings[rn.i]
		s.Key, s.Flag = s.Flag, rn.flag
	}
}

// fields finds the field each setting's key sets, without changing the
// settings: it returns those whose flag is a field of another name, and
// what is wrong.
func (r *resolver) fields(g settingGroup) ([]rename, diag.Errors) {
	structs, defs, jsonIndexes, foldedDefs := r.structs, r.defs, r.jsonIndexes, r.foldedDefs
	var errs diag.Errors
	var renames []rename
	yamlErrs := map[*GoStruct]bool{}
	for i := range g.len() {
		s := g.at(i)
		key, isYAML := s.Flag, isYAMLFile(s.Pos.File)
		var found *KeyField
		ambiguous := false
		for i, gs := range structs {
			var kf *KeyField
			if isYAML {
				if gs.YAMLErr != nil {
					if !yamlErrs[gs] {
						yamlErrs[gs] = true
						errs = append(errs, gs.YAMLErr)
					}
					continue
				}
				if f, ok := gs.YAML[key]; ok {
					kf = &f
				}
			} else {
				kf = jsonIndexes[i].field(key)
			}
			switch {
			case kf == nil:
			case found == nil:
				found = kf
			case found.Name != kf.Name || found.Flag != kf.Flag:
				ambiguous = true
			}
		}
		switch {
		case ambiguous:
			errs.Add(s.Pos, "key %q sets different fields in the struct types of the go-struct sources; cpsgate cannot tell which one the program reads", key)
		case found == nil:
			if d, ok := namedFlag(defs, foldedDefs, key); ok {
				decoder, readKey := "encoding/json", d.JSONKey
				if isYAML {
					decoder, readKey = "yaml v3", d.YAMLKey
				}
				from := fmt.Sprintf("the key %q", readKey)
				if readKey == "" {
					from = "no key (its tag hides it, or the field is not promoted)"
				}
				errs.Add(s.Pos, "key %q sets no field: %s reads field %s from %s; write that key, or remove this one", key, decoder, d.Flag, from)
			}
		case !found.Flag:
			errs.Add(s.Pos, "key %q sets field %s of type %s, which cpsgate cannot read as a flag (a bool, an alias of bool, a named bool type of the package)", key, found.Name, found.Type)
		case found.Name != key:
			renames = append(renames, rename{i, found.Name})
		}
	}
	return renames, errs
}

// duplicateFields reports two keys of one map that set one field.
func duplicateFields(settings []Setting) diag.Errors {
	var errs diag.Errors
	// Two keys of one map that set one field: the program reads the last.
	// Sorting indexes, not a copy of the settings, and comparing
	// neighbours keeps this cheap for millions of settings.
	order := make([]int32, len(settings))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		x, y := &settings[a], &settings[b]
		return cmp.Or(cmp.Compare(x.Pos.File, y.Pos.File), cmp.Compare(x.Path, y.Path), cmp.Compare(x.Flag, y.Flag), x.Pos.Compare(y.Pos))
	})
	for i := 1; i < len(order); i++ {
		f, s := &settings[order[i-1]], &settings[order[i]]
		if f.Pos.File == s.Pos.File && f.Path == s.Path && f.Flag == s.Flag {
			first := f
			for j := i - 1; j > 0; j-- { // the first of a run of three or more
				p := &settings[order[j-1]]
				if p.Pos.File != s.Pos.File || p.Path != s.Path || p.Flag != s.Flag {
					break
				}
				first = p
			}
			errs.Add(s.Pos, "keys %q (line %d) and %q both set field %s; the program reads the last one: keep one", keyOf(*first), first.Pos.Line, keyOf(*s), s.Flag)
		}
	}
	return errs
}

// keyOf is the key of a setting as written.
func keyOf(s Setting) string {
	return cmp.Or(s.Key, s.Flag)
}

// namedFlag returns the definition of the flag whose name is key, or equals
// it under case folding (folded: the definitions by foldName).
func namedFlag(defs, folded map[string]Definition, key string) (Definition, bool) {
	if d, ok := defs[key]; ok {
		return d, true
	}
	d, ok := folded[foldName(key)]
	return d, ok
}

// jsonIndex finds the field encoding/json sets from a key, as its decoder
// does: by exact name, else by folded name (foldName), keeping the first
// field in field order for each folded name. Built once per struct, it
// keeps the lookup constant-time for a struct of thousands of flags.
type jsonIndex struct {
	exact, folded map[string]*KeyField
}

func newJSONIndex(fields []KeyField) jsonIndex {
	ix := jsonIndex{exact: make(map[string]*KeyField, len(fields)), folded: make(map[string]*KeyField, len(fields))}
	for i := range fields {
		f := &fields[i]
		if _, dup := ix.exact[f.Key]; !dup {
			ix.exact[f.Key] = f
		}
		if k := foldName(f.Key); ix.folded[k] == nil {
			ix.folded[k] = f
		}
	}
	return ix
}

// field returns the field encoding/json sets from key, or nil. The
// field is the go-struct source's: never changed.
func (ix jsonIndex) field(key string) *KeyField {
	if f, ok := ix.exact[key]; ok {
		return f
	}
	return ix.folded[foldName(key)]
}

// foldName is encoding/json's case folding of a field name or key (its
// appendFoldedName): ASCII letters upper-cased, any other rune mapped to
// unicode.ToUpper(unicode.ToLower(r)), so that "ſ" folds to "S" and the
// Kelvin sign to "K". Two names that fold alike name the same field.
func foldName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		switch {
		case 'a' <= r && r <= 'z':
			r -= 'a' - 'A'
		case r >= utf8.RuneSelf:
			r = unicode.ToUpper(unicode.ToLower(r))
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isYAMLFile reports whether file is read as YAML.
func isYAMLFile(file string) bool {
	ext := strings.ToLower(path.Ext(file))
	return ext == ".yaml" || ext == ".yml"
}

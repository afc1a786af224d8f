package flags

import (
	"cmp"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

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
	defs := map[string]Definition{} // by flag name
	for _, gs := range structs {
		for _, d := range gs.Defs {
			if _, ok := defs[d.Flag]; !ok {
				defs[d.Flag] = d
			}
		}
	}
	var errs diag.Errors
	yamlErrs := map[*GoStruct]bool{}
	for i := range settings {
		s := &settings[i]
		key, isYAML := s.Flag, isYAMLFile(s.Pos.File)
		var found *KeyField
		ambiguous := false
		for _, gs := range structs {
			var kf KeyField
			var ok bool
			if isYAML {
				if gs.YAMLErr != nil {
					if !yamlErrs[gs] {
						yamlErrs[gs] = true
						errs = append(errs, gs.YAMLErr)
					}
					continue
				}
				kf, ok = gs.YAML[key]
			} else {
				kf, ok = jsonField(gs.JSON, key)
			}
			switch {
			case !ok:
			case found == nil:
				found = &kf
			case found.Name != kf.Name || found.Flag != kf.Flag:
				ambiguous = true
			}
		}
		switch {
		case ambiguous:
			errs.Add(s.Pos, "key %q sets different fields in the struct types of the go-struct sources; cpsgate cannot tell which one the program reads", key)
		case found == nil:
			if d, ok := namedFlag(defs, key); ok {
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
			s.Key, s.Flag = key, found.Name
		}
	}
	// Two keys of one map that set one field: the program reads the last.
	type mapKey struct{ file, path, flag string }
	first := map[mapKey]Setting{}
	order := slices.Clone(settings)
	slices.SortFunc(order, func(a, b Setting) int { return a.Pos.Compare(b.Pos) })
	for _, s := range order {
		k := mapKey{s.Pos.File, s.Path, s.Flag}
		if f, dup := first[k]; dup {
			errs.Add(s.Pos, "keys %q (line %d) and %q both set field %s; the program reads the last one: keep one", keyOf(f), f.Pos.Line, keyOf(s), s.Flag)
			continue
		}
		first[k] = s
	}
	return errs.Err()
}

// keyOf is the key of a setting as written.
func keyOf(s Setting) string {
	return cmp.Or(s.Key, s.Flag)
}

// namedFlag returns the definition of the flag whose name is key, or equals
// it under case folding.
func namedFlag(defs map[string]Definition, key string) (Definition, bool) {
	if d, ok := defs[key]; ok {
		return d, true
	}
	for _, name := range slices.Sorted(maps.Keys(defs)) {
		if strings.EqualFold(name, key) {
			return defs[name], true
		}
	}
	return Definition{}, false
}

// jsonField returns the field encoding/json sets from key: the one of that
// exact name, else the first, in field order, whose name equals it under
// Unicode case folding.
func jsonField(fields []KeyField, key string) (KeyField, bool) {
	for _, f := range fields {
		if f.Key == key {
			return f, true
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f.Key, key) {
			return f, true
		}
	}
	return KeyField{}, false
}

// isYAMLFile reports whether file is read as YAML.
func isYAMLFile(file string) bool {
	ext := strings.ToLower(path.Ext(file))
	return ext == ".yaml" || ext == ".yml"
}

package flags

import (
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/internal/paramtype"
)

// ConfigFile is a JSON or YAML configuration file parsed as the program
// that decodes it reads it (see ParseConfigFile).
type ConfigFile struct {
	file string
	json bool
	docs []*cnode
	w    *settingsWalker // memos of merge resolution, and the checks of every object
	// checked are the objects whose keys were checked, and keys their
	// merged entries by key (folded as encoding/json folds, for JSON):
	// looking up a thousand parameters in one file walks each object once.
	checked map[*cnode]bool
	keys    map[*cnode]map[string][]centry
	// prefixes are the nodes each key path prefix reaches: a thousand
	// parameters under one object walk to it once (see LookupPath).
	prefixes map[string][]reachedNode
}

// reachedNode is a node a key path prefix reaches, with its concrete path.
type reachedNode struct {
	n    *cnode
	path string
}

// entriesFor returns the merged entries of object n whose key is seg (for
// JSON, equal to it under encoding/json's case folding), in order, checking
// n's keys the first time.
func (cf *ConfigFile) entriesFor(n *cnode, seg, folded string) []centry {
	if cf.json {
		return cf.keyGroups(n)[folded]
	}
	return cf.keyGroups(n)[seg]
}

// keyGroups returns the merged entries of object n by key (for JSON, folded
// as encoding/json folds it), each group in order, computed once per node.
func (cf *ConfigFile) keyGroups(n *cnode) map[string][]centry {
	if cf.keys == nil {
		cf.keys, cf.checked = map[*cnode]map[string][]centry{}, map[*cnode]bool{}
	}
	byKey, ok := cf.keys[n]
	if !ok {
		byKey = map[string][]centry{}
		for _, e := range cf.w.mergedEntries(n, 0) {
			k := e.key
			if cf.json {
				k = foldName(k)
			}
			byKey[k] = append(byKey[k], e)
		}
		cf.keys[n] = byKey
	}
	return byKey
}

// checkKeys checks the keys of object n once.
func (cf *ConfigFile) checkKeys(n *cnode) {
	if cf.checked == nil {
		cf.keys, cf.checked = map[*cnode]map[string][]centry{}, map[*cnode]bool{}
	}
	if !cf.checked[n] {
		cf.checked[n] = true
		cf.w.checkDuplicates(n)
	}
}

// ParseConfigFile parses a JSON (.json) or YAML (.yaml, .yml) file with the
// readers that config sources use: YAML anchors, aliases and merge keys
// resolved as yaml v3 resolves them, the same limits and the same refusals.
func ParseConfigFile(file string, src []byte) (*ConfigFile, error) {
	return ParseConfigFileShared(file, src, nil)
}

// ParseConfigFileShared is ParseConfigFile, sharing through memo (when not
// nil) the parse of a file whose content is the same at the other revision.
// Each call returns a ConfigFile of its own (its look-ups memoize, and
// report what they find on the way once): only the parsed documents, which
// look-ups never change, are shared.
func ParseConfigFileShared(file string, src []byte, memo Memo) (*ConfigFile, error) {
	var sum Sum
	if memo != nil {
		sum = SumOf(src)
	}
	return ParseConfigFileSum(file, src, sum, memo)
}

// ParseConfigFileSum is ParseConfigFileShared, for a caller that has the
// Sum of src (unused when memo is nil).
func ParseConfigFileSum(file string, src []byte, sum Sum, memo Memo) (*ConfigFile, error) {
	var key any
	if memo != nil {
		key = configDocsKey{file: file, sum: sum}
	}
	docs, err := memoDo(memo, key, func() (*configDocs, error) { return parseConfigDocs(file, src) })
	if err != nil {
		return nil, err
	}
	// A key that matches no flag map: the walker is used for its merge
	// resolution and its checks of duplicate keys.
	return &ConfigFile{file: file, json: docs.json, docs: docs.docs, w: newSettingsWalker("\x00", "", docs.json)}, nil
}

// configDocsKey identifies a configuration file's parse: its path (the
// positions carry it) and its content.
type configDocsKey struct {
	file string
	sum  Sum
}

// configDocs is a configuration file's documents, as parsed.
type configDocs struct {
	json bool
	docs []*cnode
}

func parseConfigDocs(file string, src []byte) (*configDocs, error) {
	at := diag.Pos{File: file, Line: 1}
	if len(src) > MaxConfigSize {
		return nil, diag.Errors{diag.Errorf(at, "config file is %d bytes, over the limit of %d", len(src), MaxConfigSize)}.Err()
	}
	src = bytes.TrimPrefix(src, utf8BOM)
	if err := diag.CheckUTF8(file, src); err != nil {
		return nil, diag.Errors{err}.Err()
	}
	cd := &configDocs{}
	var err error
	switch strings.ToLower(path.Ext(file)) {
	case ".json":
		cd.json = true
		cd.docs, err = parseJSON(file, src)
	case ".yaml", ".yml":
		cd.docs, err = parseYAML(file, src)
	default:
		return nil, diag.Errors{diag.Errorf(at, "unsupported config file type %q (want .json, .yaml or .yml)", path.Ext(file))}.Err()
	}
	if err != nil {
		return nil, err
	}
	return cd, nil
}

// ConfigValue is a scalar that a key path reaches in a configuration file.
type ConfigValue struct {
	Path   string // the concrete key path: "*" replaced by the key or [index]
	Scalar paramtype.Scalar
	Pos    diag.Pos // of the value
}

// Lookup returns the scalars the dotted key path pattern reaches in the
// file ("*" stands for every member of an object or array), in document
// order, through aliases and merge keys. Keys match as the decoding program
// matches them to struct fields: exactly in YAML; in JSON also without
// regard to case (encoding/json), where two keys of one object that both
// match are an error. A "*" matches map keys exactly. A path that reaches
// an object or array instead of a scalar, or passes through a scalar, is an
// error; a key that is absent gives no value.
func (cf *ConfigFile) Lookup(pattern string) ([]ConfigValue, error) {
	return cf.LookupPath(NewKeyPath(pattern))
}

// KeyPath is a dotted key path pattern split, and its keys folded as
// encoding/json folds them, once: a reader looking one path up in many
// files parses it once.
type KeyPath struct {
	segs, folded []string
	prefix       string // the pattern without its last key
}

// NewKeyPath splits a dotted key path pattern (see Lookup).
func NewKeyPath(pattern string) KeyPath {
	segs := strings.Split(pattern, ".")
	folded := make([]string, len(segs))
	for i, seg := range segs {
		folded[i] = foldName(seg)
	}
	return KeyPath{segs: segs, folded: folded, prefix: strings.Join(segs[:len(segs)-1], ".")}
}

// LookupPath is Lookup of a path split by NewKeyPath.
// The nodes the path's prefix reaches are walked to once per file and
// prefix; what goes wrong on the way there is reported by the first lookup
// through it (the read then fails), as duplicate keys are reported once.
func (cf *ConfigFile) LookupPath(kp KeyPath) ([]ConfigValue, error) {
	var out []ConfigValue
	var errs diag.Errors
	cf.w.errs = nil // duplicate keys on the way, reported by checkDuplicates
	last := len(kp.segs) - 1
	reached, ok := cf.prefixes[kp.prefix]
	if !ok {
		reached = []reachedNode{}
		for i, doc := range cf.docs {
			cf.lookup(doc.resolve(), kp.segs[:last], kp.folded[:last], documentPath(i), 0, &out, &reached, &errs)
		}
		if cf.prefixes == nil {
			cf.prefixes = map[string][]reachedNode{}
		}
		cf.prefixes[kp.prefix] = reached
	}
	for _, r := range reached {
		cf.lookup(r.n, kp.segs[last:], kp.folded[last:], r.path, last, &out, nil, &errs)
	}
	if len(cf.w.errs) == 0 && len(errs) == 0 {
		return out, nil
	}
	errs = append(cf.w.errs, errs...)
	return out, errs.Err()
}

// lookup walks segs from n: the scalars at the end go to out; when reach is
// not nil, the nodes at the end, whatever they are, go to reach instead.
func (cf *ConfigFile) lookup(n *cnode, segs, folded []string, p string, depth int, out *[]ConfigValue, reach *[]reachedNode, errs *diag.Errors) {
	n = n.resolve()
	if depth > maxEffectiveDepth || len(*out) > MaxConfigSettings || (reach != nil && len(*reach) > MaxConfigSettings) {
		errs.Add(n.pos, "the key path expands, through aliases, beyond cpsgate's limits")
		return
	}
	if len(segs) == 0 && reach != nil {
		*reach = append(*reach, reachedNode{n: n, path: p})
		return
	}
	if len(segs) == 0 {
		switch {
		case n.kind != scalarNode:
			errs.Add(n.pos, "%s is %s, not a single value", p, n.describe())
		default:
			*out = append(*out, ConfigValue{Path: p, Scalar: scalarOf(n, !cf.json), Pos: n.pos})
		}
		return
	}
	seg, rest, frest := segs[0], segs[1:], folded[1:]
	switch n.kind {
	case objectNode:
		cf.checkKeys(n)
		if seg == "*" {
			for _, e := range cf.w.mergedEntries(n, 0) {
				if e.keyNotString != "" {
					errs.Add(e.keyPos, "key %s is not a string (YAML resolves it as %s); quote it", e.key, e.keyNotString)
					continue
				}
				cf.lookup(e.value, rest, frest, joinKey(p, e.key), depth+1, out, reach, errs)
			}
			return
		}
		found := cf.entriesFor(n, seg, folded[0])
		switch {
		case len(found) > 1 && found[0].key == found[1].key:
			// a duplicate key, which checkDuplicates reported
		case len(found) > 1:
			errs.Add(found[1].keyPos, "keys %q (line %d) and %q are one key for Go's encoding/json, which matches keys to struct fields without regard to case and reads the last one; keep one", found[0].key, found[0].keyPos.Line, found[1].key)
		case len(found) == 1:
			if found[0].keyNotString != "" {
				errs.Add(found[0].keyPos, "key %s is not a string (YAML resolves it as %s); quote it", found[0].key, found[0].keyNotString)
				return
			}
			cf.lookup(found[0].value, rest, frest, joinKey(p, seg), depth+1, out, reach, errs)
		}
	case arrayNode:
		if seg != "*" {
			errs.Add(n.pos, "%s is an array; the key path needs * to go through its elements, not %q", displayPath(p), seg)
			return
		}
		for i, item := range n.items {
			cf.lookup(item, rest, frest, fmt.Sprintf("%s[%d]", p, i), depth+1, out, reach, errs)
		}
	default:
		if n.isNull {
			return // an empty value on the way: nothing set below it
		}
		errs.Add(n.pos, "%s is %s, not an object: the key path %s goes through it", displayPath(p), n.describe(), strings.Join(segs, "."))
	}
}

// displayPath names a key path for a message, "the document" when empty.
func displayPath(p string) string {
	if p == "" {
		return "the document"
	}
	return p
}

// scalarOf describes a scalar node for paramtype.
func scalarOf(n *cnode, yaml bool) paramtype.Scalar {
	s := paramtype.Scalar{Text: n.text, IsBool: n.isBool, IsNull: n.isNull, YAML: yaml}
	if strings.HasPrefix(n.text, `"`) {
		if v, err := strconv.Unquote(n.text); err == nil {
			s.Text, s.Quoted = v, true
		}
	}
	return s
}

// Leaves returns every scalar of the file's first document with its dotted
// key path (a variables file: nested keys joined with dots, list elements
// as [i]), through aliases and merge keys, in document order.
func (cf *ConfigFile) Leaves() ([]ConfigValue, error) {
	var out []ConfigValue
	var errs diag.Errors
	cf.w.errs = nil // duplicate keys, reported by checkDuplicates
	if len(cf.docs) > 1 {
		errs.Add(cf.docs[1].pos, "a variables file is one YAML document")
	}
	if len(cf.docs) > 0 {
		cf.leaves(cf.docs[0], "", 0, &out, &errs)
	}
	errs = append(cf.w.errs, errs...)
	return out, errs.Err()
}

func (cf *ConfigFile) leaves(n *cnode, p string, depth int, out *[]ConfigValue, errs *diag.Errors) {
	n = n.resolve()
	if depth > maxEffectiveDepth || len(*out) > MaxConfigSettings {
		errs.Add(n.pos, "the file expands, through aliases, beyond cpsgate's limits")
		return
	}
	switch n.kind {
	case objectNode:
		cf.checkKeys(n)
		for _, e := range cf.w.mergedEntries(n, 0) {
			if e.keyNotString != "" {
				errs.Add(e.keyPos, "key %s is not a string (YAML resolves it as %s); quote it", e.key, e.keyNotString)
				continue
			}
			cf.leaves(e.value, joinKey(p, e.key), depth+1, out, errs)
		}
	case arrayNode:
		for i, item := range n.items {
			cf.leaves(item, fmt.Sprintf("%s[%d]", p, i), depth+1, out, errs)
		}
	default:
		if p == "" {
			if !n.isNull {
				errs.Add(n.pos, "a variables file is a mapping of names to values, got %s", n.describe())
			}
			return
		}
		*out = append(*out, ConfigValue{Path: p, Scalar: scalarOf(n, !cf.json), Pos: n.pos})
	}
}

package flags

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/internal/yamlnode"
)

// Limits on configuration files, so that a hostile or broken file cannot
// exhaust memory or the stack.
const (
	MaxConfigSize  = 8 << 20 // bytes
	MaxConfigDepth = 100     // nesting levels of objects and arrays
)

// KindConfig is the source kind of JSON and YAML configuration files: every
// object under a key, at any depth, is a map of flag to bool.
const KindConfig = "config"

func init() { Register(configSource{}) }

// configSource reads the files a glob matches, one by one (ExtractConfig).
type configSource struct{}

func (configSource) Kind() string { return KindConfig }

func (configSource) Fields() []Field {
	return []Field{{Name: "glob", Required: true}, {Name: "key", Required: true}, {Name: "environment"}}
}

func (c configSource) Discover(fsys FS, spec SourceSpec, found *Found) error {
	return DiscoverFiles(fsys, c, spec, found)
}

func (configSource) Glob(spec SourceSpec) string { return spec.Glob }

func (configSource) ReadFile(file string, src []byte, spec SourceSpec) ([]Setting, error) {
	return ExtractConfig(file, src, spec.Key, spec.Environment)
}

func (configSource) readGroup(file string, src []byte, spec SourceSpec) (settingGroup, error) {
	return readConfig(file, src, spec.Key, spec.Environment)
}

// generalJSONOnly turns the fast path of JSON files off: tests compare
// what Discover reads with and without it.
var generalJSONOnly = false

// utf8BOM is the byte order mark some editors put at the start of a file.
var utf8BOM = []byte("\uFEFF")

// ExtractConfig reads a JSON (.json) or YAML (.yaml, .yml) configuration file
// and returns a Setting for every entry of every object that is the value of
// a key equal to key, at any depth. env names the environment; it defaults
// to the file path. Values in such maps must be booleans.
func ExtractConfig(file string, src []byte, key, env string) ([]Setting, error) {
	g, err := readConfig(file, src, key, env)
	if err != nil {
		return nil, err
	}
	return g.settings(), nil
}

// readConfig is ExtractConfig, returning the settings of a JSON file that
// the fast path reads in compact form.
func readConfig(file string, src []byte, key, env string) (settingGroup, error) {
	at := diag.Pos{File: file, Line: 1}
	if len(src) > MaxConfigSize {
		return settingGroup{}, diag.Errors{diag.Errorf(at, "config file is %d bytes, over the limit of %d", len(src), MaxConfigSize)}.Err()
	}
	src = bytes.TrimPrefix(src, utf8BOM)
	// encoding/json would turn invalid UTF-8 in a flag name into U+FFFD.
	if err := diag.CheckUTF8(file, src); err != nil {
		return settingGroup{}, diag.Errors{err}.Err()
	}
	if strings.ToLower(path.Ext(file)) == ".json" && !generalJSONOnly {
		if c, ok := fastJSON(file, src, key, env); ok {
			return settingGroup{compact: c}, nil
		}
	}
	settings, err := extractConfig(file, src, key, env)
	return settingGroup{list: settings}, err
}

// extractConfig is ExtractConfig's general path, which reads any file and
// reports every problem, on src without its BOM.
func extractConfig(file string, src []byte, key, env string) ([]Setting, error) {
	at := diag.Pos{File: file, Line: 1}
	var docs []*cnode
	var err error
	switch strings.ToLower(path.Ext(file)) {
	case ".json":
		docs, err = parseJSON(file, src)
	case ".yaml", ".yml":
		docs, err = parseYAML(file, src)
	default:
		return nil, diag.Errors{diag.Errorf(at, "unsupported config file type %q (want .json, .yaml or .yml)", path.Ext(file))}.Err()
	}
	if err != nil {
		return nil, err
	}
	if env == "" {
		env = file
	}
	w := newSettingsWalker(key, env, strings.ToLower(path.Ext(file)) == ".json")
	for _, doc := range docs {
		w.checkObjects(doc)
	}
	if err := w.errs.Err(); err != nil {
		return nil, err
	}
	for i, doc := range docs {
		w.walk(doc, documentPath(i), 0)
	}
	if err := w.errs.Err(); err != nil {
		return nil, err
	}
	return w.settings, nil
}

// documentPath is the key path prefix of the i-th (0-based) document of a
// multi-document YAML stream: empty for the first, so that adding a document
// does not move the settings of the first one.
func documentPath(i int) string {
	if i == 0 {
		return ""
	}
	return fmt.Sprintf("[doc %d]", i+1)
}

// nodeKind is the kind of a configuration value.
type nodeKind int

const (
	scalarNode nodeKind = iota
	objectNode
	arrayNode
)

// cnode is a configuration value with its position, the common form JSON and
// YAML documents are read into.
type cnode struct {
	kind    nodeKind
	pos     diag.Pos
	text    string // scalar: its source form for messages, e.g. `"yes"`, `1`, `null`
	isBool  bool   // scalar: a real boolean
	boolVal bool
	isNull  bool
	entries []centry // object entries in source order
	items   []*cnode // array elements
	// aliasOf is set on a YAML alias: the anchored node it stands for. The
	// search for flag maps does not descend into aliases a second time.
	aliasOf *cnode
}

// resolve returns the node n stands for: the anchored node for an alias.
func (n *cnode) resolve() *cnode {
	if n.aliasOf != nil {
		return n.aliasOf
	}
	return n
}

// centry is one key: value pair of an object.
type centry struct {
	key    string
	keyPos diag.Pos
	merge  bool // a YAML merge key (<<): its value's entries are merged in
	// keyNotString is the YAML tag a plain key resolves to when it is not a
	// string (!!int, !!bool, !!null, !!float).
	keyNotString string
	value        *cnode
}

// describe names the value for an error message.
func (n *cnode) describe() string {
	switch n.kind {
	case objectNode:
		return "an object"
	case arrayNode:
		return "an array"
	}
	return n.text
}

// Limits on what a configuration file expands to through YAML aliases and
// merge keys, which a program decoding it follows.
const (
	MaxConfigSettings = 1 << 18 // settings of one file, counting each path an alias gives
	maxEffectiveDepth = 1000    // nesting of values through aliases
)

// settingsWalker searches a configuration tree for flag maps, as the program
// decoding it would see the tree: YAML aliases stand for their anchored
// value, and merge keys (<<) are resolved as yaml v3 resolves them. Aliases
// share nodes, so the walk only goes where a flag map can be, and the work
// memoized per node: a large anchor merged many times costs its size once.
type settingsWalker struct {
	key, env string
	json     bool // the file is JSON: keys match fields under case folding
	settings []Setting
	errs     diag.Errors
	// memos, by node
	contains    map[*cnode]bool
	interesting map[*cnode][]centry
	flagEntries map[*cnode][]centry
	explicit    map[*cnode]map[string]bool
	hasKeyMemo  map[hasKeyArg]bool
	tooMany     bool
	visits      int // values walk visited: each path through aliases counts
}

type hasKeyArg struct {
	n   *cnode
	key string
}

func newSettingsWalker(key, env string, json bool) *settingsWalker {
	return &settingsWalker{
		key: key, env: env, json: json,
		contains: map[*cnode]bool{}, interesting: map[*cnode][]centry{}, flagEntries: map[*cnode][]centry{},
		explicit: map[*cnode]map[string]bool{}, hasKeyMemo: map[hasKeyArg]bool{},
	}
}

// walk visits n, found at key path p, and every value below it that holds
// a flag map, through aliases and merge keys.
func (w *settingsWalker) walk(n *cnode, p string, depth int) {
	n = n.resolve()
	if w.tooMany {
		return
	}
	if w.visits++; w.visits > MaxConfigSettings {
		w.tooMany = true
		w.errs.Add(n.pos, "the file expands, through aliases and merge keys, to more than %d values on the way to flag maps (flags.MaxConfigSettings)", MaxConfigSettings)
		return
	}
	if depth > maxEffectiveDepth {
		w.errs.Add(n.pos, "nested deeper than %d levels through aliases", maxEffectiveDepth)
		return
	}
	switch n.kind {
	case objectNode:
		for _, e := range w.interestingEntries(n) {
			child := joinKey(p, e.key)
			switch {
			case e.keyNotString != "":
				w.errs.Add(e.keyPos, "key %s on the way to a flag map is not a string (YAML resolves it as %s); quote it", e.key, e.keyNotString)
			case e.key == w.key:
				w.flagMap(e.value, child)
			case w.json && strings.EqualFold(e.key, w.key):
				// Go's encoding/json matches keys to fields without regard
				// to case, so the program would read these flags.
				w.errs.Add(e.keyPos, "key %q differs from the configured key %q only in case; a Go program may read it as the same key, so rename it", e.key, w.key)
			default:
				w.walk(e.value, child, depth+1)
			}
		}
	case arrayNode:
		for i, item := range n.items {
			if w.holds(item, 0) {
				w.walk(item, fmt.Sprintf("%s[%d]", p, i), depth+1)
			}
		}
	}
}

// holds reports whether the value n, through aliases and merge keys, has a
// flag map at or below it.
func (w *settingsWalker) holds(n *cnode, depth int) bool {
	n = n.resolve()
	if v, ok := w.contains[n]; ok {
		return v
	}
	if depth > maxEffectiveDepth {
		return true // walk reports the depth
	}
	w.contains[n] = false // a cycle, which the converter refuses anyway, ends here
	v := false
	switch n.kind {
	case objectNode:
		v = len(w.interestingEntriesAt(n, depth)) > 0
	case arrayNode:
		for _, item := range n.items {
			if w.holds(item, depth+1) {
				v = true
				break
			}
		}
	}
	w.contains[n] = v
	return v
}

func (w *settingsWalker) interestingEntries(n *cnode) []centry {
	return w.interestingEntriesAt(n, 0)
}

// interestingEntriesAt returns the entries of object n, merge keys resolved,
// whose key is the configured key (or, in JSON, equals it under case
// folding) or whose value holds a flag map.
func (w *settingsWalker) interestingEntriesAt(n *cnode, depth int) []centry {
	if out, ok := w.interesting[n]; ok {
		return out
	}
	w.interesting[n] = nil
	interesting := func(e centry) bool {
		return e.key == w.key || w.json && strings.EqualFold(e.key, w.key) || w.holds(e.value, depth+1)
	}
	var out []centry
	var merge *centry
	for i, e := range n.entries {
		if e.merge {
			merge = &n.entries[i]
			continue
		}
		if interesting(e) {
			out = append(out, e)
		}
	}
	if merge != nil {
		sources := mergeSources(merge.value.resolve())
		explicit := w.explicitKeys(n)
		for j, src := range sources {
			for _, e := range w.interestingEntriesAt(src, depth+1) {
				if explicit[e.key] || slices.ContainsFunc(out, func(o centry) bool { return o.key == e.key }) {
					continue
				}
				if slices.ContainsFunc(sources[:j], func(earlier *cnode) bool { return w.hasKey(earlier, e.key, 0) }) {
					continue // an earlier merged map has the key: it wins
				}
				out = append(out, e)
			}
		}
	}
	w.interesting[n] = out
	return out
}

// explicitKeys returns the keys written in object n itself.
func (w *settingsWalker) explicitKeys(n *cnode) map[string]bool {
	if keys, ok := w.explicit[n]; ok {
		return keys
	}
	keys := make(map[string]bool, len(n.entries))
	for _, e := range n.entries {
		if !e.merge {
			keys[e.key] = true
		}
	}
	w.explicit[n] = keys
	return keys
}

// hasKey reports whether object n, merge keys resolved, has key.
func (w *settingsWalker) hasKey(n *cnode, key string, depth int) bool {
	arg := hasKeyArg{n, key}
	if v, ok := w.hasKeyMemo[arg]; ok {
		return v
	}
	w.hasKeyMemo[arg] = false
	v := w.explicitKeys(n)[key]
	if !v && depth <= maxEffectiveDepth {
		for _, e := range n.entries {
			if e.merge {
				for _, src := range mergeSources(e.value.resolve()) {
					if w.hasKey(src, key, depth+1) {
						v = true
						break
					}
				}
			}
		}
	}
	w.hasKeyMemo[arg] = v
	return v
}

// flagMap records the settings of the flag map n at key path p.
func (w *settingsWalker) flagMap(n *cnode, p string) {
	n = n.resolve()
	if n.isNull {
		return // an empty value: no flags set
	}
	if n.kind != objectNode {
		w.errs.Add(n.pos, "%s must be an object of flag names to true or false, got %s", p, n.describe())
		return
	}
	entries := w.mergedEntries(n, 0)
	if w.json {
		w.checkFolded(entries)
	}
	if len(w.settings)+len(entries) > MaxConfigSettings {
		if !w.tooMany {
			w.tooMany = true
			w.errs.Add(n.pos, "the file sets more than %d flags, counting each key path that aliases and merge keys give (flags.MaxConfigSettings)", MaxConfigSettings)
		}
		return
	}
	for _, e := range entries {
		v := e.value.resolve()
		switch {
		case e.key == "":
			w.errs.Add(e.keyPos, "empty flag name under %s", p)
		case e.keyNotString != "":
			w.errs.Add(e.keyPos, "flag name %s under %s is not a string (YAML resolves it as %s); quote it", e.key, p, e.keyNotString)
		case !v.isBool:
			w.errs.Add(v.pos, "flag %s under %s must be true or false, got %s", e.key, p, v.describe())
		default:
			w.settings = append(w.settings, Setting{
				Flag: e.key, Kind: KindConfig, Env: w.env, Path: p, Value: v.boolVal, Pos: e.keyPos,
			})
		}
	}
}

// mergedEntries returns the entries of object n with YAML merge keys (<<)
// resolved, as yaml v3 decodes them: the keys written in n override merged
// ones, and an earlier merged object overrides a later one. Results are
// memoized, so that merges of merges cannot take exponential time.
func (w *settingsWalker) mergedEntries(n *cnode, depth int) []centry {
	if out, ok := w.flagEntries[n]; ok {
		return out
	}
	w.flagEntries[n] = nil // a merge cycle, which the converter refuses anyway, ends here
	taken := make(map[string]bool)
	for _, e := range n.entries {
		taken[e.key] = taken[e.key] || !e.merge
	}
	var out []centry
	for _, e := range n.entries {
		if !e.merge {
			out = append(out, e)
			continue
		}
		if depth > maxEffectiveDepth {
			w.errs.Add(e.keyPos, "merge keys nest deeper than %d levels", maxEffectiveDepth)
			continue
		}
		for _, src := range mergeSources(e.value.resolve()) {
			for _, m := range w.mergedEntries(src, depth+1) {
				if !taken[m.key] {
					taken[m.key] = true
					out = append(out, m)
				}
			}
		}
	}
	w.flagEntries[n] = out
	return out
}

// mergeSources returns the objects a merge key's value names: one object or
// an array of objects (the converter refuses anything else).
func mergeSources(v *cnode) []*cnode {
	if v.kind == objectNode {
		return []*cnode{v}
	}
	var objs []*cnode
	for _, item := range v.items {
		if item = item.resolve(); item.kind == objectNode {
			objs = append(objs, item)
		}
	}
	return objs
}

// checkFolded reports keys of a JSON object that differ but are equal under
// Unicode case folding: encoding/json decodes them into one struct field,
// the last one winning, while cpsgate would read two.
func (w *settingsWalker) checkFolded(entries []centry) {
	if len(entries) < 2 {
		return
	}
	first := make(map[string]centry, len(entries))
	for _, e := range entries {
		f := foldKey(e.key)
		if prev, ok := first[f]; ok && prev.key != e.key {
			w.errs.Add(e.keyPos, "keys %q (line %d) and %q are one key for Go's encoding/json, which matches keys to struct fields without regard to case and reads the last one; keep one", prev.key, prev.keyPos.Line, e.key)
			continue
		}
		first[f] = e
	}
}

// foldKey maps a key to a form that two keys share exactly when
// strings.EqualFold holds for them, as encoding/json's foldName does.
func foldKey(s string) string {
	if isASCII(s) {
		return strings.ToUpper(s) // the smallest of the orbit of an ASCII letter is its upper case
	}
	var b strings.Builder
	for _, r := range s {
		// The smallest rune of r's fold orbit stands for the orbit.
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		b.WriteRune(m)
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// checkObjects reports, in every object of the document once: keys written
// twice, more than one merge key, and in JSON, keys equal under case
// folding when one of them leads to a flag map (encoding/json decodes both
// into one field: the program reads them merged).
func (w *settingsWalker) checkObjects(doc *cnode) {
	seen := map[*cnode]bool{}
	stack := []*cnode{doc}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.aliasOf != nil || seen[n] {
			continue
		}
		seen[n] = true
		switch n.kind {
		case objectNode:
			w.checkDuplicates(n)
			if w.json {
				var folded []centry
				for _, e := range n.entries {
					if strings.EqualFold(e.key, w.key) || w.holds(e.value, 0) {
						folded = append(folded, e)
					}
				}
				if len(folded) > 0 {
					w.checkSiblings(n, folded)
				}
			}
			for i := len(n.entries) - 1; i >= 0; i-- {
				stack = append(stack, n.entries[i].value)
			}
		case arrayNode:
			for i := len(n.items) - 1; i >= 0; i-- {
				stack = append(stack, n.items[i])
			}
		}
	}
}

// checkSiblings reports a key of object n that equals one of the keys that
// lead to flag maps under case folding, but not exactly.
func (w *settingsWalker) checkSiblings(n *cnode, leads []centry) {
	for _, l := range leads {
		f := foldKey(l.key)
		for _, e := range n.entries {
			if e.key != l.key && foldKey(e.key) == f {
				a, b := l, e
				if b.keyPos.Compare(a.keyPos) < 0 {
					a, b = b, a
				}
				if a.key == w.key || b.key == w.key {
					continue // reported as a key in another case by walk
				}
				w.errs.Add(b.keyPos, "keys %q (line %d) and %q are one key for Go's encoding/json, which decodes both into one struct field; keep one", a.key, a.keyPos.Line, b.key)
			}
		}
	}
}

// checkDuplicates reports keys written twice in object n, and a second
// merge key.
func (w *settingsWalker) checkDuplicates(n *cnode) {
	first := make(map[string]diag.Pos, len(n.entries))
	var merge *diag.Pos
	for _, e := range n.entries {
		if e.merge {
			if merge != nil {
				w.errs.Add(e.keyPos, "a second merge key << (first at line %d); yaml v3 refuses it", merge.Line)
			}
			merge = &e.keyPos
			continue
		}
		if p, dup := first[e.key]; dup {
			w.errs.Add(e.keyPos, "duplicate key %q (first at line %d)", e.key, p.Line)
			continue
		}
		first[e.key] = e.keyPos
	}
}

// joinKey appends an object key to a dotted key path.
func joinKey(p, key string) string {
	if p == "" {
		return key
	}
	return p + "." + key
}

// lineIndex converts byte offsets to 1-based lines and columns (in bytes,
// as diag.LineAt does) in O(log n), for files with many keys.
type lineIndex struct {
	file   string
	starts []int // byte offset of the start of each line
}

func newLineIndex(file string, src []byte) *lineIndex {
	starts := []int{0}
	for i, b := range src {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &lineIndex{file: file, starts: starts}
}

// pos returns the position of byte offset off.
func (li *lineIndex) pos(off int) diag.Pos {
	line, _ := slices.BinarySearch(li.starts, off+1)
	return diag.Pos{File: li.file, Line: line, Col: off - li.starts[line-1] + 1}
}

// parseJSON reads the single JSON value in src: with jsonScanner when src
// is well-formed, else with jsonReader, which says what is wrong and where.
func parseJSON(file string, src []byte) ([]*cnode, error) {
	lines := newLineIndex(file, src)
	s := &jsonScanner{src: src, lines: lines}
	if doc, ok := s.document(); ok {
		return []*cnode{doc}, nil
	}
	return readJSON(src, lines)
}

// jsonScanner reads a well-formed JSON document into the cnode tree that
// jsonReader reads, an order of magnitude faster than the token stream of
// encoding/json. It gives up (ok false) at anything it does not accept,
// which includes all malformed input, and leaves the error to jsonReader.
type jsonScanner struct {
	src   []byte
	i     int // offset of the next byte to read
	lines *lineIndex
}

// document reads the one value of the input and the white space after it.
func (s *jsonScanner) document() (*cnode, bool) {
	n, ok := s.value(0)
	if !ok {
		return nil, false
	}
	s.space()
	return n, s.i == len(s.src)
}

// space skips JSON white space.
func (s *jsonScanner) space() {
	for s.i < len(s.src) {
		switch s.src[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// next skips white space and reports whether the next byte is c, reading
// it if so.
func (s *jsonScanner) next(c byte) bool {
	s.space()
	if s.i < len(s.src) && s.src[s.i] == c {
		s.i++
		return true
	}
	return false
}

// value reads one value nested in depth objects and arrays, as
// jsonReader.value does.
func (s *jsonScanner) value(depth int) (*cnode, bool) {
	s.space()
	if s.i >= len(s.src) {
		return nil, false
	}
	start := s.i
	switch c := s.src[start]; c {
	case '{', '[':
		if depth >= MaxConfigDepth {
			return nil, false
		}
		s.i++
		if c == '{' {
			return s.object(start, depth+1)
		}
		return s.array(start, depth+1)
	case '"':
		str, ok := s.string()
		if !ok {
			return nil, false
		}
		return &cnode{pos: s.lines.pos(start), text: strconv.Quote(str)}, true
	case 't', 'f', 'n':
		for _, lit := range [...]string{"true", "false", "null"} {
			if lit[0] == c && bytes.HasPrefix(s.src[start:], []byte(lit)) {
				s.i += len(lit)
				n := &cnode{pos: s.lines.pos(start), text: lit}
				switch c {
				case 't':
					n.isBool, n.boolVal = true, true
				case 'f':
					n.isBool = true
				case 'n':
					n.isNull = true
				}
				return n, true
			}
		}
		return nil, false
	}
	if !s.number() {
		return nil, false
	}
	return &cnode{pos: s.lines.pos(start), text: string(s.src[start:s.i])}, true
}

// object reads the entries of an object whose '{' was at offset start, and
// its '}'.
func (s *jsonScanner) object(start, depth int) (*cnode, bool) {
	n := &cnode{kind: objectNode, pos: s.lines.pos(start)}
	if s.next('}') {
		return n, true
	}
	for {
		s.space()
		keyAt := s.i
		key, ok := s.string()
		if !ok || !s.next(':') {
			return nil, false
		}
		v, ok := s.value(depth)
		if !ok {
			return nil, false
		}
		n.entries = append(n.entries, centry{key: key, keyPos: s.lines.pos(keyAt), value: v})
		if s.next('}') {
			return n, true
		}
		if !s.next(',') {
			return nil, false
		}
	}
}

// array reads the elements of an array whose '[' was at offset start, and
// its ']'.
func (s *jsonScanner) array(start, depth int) (*cnode, bool) {
	n := &cnode{kind: arrayNode, pos: s.lines.pos(start)}
	if s.next(']') {
		return n, true
	}
	for {
		v, ok := s.value(depth)
		if !ok {
			return nil, false
		}
		n.items = append(n.items, v)
		if s.next(']') {
			return n, true
		}
		if !s.next(',') {
			return nil, false
		}
	}
}

// string reads a string literal and returns its value. A literal with
// escapes is decoded by encoding/json, as jsonReader would decode it.
func (s *jsonScanner) string() (string, bool) {
	if s.i >= len(s.src) || s.src[s.i] != '"' {
		return "", false
	}
	start := s.i
	escaped, ascii := false, true
	for i := start + 1; i < len(s.src); i++ {
		switch c := s.src[i]; {
		case c == '"':
			s.i = i + 1
			lit := s.src[start:s.i]
			if !ascii && !utf8.Valid(lit) {
				return "", false // encoding/json would replace the bad bytes
			}
			if !escaped {
				return string(lit[1 : len(lit)-1]), true
			}
			var str string
			if json.Unmarshal(lit, &str) != nil {
				return "", false
			}
			return str, true
		case c == '\\':
			escaped = true
			i++ // the escaped byte, which cannot end the literal
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", false
}

// number reads a number literal as JSON defines it (numberEnd).
func (s *jsonScanner) number() bool {
	end, ok := numberEnd(s.src, s.i)
	if ok {
		s.i = end
	}
	return ok
}

// numberEnd returns where the JSON number literal starting at src[i] ends,
// and false when none starts there: one scanner for both JSON readers.
func numberEnd(src []byte, i int) (int, bool) {
	digits := func() bool {
		j := i
		for i < len(src) && '0' <= src[i] && src[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(src) && src[i] == '-' {
		i++
	}
	switch {
	case i < len(src) && src[i] == '0':
		i++
	case !digits():
		return 0, false
	}
	if i < len(src) && src[i] == '.' {
		i++
		if !digits() {
			return 0, false
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		if !digits() {
			return 0, false
		}
	}
	return i, true
}

// jsonReader reads a JSON document into a cnode tree with the token stream
// of encoding/json, which never recurses and reports byte offsets.
type jsonReader struct {
	src   []byte
	dec   *json.Decoder
	lines *lineIndex
}

// readJSON reads the single JSON value in src with a jsonReader.
func readJSON(src []byte, lines *lineIndex) ([]*cnode, error) {
	r := &jsonReader{src: src, dec: json.NewDecoder(bytes.NewReader(src)), lines: lines}
	r.dec.UseNumber()
	doc, err := r.value(0)
	if err != nil {
		return nil, err
	}
	if _, pos, err := r.token(); err != io.EOF {
		return nil, cmp.Or(err, r.errorAt(pos, "unexpected data after the top-level JSON value"))
	}
	return []*cnode{doc}, nil
}

// token returns the next token and the position where it starts. At the end
// of the input it returns io.EOF; any other error is a diag error.
func (r *jsonReader) token() (json.Token, diag.Pos, error) {
	start := int(r.dec.InputOffset())
	for start < len(r.src) && strings.IndexByte(" \t\r\n,:", r.src[start]) >= 0 {
		start++
	}
	pos := r.lines.pos(start)
	tok, err := r.dec.Token()
	var syntax *json.SyntaxError
	switch {
	case err == nil || err == io.EOF:
		return tok, pos, err
	case errors.As(err, &syntax):
		// Offset is too small for errors inside a literal; never before the token.
		off := max(int(syntax.Offset), int(r.dec.InputOffset()))
		return nil, pos, r.errorAt(r.lines.pos(off), "%s", syntax.Error())
	case err == io.ErrUnexpectedEOF:
		return nil, pos, r.errorAt(r.lines.pos(len(r.src)), "unexpected end of JSON input")
	}
	return nil, pos, r.errorAt(pos, "%v", err)
}

// errorAt returns a diag error at pos.
func (r *jsonReader) errorAt(pos diag.Pos, format string, args ...any) error {
	return diag.Errors{diag.Errorf(pos, format, args...)}.Err()
}

// value reads one JSON value nested in depth objects and arrays.
func (r *jsonReader) value(depth int) (*cnode, error) {
	tok, pos, err := r.token()
	if err == io.EOF {
		return nil, r.errorAt(pos, "unexpected end of JSON input")
	}
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if depth >= MaxConfigDepth {
			return nil, r.errorAt(pos, "nested deeper than %d levels", MaxConfigDepth)
		}
		if t == '{' {
			return r.object(pos, depth+1)
		}
		return r.array(pos, depth+1)
	case bool:
		return &cnode{pos: pos, text: strconv.FormatBool(t), isBool: true, boolVal: t}, nil
	case string:
		return &cnode{pos: pos, text: strconv.Quote(t)}, nil
	case json.Number:
		return &cnode{pos: pos, text: t.String()}, nil
	}
	return &cnode{pos: pos, text: "null", isNull: true}, nil
}

// object reads the entries of an object whose '{' was at pos, and its '}'.
func (r *jsonReader) object(pos diag.Pos, depth int) (*cnode, error) {
	n := &cnode{kind: objectNode, pos: pos}
	for r.dec.More() {
		tok, keyPos, err := r.token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string) // the decoder only returns strings as keys
		v, err := r.value(depth)
		if err != nil {
			return nil, err
		}
		n.entries = append(n.entries, centry{key: key, keyPos: keyPos, value: v})
	}
	return n, r.closing()
}

// array reads the elements of an array whose '[' was at pos, and its ']'.
func (r *jsonReader) array(pos diag.Pos, depth int) (*cnode, error) {
	n := &cnode{kind: arrayNode, pos: pos}
	for r.dec.More() {
		v, err := r.value(depth)
		if err != nil {
			return nil, err
		}
		n.items = append(n.items, v)
	}
	return n, r.closing()
}

// closing reads the '}' or ']' that ends an object or array.
func (r *jsonReader) closing() error {
	_, pos, err := r.token()
	if err == io.EOF {
		return r.errorAt(pos, "unexpected end of JSON input")
	}
	return err
}

// parseYAML reads every document of a YAML stream.
func parseYAML(file string, src []byte) ([]*cnode, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var docs []*cnode
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			return nil, diag.Errors{yamlnode.SyntaxError(file, src, err)}.Err()
		}
		c := &yamlConverter{file: file, anchors: make(map[*yaml.Node]*cnode)}
		n, err := c.convert(&doc, 0)
		if err != nil {
			return nil, err
		}
		docs = append(docs, n)
	}
}

// yamlConverter converts a yaml.Node tree to a cnode tree. Anchored nodes are
// converted once and shared by their aliases, so that alias bombs cannot make
// the tree grow.
type yamlConverter struct {
	file       string
	anchors    map[*yaml.Node]*cnode
	inProgress map[*yaml.Node]bool
}

// convert converts n, nested in depth mappings and sequences.
func (c *yamlConverter) convert(n *yaml.Node, depth int) (*cnode, error) {
	pos := diag.Pos{File: c.file, Line: n.Line, Col: n.Column}
	if (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && depth >= MaxConfigDepth {
		return nil, diag.Errors{diag.Errorf(pos, "nested deeper than %d levels", MaxConfigDepth)}.Err()
	}
	if c.inProgress == nil {
		c.inProgress = map[*yaml.Node]bool{}
	}
	c.inProgress[n] = true
	defer delete(c.inProgress, n)
	var out *cnode
	var err error
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return &cnode{pos: pos, text: "null", isNull: true}, nil
		}
		return c.convert(n.Content[0], depth)
	case yaml.AliasNode:
		return c.alias(n, depth)
	case yaml.MappingNode:
		out, err = c.mapping(n, pos, depth+1)
	case yaml.SequenceNode:
		out, err = c.sequence(n, pos, depth+1)
	default:
		out = yamlScalar(n, pos)
	}
	if err == nil && n.Anchor != "" {
		c.anchors[n] = out
	}
	return out, err
}

// alias returns a node standing for the converted anchor of alias n.
func (c *yamlConverter) alias(n *yaml.Node, depth int) (*cnode, error) {
	pos := diag.Pos{File: c.file, Line: n.Line, Col: n.Column}
	if n.Alias == nil {
		return &cnode{pos: pos, text: "null", isNull: true}, nil
	}
	if c.inProgress[n.Alias] {
		return nil, diag.Errors{diag.Errorf(pos, "alias *%s stands for a value that contains it; yaml v3 refuses it", n.Value)}.Err()
	}
	target, ok := c.anchors[n.Alias]
	if !ok {
		var err error
		if target, err = c.convert(n.Alias, depth); err != nil {
			return nil, err
		}
	}
	return &cnode{pos: pos, aliasOf: target}, nil
}

// isMergeKey reports whether key k is a merge key (<<), exactly as yaml v3
// decides it.
func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" &&
		(k.Tag == "" || k.Tag == "!" || k.Tag == "!!merge" || k.Tag == "tag:yaml.org,2002:merge")
}

// mapping converts the key/value pairs of mapping n. Keys must be strings
// cpsgate reads as yaml v3 does: an alias, a key with a tag other than
// !!str (such as !!binary, which yaml v3 decodes) or a mapping or list as
// a key is refused. A merge key's value must be a mapping or a list of
// mappings, as yaml v3 requires.
func (c *yamlConverter) mapping(n *yaml.Node, pos diag.Pos, depth int) (*cnode, error) {
	out := &cnode{kind: objectNode, pos: pos}
	var errs diag.Errors
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		keyPos := diag.Pos{File: c.file, Line: k.Line, Col: k.Column}
		merge := isMergeKey(k)
		switch {
		case merge:
		case k.Kind == yaml.AliasNode:
			errs.Add(keyPos, "YAML alias *%s as a key is not supported; write the key out", k.Value)
			continue
		case k.Kind != yaml.ScalarNode:
			errs.Add(keyPos, "a %s as a key is not supported; keys must be strings", kindWord(k))
			continue
		case k.Style&yaml.TaggedStyle != 0 && k.ShortTag() != "!!str":
			errs.Add(keyPos, "key with tag %s is not supported; write the key as a plain string", k.Tag)
			continue
		}
		value, err := c.convert(v, depth)
		if err != nil {
			return nil, err
		}
		if merge {
			if msg := mergeValueProblem(value); msg != "" {
				errs.Add(keyPos, "%s", msg)
				continue
			}
		}
		e := centry{key: k.Value, keyPos: keyPos, merge: merge, value: value}
		if !merge && k.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 && k.Style&yaml.TaggedStyle == 0 {
			if tag := k.ShortTag(); tag != "!!str" {
				e.keyNotString = tag
			}
		}
		out.entries = append(out.entries, e)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// mergeValueProblem says why v cannot be the value of a merge key, as yaml
// v3 would fail on it, or returns "".
func mergeValueProblem(v *cnode) string {
	const msg = "the value of a merge key << must be a mapping or a list of mappings (yaml v3 refuses %s)"
	r := v.resolve()
	switch r.kind {
	case objectNode:
		return ""
	case arrayNode:
		if v.aliasOf != nil {
			return fmt.Sprintf(msg, "an alias of a list")
		}
		for _, item := range r.items {
			if item.resolve().kind != objectNode {
				return fmt.Sprintf(msg, item.describe())
			}
		}
		return ""
	}
	return fmt.Sprintf(msg, r.describe())
}

// kindWord names the kind of a YAML node.
func kindWord(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "node"
}

// sequence converts the elements of sequence n.
func (c *yamlConverter) sequence(n *yaml.Node, pos diag.Pos, depth int) (*cnode, error) {
	out := &cnode{kind: arrayNode, pos: pos}
	for _, item := range n.Content {
		v, err := c.convert(item, depth)
		if err != nil {
			return nil, err
		}
		out.items = append(out.items, v)
	}
	return out, nil
}

// yamlScalar converts a scalar. Only the YAML 1.2 booleans (true, True, TRUE
// and the same for false) are booleans; yes, on, "true" and the like are not.
func yamlScalar(n *yaml.Node, pos diag.Pos) *cnode {
	out := &cnode{pos: pos, text: n.Value}
	switch n.ShortTag() {
	case "!!bool":
		switch n.Value {
		case "true", "True", "TRUE":
			out.isBool, out.boolVal = true, true
		case "false", "False", "FALSE":
			out.isBool = true
		}
	case "!!null":
		out.isNull, out.text = true, "null"
	case "!!str":
		out.text = strconv.Quote(n.Value)
	}
	return out
}

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

// utf8BOM is the byte order mark some editors put at the start of a file.
var utf8BOM = []byte("\uFEFF")

// ExtractConfig reads a JSON (.json) or YAML (.yaml, .yml) configuration file
// and returns a Setting for every entry of every object that is the value of
// a key equal to key, at any depth. env names the environment; it defaults
// to the file path. Values in such maps must be booleans.
func ExtractConfig(file string, src []byte, key, env string) ([]Setting, error) {
	at := diag.Pos{File: file, Line: 1}
	if len(src) > MaxConfigSize {
		return nil, diag.Errors{diag.Errorf(at, "config file is %d bytes, over the limit of %d", len(src), MaxConfigSize)}.Err()
	}
	src = bytes.TrimPrefix(src, utf8BOM)
	// encoding/json would turn invalid UTF-8 in a flag name into U+FFFD.
	if err := diag.CheckUTF8(file, src); err != nil {
		return nil, diag.Errors{err}.Err()
	}
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
	w := &settingsWalker{key: key, env: env, merged: make(map[*cnode][]centry)}
	for i, doc := range docs {
		w.walk(doc, documentPath(i))
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
	value  *cnode
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

// settingsWalker searches a configuration tree for flag maps.
type settingsWalker struct {
	key, env string
	settings []Setting
	errs     diag.Errors
	merged   map[*cnode][]centry // memo of mergedEntries
}

// walk visits n, found at key path p, and every value below it. Aliases and
// merge keys are not followed: what they stand for is visited where its
// anchor is defined.
func (w *settingsWalker) walk(n *cnode, p string) {
	switch n.kind {
	case objectNode:
		w.checkDuplicates(n)
		for _, e := range n.entries {
			if e.merge {
				continue
			}
			child := joinKey(p, e.key)
			if e.key == w.key {
				w.flagMap(e.value, child)
			} else if strings.EqualFold(e.key, w.key) {
				// Go's encoding/json matches keys to fields without regard
				// to case, so the program would read these flags.
				w.errs.Add(e.keyPos, "key %q differs from the configured key %q only in case; a Go program may read it as the same key, so rename it", e.key, w.key)
			} else if e.value.aliasOf == nil {
				w.walk(e.value, child)
			}
		}
	case arrayNode:
		for i, item := range n.items {
			if item.aliasOf == nil {
				w.walk(item, fmt.Sprintf("%s[%d]", p, i))
			}
		}
	}
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
	w.checkDuplicates(n)
	for _, e := range w.mergedEntries(n) {
		v := e.value.resolve()
		switch {
		case e.key == "":
			w.errs.Add(e.keyPos, "empty flag name under %s", p)
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
// resolved, as YAML specifies: the keys written in n override merged ones,
// and an earlier merged object overrides a later one. Results are memoized,
// so that merges of merges cannot take exponential time.
func (w *settingsWalker) mergedEntries(n *cnode) []centry {
	if out, ok := w.merged[n]; ok {
		return out
	}
	w.merged[n] = nil // a merge cycle, which YAML forbids anyway, ends here
	taken := make(map[string]bool)
	for _, e := range n.entries {
		taken[e.key] = !e.merge
	}
	var out []centry
	for _, e := range n.entries {
		if !e.merge {
			out = append(out, e)
			continue
		}
		for _, src := range mergeSources(e.value.resolve()) {
			for _, m := range w.mergedEntries(src) {
				if !taken[m.key] {
					taken[m.key] = true
					out = append(out, m)
				}
			}
		}
	}
	w.merged[n] = out
	return out
}

// mergeSources returns the objects a merge key's value names: one object or
// an array of objects.
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

// checkDuplicates reports keys written twice in object n.
func (w *settingsWalker) checkDuplicates(n *cnode) {
	first := make(map[string]diag.Pos, len(n.entries))
	for _, e := range n.entries {
		if e.merge {
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

// number reads a number literal as JSON defines it.
func (s *jsonScanner) number() bool {
	src, i := s.src, s.i
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
		return false
	}
	if i < len(src) && src[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	s.i = i
	return true
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
	file    string
	anchors map[*yaml.Node]*cnode
}

// convert converts n, nested in depth mappings and sequences.
func (c *yamlConverter) convert(n *yaml.Node, depth int) (*cnode, error) {
	pos := diag.Pos{File: c.file, Line: n.Line, Col: n.Column}
	if (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && depth >= MaxConfigDepth {
		return nil, diag.Errors{diag.Errorf(pos, "nested deeper than %d levels", MaxConfigDepth)}.Err()
	}
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
	if n.Alias == nil {
		return &cnode{pos: diag.Pos{File: c.file, Line: n.Line, Col: n.Column}, text: "null", isNull: true}, nil
	}
	target, ok := c.anchors[n.Alias]
	if !ok {
		var err error
		if target, err = c.convert(n.Alias, depth); err != nil {
			return nil, err
		}
	}
	return &cnode{pos: diag.Pos{File: c.file, Line: n.Line, Col: n.Column}, aliasOf: target}, nil
}

// mapping converts the key/value pairs of mapping n.
func (c *yamlConverter) mapping(n *yaml.Node, pos diag.Pos, depth int) (*cnode, error) {
	out := &cnode{kind: objectNode, pos: pos}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		value, err := c.convert(v, depth)
		if err != nil {
			return nil, err
		}
		out.entries = append(out.entries, centry{
			key:    k.Value,
			keyPos: diag.Pos{File: c.file, Line: k.Line, Col: k.Column},
			merge:  k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge",
			value:  value,
		})
	}
	return out, nil
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

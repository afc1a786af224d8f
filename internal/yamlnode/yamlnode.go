// Package yamlnode decodes go.yaml.in/yaml/v3 node trees strictly, keeping
// every value's position: the registry, review blocks and the configuration
// all go through it, so they report unknown keys, wrong kinds and aliases
// the same way.
package yamlnode

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cpsgate/cpsgate/diag"
)

// Decoder decodes node trees strictly. It reports unknown and duplicate
// keys, values of the wrong kind and YAML aliases at their positions in
// File, and collects the errors in Errs rather than stopping at the first.
type Decoder struct {
	File string
	Errs diag.Errors
}

// Field is one key of a YAML mapping with its value.
type Field struct {
	Key, Value *yaml.Node
}

// Fields are the keys of one YAML mapping, by name.
type Fields map[string]Field

// Pos returns the position of n in d.File.
func (d *Decoder) Pos(n *yaml.Node) diag.Pos {
	return diag.Pos{File: d.File, Line: n.Line, Col: n.Column}
}

// Parse reads the YAML documents in src and returns the root node of each
// (the content of the document node); an empty stream has none. A syntax
// error is reported at the line the YAML parser names and ends the stream;
// so is invalid UTF-8, at its own line and column.
func (d *Decoder) Parse(src []byte) []*yaml.Node {
	if err := diag.CheckUTF8(d.File, src); err != nil {
		d.Errs = append(d.Errs, err)
		return nil
	}
	if len(src) >= chunkMin {
		if root, ok := parseChunked(src); ok {
			return []*yaml.Node{root}
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var roots []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return roots
		}
		if err != nil {
			d.Errs = append(d.Errs, SyntaxError(d.File, src, err))
			return roots
		}
		roots = append(roots, doc.Content...)
	}
}

// yamlErrorLine matches the line the YAML parser puts in its messages.
var yamlErrorLine = regexp.MustCompile(`^yaml: line (\d+): `)

// parserErrors start the messages of go-yaml's parser (as opposed to its
// scanner), which number lines from 0: SyntaxError adds the missing 1.
var parserErrors = []string{"did not find expected ", "found duplicate %", "found incompatible YAML document", "found undefined tag handle"}

// unknownAnchor matches the message for an alias whose anchor is not
// defined, which names no line.
var unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)

// SyntaxError turns an error of the YAML parser on src into an error at the
// line it names (line 1 when it names none), "invalid YAML: message".
func SyntaxError(file string, src []byte, err error) *diag.Error {
	msg := err.Error()
	line := 0
	if m := yamlErrorLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	for _, p := range parserErrors {
		if strings.HasPrefix(msg, p) {
			line++
			break
		}
	}
	if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		if i := bytes.Index(src, []byte("*"+m[1])); i >= 0 {
			line, _ = diag.LineAt(src, i)
		}
	}
	// A problem at the end of the stream is reported on the last line.
	lines := bytes.Count(bytes.TrimRight(src, "\n"), []byte("\n")) + 1
	return diag.Errorf(diag.Pos{File: file, Line: min(max(line, 1), lines)}, "invalid YAML: %s", msg)
}

// IsNull reports whether n is absent or an empty YAML value (`~`, `null`,
// nothing at all).
func IsNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// Fields returns the keys of mapping n. It reports n when it is not a
// mapping (and then returns nil), keys that are not in known (naming the
// known ones), keys that are not plain strings, duplicated keys, and alias
// values. what names the mapping in messages ("review", "flag entry").
func (d *Decoder) Fields(n *yaml.Node, what string, known ...string) Fields {
	pairs := d.Pairs(n, what)
	if pairs == nil {
		return nil
	}
	fields := Fields{}
	for _, p := range pairs {
		if !slices.Contains(known, p.Key.Value) {
			d.Errs.Add(d.Pos(p.Key), "unknown key %s in %s (known keys: %s)", Quote(p.Key.Value), what, sortedList(known))
			continue
		}
		fields[p.Key.Value] = p
	}
	return fields
}

// Pairs returns the key/value pairs of mapping n with string keys, reporting
// what Fields reports except unknown keys. It returns a non-nil slice when n
// is a mapping.
func (d *Decoder) Pairs(n *yaml.Node, what string) []Field {
	if !d.expect(n, yaml.MappingNode, what, "a mapping") {
		return nil
	}
	pairs := []Field{}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case v.Kind == yaml.AliasNode:
			d.aliasError(v)
		case k.Kind != yaml.ScalarNode:
			d.Errs.Add(d.Pos(k), "%s: keys must be strings, got %s", what, kindName(k))
		case seen[k.Value] != 0:
			d.Errs.Add(d.Pos(k), "%s: duplicate key %s (first at line %d)", what, Quote(k.Value), seen[k.Value])
		default:
			seen[k.Value] = k.Line
			pairs = append(pairs, Field{Key: k, Value: v})
		}
	}
	return pairs
}

// Required returns the value of key in fields, or reports at mapping m that
// it is missing and returns nil.
func (d *Decoder) Required(m *yaml.Node, fields Fields, what, key string) *yaml.Node {
	f, ok := fields[key]
	if !ok {
		d.Errs.Add(d.Pos(m), "%s: missing required key %q", what, key)
		return nil
	}
	return f.Value
}

// Get returns the string value of key in fields, "" when it is absent.
func (d *Decoder) Get(fields Fields, key string) string {
	f, ok := fields[key]
	if !ok {
		return ""
	}
	return d.String(f.Value, key)
}

// String returns the text of scalar n as written, so that 4.10 stays "4.10"
// and a date stays a date; null is "". Other kinds are reported.
func (d *Decoder) String(n *yaml.Node, what string) string {
	if !d.expect(n, yaml.ScalarNode, what, "a string") || IsNull(n) {
		return ""
	}
	return n.Value
}

// NonEmpty is String for a value that must not be empty.
func (d *Decoder) NonEmpty(n *yaml.Node, what string) string {
	s := d.String(n, what)
	if s == "" && n.Kind == yaml.ScalarNode {
		d.Errs.Add(d.Pos(n), "%s must not be empty", what)
	}
	return s
}

// Enum returns the string value of n when it is one of allowed, and reports
// it otherwise.
func (d *Decoder) Enum(n *yaml.Node, what string, allowed ...string) string {
	s := d.String(n, what)
	if n.Kind != yaml.ScalarNode || slices.Contains(allowed, s) {
		return s
	}
	d.Errs.Add(d.Pos(n), "%s: %s is not one of %s", what, Quote(s), strings.Join(allowed, ", "))
	return ""
}

// List returns the items of sequence n; null is an empty list, and other
// kinds are reported.
func (d *Decoder) List(n *yaml.Node, what string) []*yaml.Node {
	if IsNull(n) || !d.expect(n, yaml.SequenceNode, what, "a list") {
		return nil
	}
	return n.Content
}

// Strings returns a list of strings; a single string counts as a list of
// one, and null as an empty list.
func (d *Decoder) Strings(n *yaml.Node, what string) []string {
	var out []string
	for _, item := range d.stringNodes(n, what) {
		out = append(out, d.String(item, what))
	}
	return out
}

// SectionIDs is Strings for a list of CPS section IDs: each must look like
// one (see IsSectionID) and appear once.
func (d *Decoder) SectionIDs(n *yaml.Node, what string) []string {
	var ids []string
	for _, item := range d.stringNodes(n, what) {
		id := d.String(item, what)
		switch {
		case item.Kind != yaml.ScalarNode:
		case !IsSectionID(id):
			d.SectionIDError(item, what, id)
		case slices.Contains(ids, id):
			d.Errs.Add(d.Pos(item), "%s: section %s is listed twice", what, Quote(id))
		default:
			ids = append(ids, id)
		}
	}
	return ids
}

// SectionIDError reports id, the value of n, as not a section ID.
func (d *Decoder) SectionIDError(n *yaml.Node, what, id string) {
	d.Errs.Add(d.Pos(n), "%s: %s is not a section ID (digits or letters separated by dots, e.g. 4.9.12)", what, Quote(id))
}

// stringNodes returns the items of a list of strings, or n itself when it is
// a single non-null scalar.
func (d *Decoder) stringNodes(n *yaml.Node, what string) []*yaml.Node {
	if n.Kind == yaml.ScalarNode && !IsNull(n) {
		return []*yaml.Node{n}
	}
	return d.List(n, what)
}

// sectionIDPattern is what a CPS section ID looks like: "4.9.12", "A.1".
var sectionIDPattern = regexp.MustCompile(`^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$`)

// IsSectionID reports whether s looks like a CPS section ID: digits or
// letters separated by single dots, such as "4.9.12" or "A.1".
func IsSectionID(s string) bool {
	return sectionIDPattern.MatchString(s)
}

// expect reports n unless it is of kind k; want describes k in the message.
// An alias is always reported, as an alias.
func (d *Decoder) expect(n *yaml.Node, k yaml.Kind, what, want string) bool {
	switch n.Kind {
	case k:
		return true
	case yaml.AliasNode:
		d.aliasError(n)
	default:
		d.Errs.Add(d.Pos(n), "%s: expected %s, got %s", what, want, kindName(n))
	}
	return false
}

// aliasError reports alias node n. Aliases are refused outright: the files
// read here have no need for them, and refusing them rules out alias bombs.
func (d *Decoder) aliasError(n *yaml.Node) {
	d.Errs.Add(d.Pos(n), "YAML aliases are not allowed (*%s); write the value out", Truncate(n.Value, quoteLimit))
}

// kindName describes what node n holds, for messages.
func kindName(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.AliasNode:
		return "an alias"
	case IsNull(n):
		return "nothing"
	}
	return Quote(n.Value)
}

// sortedList joins a sorted copy of names with commas.
func sortedList(names []string) string {
	return strings.Join(slices.Sorted(slices.Values(names)), ", ")
}

// quoteLimit is how many characters of a value a message quotes.
const quoteLimit = 60

// Quote quotes s for a message, cut short when it is long.
func Quote(s string) string {
	if t := Truncate(s, quoteLimit); t != s {
		return strconv.Quote(t) + "…"
	}
	return strconv.Quote(s)
}

// Truncate returns the first n characters of s.
func Truncate(s string, n int) string {
	count := 0
	for i := range s {
		if count == n {
			return s[:i]
		}
		count++
	}
	return s
}

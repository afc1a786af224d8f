package cps

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cpsgate/cpsgate/cps/internal/gfm"
	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/internal/mdnest"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Limits on what Parse accepts; larger inputs are rejected with an error at line 1.
const (
	MaxSize     = 16 << 20 // bytes of markdown
	MaxHeadings = 50000    // headings, at any depth
	// MaxQuoteDepth bounds the block quote and list markers that open one
	// line, and MaxMarkerColumn the column at which such a marker may start
	// (which bounds lists nested by indentation): goldmark parses nesting
	// in time quadratic in its depth.
	MaxQuoteDepth   = 32
	MaxMarkerColumn = 128
	// MaxParseTime bounds the markdown parser's time on one document.
	MaxParseTime = 5 * time.Second
)

// binarySniff is how many leading bytes are searched for a NUL byte.
const binarySniff = 8 << 10

// markdown is shared: goldmark's parser is safe for concurrent use. It has
// the block and inline syntax of GitHub Flavored Markdown (tables, task
// lists, strikethrough: gfm, a copy of goldmark's own), all of
// extension.GFM but Linkify, which only turns bare URLs into links and so
// changes neither structure nor heading text. It is goldmark.DefaultParser
// with the three.
var markdown = parser.NewParser(append([]parser.Option{
	parser.WithBlockParsers(parser.DefaultBlockParsers()...),
	parser.WithInlineParsers(parser.DefaultInlineParsers()...),
	parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
}, gfm.Options()...)...)

// Parse reads one CPS markdown document. Only top-level headings (ATX or
// setext, not inside lists, quotes or HTML) count; a heading is a section
// when its plain text starts with a section ID (see parseID). A section's
// own text runs from the line after its heading to the line before the next
// numbered heading. Positions are 1-based lines of src as given, whatever its
// line endings, BOM or front matter.
func Parse(file string, src []byte) (*Document, error) {
	return parse(file, src, nil)
}

// parse is Parse, finding the headings through cache when it is not nil.
func parse(file string, src []byte, cache *ParseCache) (*Document, error) {
	if err := checkInput(file, src); err != nil {
		return nil, err
	}
	p := newSource(file, normalize(src))
	p.cache = cache
	if line, msg := mdnest.Check(p.src, MaxQuoteDepth, MaxMarkerColumn); line > 0 {
		return nil, diag.Errors{diag.Errorf(diag.Pos{File: file, Line: line}, "%s", msg)}.Err()
	}
	var heads []heading
	var err error
	if segs := p.segments(); cache != nil && segs != nil {
		heads, err = cache.headings(p, segs)
	} else {
		var root ast.Node
		if root, err = parseMarkdown(file, p.src); err == nil {
			heads, err = p.headings(root)
		}
	}
	if err != nil {
		return nil, err
	}
	doc := &Document{File: file, Sections: p.sections(heads)}
	if _, err := Index([]*Document{doc}); err != nil {
		return nil, err
	}
	return doc, nil
}

// parseTimeout is MaxParseTime, shortened by tests.
var parseTimeout = MaxParseTime

// parseMarkdown runs goldmark on src, giving up after MaxParseTime. goldmark
// takes time quadratic in the length of a paragraph on some inputs (runs of
// unclosed links, link reference definitions, emphasis), which no size or
// nesting limit can rule out; a document that legitimately takes this long
// would be thousands of times larger than a real CPS. On timeout the parse
// is abandoned: it runs on until the process, a command-line run, exits.
func parseMarkdown(file string, src []byte) (ast.Node, error) {
	return parseMarkdownUntil(file, src, time.Now().Add(parseTimeout))
}

// parseMarkdownUntil is parseMarkdown with a deadline shared by the parts of
// one document (ParseCache parses a document's changed parts one by one).
func parseMarkdownUntil(file string, src []byte, deadline time.Time) (ast.Node, error) {
	done := make(chan ast.Node, 1)
	go func() { done <- markdown.Parse(text.NewReader(src)) }()
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case root := <-done:
		return root, nil
	case <-timer.C:
		return nil, diag.Errors{diag.Errorf(diag.Pos{File: file, Line: 1},
			"parsing the markdown took longer than %s (cps.MaxParseTime): the document has constructs that the markdown parser handles slowly, such as thousands of unclosed links in one paragraph", parseTimeout)}.Err()
	}
}

// checkInput rejects inputs that are too large or not text.
func checkInput(file string, src []byte) error {
	at := diag.Pos{File: file, Line: 1}
	if len(src) > MaxSize {
		return diag.Errors{diag.Errorf(at, "file is %d bytes, over the limit of %d", len(src), MaxSize)}.Err()
	}
	if bytes.IndexByte(src[:min(len(src), binarySniff)], 0) >= 0 {
		return diag.Errors{diag.Errorf(at, "binary file, not markdown")}.Err()
	}
	// Invalid UTF-8 is an error rather than repaired: two different invalid
	// bytes would repair to the same text and hash, hiding a change.
	if err := diag.CheckUTF8(file, src); err != nil {
		return diag.Errors{err}.Err()
	}
	return nil
}

// normalize strips a BOM, turns CRLF and CR into LF
// and blanks out front matter, all without moving any line.
//
// It copies src only when it changes something, so the result may share
// src's memory; neither is written to.
func normalize(src []byte) []byte {
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	if !utf8.Valid(src) {
		src = bytes.ToValidUTF8(src, []byte("\uFFFD"))
	}
	if bytes.IndexByte(src, '\r') >= 0 {
		src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
		src = bytes.ReplaceAll(src, []byte("\r"), []byte("\n"))
	}
	return blankFrontMatter(src)
}

// blankFrontMatter empties the lines of a YAML (---) or TOML (+++) front
// matter block at the very top, keeping its newlines.
func blankFrontMatter(src []byte) []byte {
	line, rest, _ := bytes.Cut(src, []byte("\n"))
	fence := string(bytes.TrimRight(line, " \t"))
	if fence != "---" && fence != "+++" {
		return src
	}
	for n := 2; len(rest) > 0; n++ {
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		if l := string(bytes.TrimRight(line, " \t")); l == fence || (fence == "---" && l == "...") {
			blank := bytes.Repeat([]byte("\n"), n)
			return append(blank, rest...)
		}
	}
	return src
}

// source is a normalized document with its line index.
type source struct {
	file       string
	src        []byte
	str        string      // src as a string, which section texts share
	lineStarts []int       // byte offset of each line's first byte
	cache      *ParseCache // nil: none
}

func newSource(file string, src []byte) *source {
	starts := make([]int, 1, bytes.Count(src, []byte("\n"))+1)
	for i := bytes.IndexByte(src, '\n'); i >= 0 && i+1 < len(src); {
		starts = append(starts, i+1)
		j := bytes.IndexByte(src[i+1:], '\n')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return &source{file: file, src: src, str: string(src), lineStarts: starts}
}

// line returns the 1-based line of byte offset off.
func (s *source) line(off int) int {
	return sort.Search(len(s.lineStarts), func(i int) bool { return s.lineStarts[i] > off })
}

// lines returns lines first..last (1-based, inclusive) without the final
// newline, dropping blank lines at either end; first and last report the
// range kept (first > last when nothing is left).
func (s *source) lines(first, last int) (txt string, keptFirst, keptLast int) {
	for first <= last && s.blank(first) {
		first++
	}
	for last >= first && s.blank(last) {
		last--
	}
	if first > last {
		return "", first, last
	}
	end := len(s.src)
	if last < len(s.lineStarts) {
		end = s.lineStarts[last]
	}
	return strings.TrimSuffix(s.str[s.lineStarts[first-1]:end], "\n"), first, last
}

func (s *source) blank(n int) bool {
	return len(bytes.TrimSpace(s.lineBytes(n, n))) == 0
}

// lineBytes returns lines first..last (1-based, inclusive) without the final newline.
func (s *source) lineBytes(first, last int) []byte {
	end := len(s.src)
	if last < len(s.lineStarts) {
		end = s.lineStarts[last]
	}
	return bytes.TrimSuffix(s.src[s.lineStarts[first-1]:end], []byte("\n"))
}

// lastLine is the number of the document's last line.
func (s *source) lastLine() int { return len(s.lineStarts) }

// heading is one heading of the document, at any depth.
type heading struct {
	Heading
	topLevel bool
	endLine  int    // last line of the heading itself (a setext underline)
	id       string // "" when unnumbered
	slugBase string // the anchor before it is made unique
}

// headings collects every heading in document order, with GitHub anchors.
func (s *source) headings(root ast.Node) ([]heading, error) {
	var heads []heading
	slugs := slugger{}
	err := ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		if len(heads) == MaxHeadings {
			return ast.WalkStop, diag.Errors{diag.Errorf(diag.Pos{File: s.file, Line: 1},
				"more than %d headings", MaxHeadings)}.Err()
		}
		heads = append(heads, s.heading(h, root, slugs))
		return ast.WalkSkipChildren, nil
	})
	return heads, err
}

// heading describes one goldmark heading.
func (s *source) heading(h *ast.Heading, root ast.Node, slugs slugger) heading {
	raw := plainText(h, s.src)
	// goldmark counts a tab in container indentation as several columns,
	// which can push the position past the line: clamp it.
	off := min(max(h.Pos(), 0), len(s.src))
	line := s.line(off)
	end := line
	if !isATX(s.src[off:]) && h.Lines().Len() > 0 {
		end = s.line(h.Lines().At(h.Lines().Len()-1).Start) + 1
	}
	base := slugBase(raw)
	id, title := parseID(raw)
	if id == "" {
		title = foldSpace(raw)
	}
	return heading{
		Heading: Heading{
			Title:  title,
			Level:  h.Level,
			Anchor: slugs.unique(base),
			Pos:    diag.Pos{File: s.file, Line: line},
		},
		topLevel: h.Parent() == root,
		endLine:  end,
		id:       id,
		slugBase: base,
	}
}

// isATX reports whether b starts with an ATX heading opener.
func isATX(b []byte) bool {
	n := 0
	for n < len(b) && b[n] == '#' {
		n++
	}
	return n >= 1 && n <= 6 && (n == len(b) || b[n] == ' ' || b[n] == '\t' || b[n] == '\n')
}

// sections turns the top-level headings into sections.
func (s *source) sections(heads []heading) []Section {
	var secs []Section
	for _, h := range heads {
		switch {
		case !h.topLevel:
		case h.id != "":
			secs = append(secs, Section{ID: h.id, Title: h.Title, Level: h.Level, Anchor: h.Anchor, Pos: h.Pos, End: h.endLine})
		case len(secs) > 0:
			last := &secs[len(secs)-1]
			last.Headings = append(last.Headings, h.Heading)
		}
	}
	for i := range secs {
		next := s.lastLine() + 1
		if i+1 < len(secs) {
			next = secs[i+1].Pos.Line
		}
		s.fillText(&secs[i], next)
	}
	return secs
}

// fillText sets the section's own text, End and Hash, given the line of
// the next numbered heading; on entry End is the heading's last line.
func (s *source) fillText(sec *Section, next int) {
	txt, _, last := s.lines(sec.End+1, next-1)
	sec.Text = txt
	if txt != "" {
		sec.End = last
	}
	if s.cache != nil {
		sec.Text, sec.Hash = s.cache.hash(txt)
	} else {
		sec.Hash = HashText(txt)
	}
}

// HashText returns "sha256:<hex>" of text with runs of Unicode white space
// folded to one space and trimmed.
func HashText(text string) string {
	sum := sha256.Sum256(appendFolded(make([]byte, 0, len(text)), text))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// foldSpace folds runs of Unicode white space to one space and trims.
func foldSpace(s string) string {
	b := appendFolded(make([]byte, 0, len(s)), s)
	if string(b) == s {
		return s
	}
	return string(b)
}

// asciiSpace marks the ASCII bytes that unicode.IsSpace accepts.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// appendFolded appends to dst the words of s (as strings.Fields splits
// them) separated by one space.
func appendFolded(dst []byte, s string) []byte {
	start := len(dst)
	dst = slices.Grow(dst, len(s))
	buf := dst[start : start+len(s)] // folding never lengthens s
	j := 0
	pending := false // white space since the last word
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiSpace[c] {
				pending = j > 0
				i++
				continue
			}
			if pending {
				buf[j] = ' '
				j++
				pending = false
			}
			buf[j] = c
			j++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			pending = j > 0
			i += size
			continue
		}
		if pending {
			buf[j] = ' '
			j++
			pending = false
		}
		j += copy(buf[j:], s[i:i+size])
		i += size
	}
	return dst[:start+j]
}

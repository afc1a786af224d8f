package cps

import (
	"bytes"
	"strings"
	"sync"
	"time"

	"github.com/cpsgate/cpsgate/diag"
)

// ParseCache parses the versions of CPS documents that share most of their
// text, as the versions of one history do, running the markdown parser only
// on the parts a version changed. Its Parse gives what Parse gives. It is
// safe for concurrent use.
type ParseCache struct {
	mu       sync.Mutex
	segments map[string][]heading // segment text -> its headings, lines counted from 1
	hashes   map[string]hashed    // section text -> the text as kept, and HashText of it
}

// hashed is a section's text as the cache keeps it (a copy, not a slice of
// the version that brought it) and its hash.
type hashed struct{ text, hash string }

// NewParseCache returns an empty cache.
func NewParseCache() *ParseCache {
	return &ParseCache{segments: map[string][]heading{}, hashes: map[string]hashed{}}
}

// hash returns HashText(text), through the cache, and text as the cache
// keeps it: sections take their text from there, so that a text that many
// versions share is kept once, and a version's source, once parsed, is not
// kept alive by slices of it (a report reads hundreds of versions). The
// keys are copies, for the same reason.
func (c *ParseCache) hash(text string) (kept, hash string) {
	c.mu.Lock()
	e, ok := c.hashes[text]
	c.mu.Unlock()
	if !ok {
		e = hashed{text: strings.Clone(text), hash: HashText(text)}
		c.mu.Lock()
		if prev, ok := c.hashes[text]; ok {
			e = prev
		} else {
			c.hashes[e.text] = e
		}
		c.mu.Unlock()
	}
	return e.text, e.hash
}

// Parse is Parse(file, src).
//
// A document without the constructs that reach across blank lines (fenced
// code, HTML blocks of types 1 to 5, link reference definitions; tabs, whose
// width goldmark counts in columns, are left out too) is cut before every
// ATX heading that starts a line after a blank line. Such a heading closes
// whatever block is open before it (a paragraph ends at the blank line, a
// list item or quote cannot take an unindented heading), so each segment
// parses on its own as it does within the document; a segment's headings
// are found once and their lines moved to where the segment starts.
func (c *ParseCache) Parse(file string, src []byte) (*Document, error) {
	return parse(file, src, c)
}

// unsplittable are the byte strings that make segments unsafe: fences,
// tabs, link reference definitions and the openers of HTML blocks that run
// until a closing marker rather than a blank line. HTML tag names are
// matched without regard to case, below.
var unsplittable = []string{"```", "~~~", "\t", "]:", "<!", "<?"}

// htmlRaw are the tags that open HTML blocks of type 1.
var htmlRaw = []string{"<pre", "<script", "<style", "<textarea"}

// segment is a run of whole lines of a document.
type segment struct {
	start int // byte offset
	line  int // 1-based line of its first byte
	end   int // byte offset after it
}

// segments cuts s before each ATX heading at the start of a line that
// follows a blank line, or returns nil when the document has a construct
// that makes this unsafe.
func (s *source) segments() []segment {
	for _, u := range unsplittable {
		if bytes.Contains(s.src, []byte(u)) {
			return nil
		}
	}
	if bytes.IndexByte(s.src, '<') >= 0 {
		lower := bytes.ToLower(s.src)
		for _, tag := range htmlRaw {
			if bytes.Contains(lower, []byte(tag)) {
				return nil
			}
		}
	}
	var segs []segment
	start, startLine := 0, 1
	prevBlank := true
	for n := 1; n <= s.lastLine(); n++ {
		line := s.lineBytes(n, n)
		if n > 1 && prevBlank && isATX(line) {
			off := s.lineStarts[n-1]
			segs = append(segs, segment{start: start, line: startLine, end: off})
			start, startLine = off, n
		}
		prevBlank = len(bytes.Trim(line, " ")) == 0
	}
	return append(segs, segment{start: start, line: startLine, end: len(s.src)})
}

// headings returns the headings of s, parsing only the segments that the
// cache has not seen.
func (c *ParseCache) headings(s *source, segs []segment) ([]heading, error) {
	found := make([][]heading, len(segs))
	n := 0
	deadline := time.Now().Add(parseTimeout)
	for i, seg := range segs {
		segText := s.str[seg.start:seg.end]
		c.mu.Lock()
		cached, ok := c.segments[segText]
		c.mu.Unlock()
		if !ok {
			sub := newSource(s.file, s.src[seg.start:seg.end:seg.end])
			root, err := parseMarkdownUntil(s.file, sub.src, deadline)
			if err != nil {
				return nil, err
			}
			if cached, err = sub.headings(root); err != nil {
				return nil, err // more than MaxHeadings in one segment
			}
			c.mu.Lock()
			c.segments[strings.Clone(segText)] = cached // not a slice of this version
			c.mu.Unlock()
		}
		found[i] = cached
		n += len(cached)
	}
	heads := make([]heading, 0, n)
	for i, seg := range segs {
		for _, h := range found[i] {
			h.Pos.File = s.file
			h.Pos.Line += seg.line - 1
			h.endLine += seg.line - 1
			heads = append(heads, h)
		}
	}
	if len(heads) > MaxHeadings {
		return nil, diag.Errors{diag.Errorf(diag.Pos{File: s.file, Line: 1}, "more than %d headings", MaxHeadings)}.Err()
	}
	slugs := slugger{}
	for i := range heads {
		heads[i].Anchor = slugs.unique(heads[i].slugBase)
	}
	return heads, nil
}

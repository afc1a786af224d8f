package flags

import (
	"bytes"
	"slices"
	"sync"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/internal/yamlnode"
)

// RegistryCache decodes the versions of a registry that share most of
// their entries, as the versions of one history do, decoding each entry
// that a version shares with the one decoded before it once. Its Decode
// gives what DecodeRegistry gives. It is safe for concurrent use.
type RegistryCache struct {
	mu sync.Mutex
	// entries are the entries of the version decoded last and of this one,
	// by text (for file): a year of history adds thousands of reviews, and
	// every version of an entry kept would keep them all.
	entries, last map[string]cachedEntry
}

// cachedEntry is one entry decoded on its own, its lines counted as if it
// started on line 2; ok is false when it could not be decoded cleanly.
type cachedEntry struct {
	file string
	e    Entry
	ok   bool
	// last is the entry as last moved (see shifted), shared by the copies
	// of this cachedEntry.
	last *movedEntry
}

// movedEntry is an entry with its positions moved by delta lines.
type movedEntry struct {
	delta int
	e     Entry
	ok    bool
}

// NewRegistryCache returns an empty cache.
func NewRegistryCache() *RegistryCache {
	return &RegistryCache{entries: map[string]cachedEntry{}, last: map[string]cachedEntry{}}
}

// Decode is DecodeRegistry(file, src).
//
// When src has the plain layout of a registry — comment or blank lines, a
// line "flags:", then a block sequence of entries whose "- " lines share one
// indentation and whose other lines are indented deeper, blank or comments —
// each entry is decoded on its own, as "flags:\n" followed by the entry's
// lines, and its positions moved to its lines in src. This gives what the
// whole file gives when every entry decodes without error: an entry that
// decodes on its own closes its quoted scalars and flow collections, so the
// "- " line after it starts the next entry in the whole file as well. Any
// error, duplicate name, block scalar or other layout decodes the whole file
// with DecodeRegistry, for its errors and their positions.
func (c *RegistryCache) Decode(file string, src []byte) (*Registry, error) {
	c.mu.Lock()
	c.last, c.entries = c.entries, make(map[string]cachedEntry, len(c.entries))
	c.mu.Unlock()
	if len(src) <= MaxRegistrySize {
		if reg := c.decodeSplit(file, src); reg != nil {
			return reg, nil
		}
	}
	return DecodeRegistry(file, src)
}

// registryChunk is the text of one entry and the line it starts on.
type registryChunk struct {
	text []byte
	line int
}

// splitRegistry cuts src into the texts of its entries when it has the
// plain layout that Decode describes, or returns nil.
func splitRegistry(src []byte) []registryChunk {
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	// Characters whose meaning reaches beyond a line in ways the split does
	// not follow: block scalars, other line breaks than "\n".
	if bytes.ContainsAny(src, "|>\r") || bytes.Contains(src, []byte("\u0085")) ||
		bytes.Contains(src, []byte("\u2028")) || bytes.Contains(src, []byte("\u2029")) {
		return nil
	}
	var chunks []registryChunk
	seenFlags := false
	indent := -1 // of the entries' "- "
	line := 0
	for rest := src; len(rest) > 0; {
		line++
		l := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			l, rest = rest[:i+1], rest[i+1:]
		} else {
			rest = nil
		}
		body := bytes.TrimRight(l, "\n")
		spaces := len(body) - len(bytes.TrimLeft(body, " "))
		switch {
		case spaces == len(body) || body[0] == '#':
			// blank or a comment: part of the current entry, if any
		case !seenFlags:
			if string(body) != "flags:" {
				return nil
			}
			seenFlags = true
			continue
		case bytes.HasPrefix(body[spaces:], []byte("- ")) && (indent < 0 || spaces == indent):
			indent = spaces
			chunks = append(chunks, registryChunk{line: line})
		case indent >= 0 && spaces >= indent+2:
			// inside the current entry
		default:
			return nil
		}
		if len(chunks) > 0 {
			ch := &chunks[len(chunks)-1]
			if ch.text == nil {
				ch.text = l
			} else {
				ch.text = ch.text[:len(ch.text)+len(l)] // the lines are contiguous in src
			}
		}
	}
	return chunks
}

// decodeSplit decodes src entry by entry, or returns nil.
func (c *RegistryCache) decodeSplit(file string, src []byte) *Registry {
	chunks := splitRegistry(src)
	if len(chunks) == 0 {
		return nil
	}
	reg := &Registry{File: file, Flags: make([]Entry, 0, len(chunks))}
	names := make(map[string]bool, len(chunks))
	for _, ch := range chunks {
		ce := c.entry(file, ch.text)
		if !ce.ok || names[ce.e.Name] {
			return nil
		}
		names[ce.e.Name] = true
		reg.Flags = append(reg.Flags, c.shifted(ce, ch.line-2))
	}
	return reg
}

// shifted is shiftEntry(ce.e, delta), shared with the registry decoded
// last with the same entry on the same lines: in a history, the entries
// above a change keep their lines, and a registry's versions then hold one
// copy of their reviews, not one each (nothing changes a decoded entry).
func (c *RegistryCache) shifted(ce cachedEntry, delta int) Entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if m := ce.last; m != nil && m.ok && m.delta == delta {
		return m.e
	}
	e := shiftEntry(ce.e, delta)
	if ce.last != nil {
		*ce.last = movedEntry{delta: delta, e: e, ok: true}
	}
	return e
}

// entry decodes one entry's text on its own, through the cache.
func (c *RegistryCache) entry(file string, text []byte) cachedEntry {
	c.mu.Lock()
	ce, hit := c.entries[string(text)]
	if !hit {
		if ce, hit = c.last[string(text)]; hit {
			c.entries[string(text)] = ce
		}
	}
	c.mu.Unlock()
	if hit && ce.file == file {
		return ce
	}
	ce = cachedEntry{file: file, last: &movedEntry{}}
	d := &yamlnode.Decoder{File: file}
	roots := d.Parse(append([]byte("flags:\n"), text...))
	if len(d.Errs) == 0 && len(roots) == 1 {
		if f, ok := d.Fields(roots[0], "registry", "flags")["flags"]; ok {
			if items := d.List(f.Value, "flags"); len(items) == 1 {
				ce.e, ce.ok = decodeEntry(d, items[0])
			}
		}
	}
	ce.ok = ce.ok && len(d.Errs) == 0
	c.mu.Lock()
	c.entries[string(text)] = ce // the last file wins: a history has one registry at a time
	c.mu.Unlock()
	return ce
}

// shiftEntry returns a copy of e with its positions moved by delta lines.
func shiftEntry(e Entry, delta int) Entry {
	shift := func(p diag.Pos) diag.Pos {
		if p.Line > 0 {
			p.Line += delta
		}
		return p
	}
	e.Pos, e.CPSPos = shift(e.Pos), shift(e.CPSPos)
	e.CPS = slices.Clone(e.CPS)
	e.Reviews = slices.Clone(e.Reviews)
	for i := range e.Reviews {
		r := &e.Reviews[i]
		r.Pos = shift(r.Pos)
		r.Sections = slices.Clone(r.Sections)
	}
	return e
}

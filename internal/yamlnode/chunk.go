package yamlnode

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"runtime"
	"sync"

	"go.yaml.in/yaml/v3"
)

// The YAML parser reads a large registry (10,000 flags, 2 MB) at about
// 6 MB/s on one core. A document whose long top-level block sequences (the
// registry's flags:, parameters:) have items that start each on a line of
// their own is read in parallel: the document without those items (its
// skeleton) and runs of consecutive items, each run parsed as a document of
// its own that keeps its lines' numbers. The result is the node tree the
// whole document parses to, comments aside (the decoders read none); any
// layout the splitting does not recognize, or any error in a part, falls
// back to parsing the whole document, so errors are always those of the
// whole. TestParseChunkedAgrees compares both on every registry shape the
// tests know and on random ones.

// chunkMin is the size from which Parse splits a document.
var chunkMin = 256 << 10

// chunkItems is the least number of items in a sequence worth splitting.
var chunkItems = 64

// topKeyLine is a top-level key with no value on its line: "flags:".
var topKeyLine = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*:[ ]*$`)

// seqRange is a top-level key's block sequence: its key's line and the
// lines (0-based, end exclusive) that start its items.
type seqRange struct {
	keyLine    int
	itemStarts []int
	end        int
}

// parseChunked parses src as described above; ok is false when it did not
// (the caller parses the whole document).
func parseChunked(src []byte) (root *yaml.Node, ok bool) {
	lines := bytes.SplitAfter(src, []byte("\n"))
	ranges, ok := sequenceRanges(lines)
	if !ok || len(ranges) == 0 {
		return nil, false
	}
	parts := max(2, min(runtime.GOMAXPROCS(0), 8))
	type chunk struct {
		first, end int // lines
		root       *yaml.Node
	}
	var chunks [][]chunk // per range
	skeleton := make([]byte, 0, len(src))
	next := 0
	for _, r := range ranges {
		for _, l := range lines[next:r.itemStarts[0]] {
			skeleton = append(skeleton, l...)
		}
		for range lines[r.itemStarts[0]:r.end] {
			skeleton = append(skeleton, '\n') // same line numbers, no items
		}
		next = r.end
		var cs []chunk
		per := (len(r.itemStarts) + parts - 1) / parts
		for i := 0; i < len(r.itemStarts); i += per {
			end := r.end
			if i+per < len(r.itemStarts) {
				end = r.itemStarts[i+per]
			}
			cs = append(cs, chunk{first: r.itemStarts[i], end: end})
		}
		chunks = append(chunks, cs)
	}
	for _, l := range lines[next:] {
		skeleton = append(skeleton, l...)
	}
	var (
		wg     sync.WaitGroup
		failed sync.Once
		bad    bool
		skel   *yaml.Node
	)
	fail := func() { failed.Do(func() { bad = true }) }
	for ri := range chunks {
		for ci := range chunks[ri] {
			c := &chunks[ri][ci]
			wg.Go(func() {
				text := make([]byte, 0, c.first+len(src)/parts)
				text = append(text, bytes.Repeat([]byte("\n"), c.first)...)
				for _, l := range lines[c.first:c.end] {
					text = append(text, l...)
				}
				n, ok := parseOne(text)
				if !ok || n.Kind != yaml.SequenceNode || n.Style != 0 || n.Tag != "!!seq" || n.Anchor != "" {
					fail()
					return
				}
				c.root = n
			})
		}
	}
	wg.Go(func() {
		n, ok := parseOne(skeleton)
		if !ok || n.Kind != yaml.MappingNode {
			fail()
			return
		}
		skel = n
	})
	wg.Wait()
	if bad {
		return nil, false
	}
	for ri, r := range ranges {
		value := keyValue(skel, r.keyLine+1)
		if value == nil || value.Kind != yaml.ScalarNode || value.Tag != "!!null" || value.Value != "" {
			return nil, false
		}
		first := chunks[ri][0].root
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: first.Line, Column: first.Column}
		for _, c := range chunks[ri] {
			seq.Content = append(seq.Content, c.root.Content...)
		}
		*value = *seq
	}
	return skel, true
}

// parseOne parses src as exactly one YAML document and returns its root.
func parseOne(src []byte) (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil || len(doc.Content) != 1 {
		return nil, false
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, false
	}
	return doc.Content[0], true
}

// keyValue is the value of the key of root (a mapping) on line (1-based).
func keyValue(root *yaml.Node, line int) *yaml.Node {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i]; k.Line == line && k.Column == 1 {
			return root.Content[i+1]
		}
	}
	return nil
}

// sequenceRanges finds the top-level keys of lines whose value is a block
// sequence of at least chunkItems items, each item starting on a line of
// its own at one indentation, every other line of the sequence blank, a
// comment or indented deeper. ok is false when the document has a
// directive, a document marker or a tab in its indentation (it is then
// parsed whole).
func sequenceRanges(lines [][]byte) (ranges []seqRange, ok bool) {
	for _, l := range lines {
		if bytes.HasPrefix(l, []byte("---")) || bytes.HasPrefix(l, []byte("...")) || bytes.HasPrefix(l, []byte("%")) ||
			bytes.HasPrefix(bytes.TrimLeft(l, " "), []byte("\t")) {
			return nil, false
		}
	}
	for i := 0; i < len(lines); i++ {
		if !topKeyLine.Match(bytes.TrimRight(lines[i], "\r\n")) {
			continue
		}
		r, end := sequenceAfter(lines, i)
		if len(r.itemStarts) >= chunkItems {
			ranges = append(ranges, r)
		}
		i = end - 1
	}
	return ranges, true
}

// sequenceAfter reads the block sequence that is the value of the key on
// line key; it returns it (no items when the value is something else) and
// the line where the scan stopped.
func sequenceAfter(lines [][]byte, key int) (seqRange, int) {
	r := seqRange{keyLine: key}
	indent := -1
	i := key + 1
	for ; i < len(lines); i++ {
		text := bytes.TrimRight(lines[i], "\r\n")
		content := bytes.TrimLeft(text, " ")
		if len(content) == 0 || content[0] == '#' {
			continue
		}
		n := len(text) - len(content)
		item := content[0] == '-' && (len(content) == 1 || content[1] == ' ')
		switch {
		case indent < 0 && item:
			indent = n
			r.itemStarts = append(r.itemStarts, i)
		case indent < 0:
			return seqRange{keyLine: key}, i // not a block sequence
		case n == 0 && !(indent == 0 && item):
			r.end = trimTrailing(lines, r.itemStarts[len(r.itemStarts)-1], i)
			return r, i // the next top-level key
		case n == indent && item:
			r.itemStarts = append(r.itemStarts, i)
		case n <= indent:
			return seqRange{keyLine: key}, i // a layout not split
		}
	}
	if indent < 0 {
		return seqRange{keyLine: key}, i
	}
	r.end = trimTrailing(lines, r.itemStarts[len(r.itemStarts)-1], i)
	return r, i
}

// trimTrailing moves end back over the blank and comment lines that follow
// the last item (they stay in the skeleton, as comments between keys).
func trimTrailing(lines [][]byte, last, end int) int {
	for end > last+1 {
		content := bytes.TrimLeft(bytes.TrimRight(lines[end-1], "\r\n"), " ")
		if len(content) != 0 && content[0] != '#' {
			break
		}
		end--
	}
	return end
}

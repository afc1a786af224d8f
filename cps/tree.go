package cps

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// TreeHashes returns, for each section of one document (in document order),
// the hash of the text a link to it covers: the section's own text and that
// of every subsection under it (each subsection as its heading line and its
// text), with white space folded as in HashText. A section without
// subsections covers its own text, so its tree hash is its Hash: reviews
// that recorded Hash stay valid. A link to a heading-only parent such as 4.9
// thus goes stale when 4.9.12 changes.
func TreeHashes(sections []Section) map[string]string {
	out := make(map[string]string, len(sections))
	// The text under section i is a run of all: its own text, then each
	// later section's heading line and text, up to the end of the text of
	// the last section under it (end[j-1]).
	var all strings.Builder
	size := 0
	for _, d := range sections {
		size += len(d.Text) + d.Level + len(d.ID) + len(d.Title) + 3
	}
	all.Grow(size)
	start, end := make([]int, len(sections)), make([]int, len(sections))
	for k, d := range sections {
		if k > 0 {
			all.WriteString("\n")
			all.WriteString(strings.Repeat("#", d.Level))
			all.WriteString(" " + d.ID + " " + d.Title + "\n")
		}
		start[k] = all.Len()
		all.WriteString(d.Text)
		end[k] = all.Len()
	}
	text := all.String()
	var folded []byte
	for i, s := range sections {
		j := i + 1
		for j < len(sections) && sections[j].Level > s.Level {
			j++
		}
		if j == i+1 {
			out[s.ID] = s.Hash
			continue
		}
		folded = appendFolded(folded[:0], text[start[i]:end[j-1]])
		sum := sha256.Sum256(folded)
		out[s.ID] = "sha256:" + hex.EncodeToString(sum[:])
	}
	return out
}

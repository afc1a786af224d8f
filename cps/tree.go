package cps

import "strings"

// TreeHashes returns, for each section of one document (in document order),
// the hash of the text a link to it covers: the section's own text and that
// of every subsection under it (each subsection as its heading line and its
// text), with white space folded as in HashText. A section without
// subsections covers its own text, so its tree hash is its Hash: reviews
// that recorded Hash stay valid. A link to a heading-only parent such as 4.9
// thus goes stale when 4.9.12 changes.
func TreeHashes(sections []Section) map[string]string {
	out := make(map[string]string, len(sections))
	for i, s := range sections {
		j := i + 1
		for j < len(sections) && sections[j].Level > s.Level {
			j++
		}
		if j == i+1 {
			out[s.ID] = s.Hash
			continue
		}
		var b strings.Builder
		b.WriteString(s.Text)
		for _, d := range sections[i+1 : j] {
			b.WriteString("\n")
			b.WriteString(strings.Repeat("#", d.Level))
			b.WriteString(" " + d.ID + " " + d.Title + "\n")
			b.WriteString(d.Text)
		}
		out[s.ID] = HashText(b.String())
	}
	return out
}

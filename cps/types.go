// Package cps reads a Certification Practice Statement written in markdown
// (RFC 3647 outline) into numbered sections with stable IDs and content
// hashes, diffs two versions, and lints the outline.
package cps

import (
	"runtime"
	"sync"
	"weak"

	"github.com/cpsgate/cpsgate/diag"
)

// Section is one numbered section of a CPS document.
type Section struct {
	ID     string   // "4.9.12", "1", "A.1"
	Title  string   // heading text after the number, inline markup removed
	Level  int      // heading level (number of #), 1..6
	Anchor string   // GitHub-style anchor of the heading, unique within its document
	Pos    diag.Pos // of the heading line
	End    int      // last line (1-based, inclusive) of the section's own text
	Text   string   // the section's own text: everything after the heading up to the next numbered heading, unnumbered subheadings included
	Hash   string   // "sha256:<hex>" of Text with runs of white space folded to one space and trimmed
	// Headings are the unnumbered headings inside the section's own text
	// (e.g. certificate profiles under 7.1), addressable by anchor.
	Headings []Heading
}

// Heading is an unnumbered heading.
type Heading struct {
	Title  string
	Level  int
	Anchor string
	Pos    diag.Pos
}

// Document is one parsed CPS file.
type Document struct {
	File     string
	Sections []Section // in document order
}

// treeCache holds the tree hashes of the documents alive, by document.
var treeCache sync.Map // weak.Pointer[Document] -> map[string]string

// TreeHashes returns the tree hash of every section of the document (see
// TreeHashes), computed once per document while it is alive: the history
// loader shares a document across the commits that do not change it. The
// map is shared: callers do not modify it, nor a document's sections once
// they asked.
func (d *Document) TreeHashes() map[string]string {
	k := weak.Make(d)
	if v, ok := treeCache.Load(k); ok {
		return v.(map[string]string)
	}
	h := TreeHashes(d.Sections)
	if _, loaded := treeCache.LoadOrStore(k, h); !loaded {
		runtime.AddCleanup(d, func(k weak.Pointer[Document]) { treeCache.Delete(k) }, k)
	}
	return h
}

// Change kinds for sections.
const (
	Added      = "added"
	Removed    = "removed"
	Modified   = "modified"
	Renumbered = "renumbered"
	Retitled   = "retitled"
)

// Change is one difference between two versions of the CPS.
type Change struct {
	Kind     string
	ID       string // head ID (base ID for Removed)
	OldID    string // for Renumbered
	Title    string
	OldTitle string // for Retitled (and Renumbered when the title changed too)
	Hash     string
	OldHash  string
	Pos      diag.Pos // in head (in base for Removed)
	OldPos   diag.Pos // in base, when the section existed there
}

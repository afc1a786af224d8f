// Package inspect is what the commands that read one revision print: the
// flag list of `cpsgate flags`, and JSON and text tables made inert (the
// control characters of repository text escaped, no line a CI runner reads
// as a command).
package inspect

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/gitrepo"
	"github.com/cpsgate/cpsgate/internal/clone"
	"github.com/cpsgate/cpsgate/internal/inert"
	"github.com/cpsgate/cpsgate/review"
	"github.com/cpsgate/cpsgate/revision"
)

// Flag is one element of `flags --format json`.
type Flag struct {
	Name        string      `json:"name"`
	Registered  bool        `json:"registered"`
	Status      string      `json:"status,omitempty"`
	Sections    []string    `json:"sections"`
	NoCPSImpact string      `json:"no_cps_impact,omitempty"`
	Sources     []string    `json:"sources"`
	LastReview  *LastReview `json:"last_review"`
}

// LastReview is the newest review of a flag.
type LastReview struct {
	Date     string `json:"date"`
	Reviewer string `json:"reviewer"`
	Verdict  string `json:"verdict"`
	Stale    bool   `json:"stale"`
}

// Flags joins the registry and the sources of one state, by flag name.
func Flags(st *revision.State) []Flag {
	byName := map[string]*Flag{}
	get := func(name string) *Flag {
		if f, ok := byName[name]; ok {
			return f
		}
		f := &Flag{Name: name, Sections: []string{}, Sources: []string{}}
		byName[name] = f
		return f
	}
	if st.Registry != nil {
		for _, entry := range st.Registry.Flags {
			f := get(entry.Name)
			f.Registered, f.Status, f.NoCPSImpact = true, entry.Status, entry.NoCPSImpact
			f.Sections = append(f.Sections, entry.CPS...)
			f.LastReview = lastReview(entry.Reviews, st)
		}
	}
	for _, d := range st.Inventory.Defs {
		f := get(d.Flag)
		f.Sources = append(f.Sources, d.Pos.File+":"+fmt.Sprint(d.Pos.Line))
	}
	for _, s := range st.Inventory.AllSettings() {
		f := get(s.Flag)
		f.Sources = append(f.Sources, fmt.Sprintf("%s=%t", s.Env, s.Value))
	}
	var list []Flag
	for _, name := range sortedNames(byName) {
		list = append(list, *byName[name])
	}
	return list
}

// lastReview is the newest review by date; stale when a section hash it
// recorded no longer matches the text a link to the section covers (its
// tree hash, the policies' link_hash: the section with its subsections).
func lastReview(reviews []review.Review, st *revision.State) *LastReview {
	if len(reviews) == 0 {
		return nil
	}
	last := slices.MaxFunc(reviews, func(a, b review.Review) int { return strings.Compare(a.Date, b.Date) })
	doc := &LastReview{Date: last.Date, Reviewer: last.Reviewer, Verdict: last.Verdict}
	for id, h := range last.SectionHashes {
		if linkHash(st, id) != h {
			doc.Stale = true
		}
	}
	return doc
}

// linkHash is the tree hash of section id at st, "" when it has none.
func linkHash(st *revision.State, id string) string {
	for _, d := range st.Docs {
		if h, ok := d.TreeHashes()[id]; ok {
			return h
		}
	}
	return ""
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// EncodeJSON writes v as indented JSON, made inert.
func EncodeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(inert.JSON(b.Bytes()))
	return err
}

// Table is a tabwriter for a text listing: control characters in
// repository text shown escaped and no line a CI runner reads as a command.
// Its Flush writes to w.
func Table(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(&inertWriter{w: w}, 0, 4, 2, ' ', 0)
}

// inertWriter makes each Write inert; tabwriter writes whole lines.
type inertWriter struct{ w io.Writer }

func (iw *inertWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(iw.w, inert.Lines(inert.Text(string(p)))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Documents parses the markdown files named on the command line (relative
// to dir) and indexes their sections: as read by read, or, with rev, as
// they are at that revision of the repository at dir (a file outside the
// repository is an error).
func Documents(ctx context.Context, dir, rev string, files []string, read func(string) ([]byte, error)) ([]*cps.Document, error) {
	if rev != "" {
		// The files as they are at --rev, named relative to -C.
		repo, err := gitrepo.Open(ctx, dir)
		if err != nil {
			return nil, err
		}
		defer repo.Close()
		sha, err := repo.Resolve(rev)
		if err != nil {
			return nil, err
		}
		snap := repo.Commit(sha)
		root := clone.RealPath(repo.Root())
		read = func(f string) ([]byte, error) {
			p := f
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			full := filepath.Join(clone.RealPath(filepath.Dir(p)), filepath.Base(p))
			rel, err := filepath.Rel(root, full)
			if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return nil, fmt.Errorf("%s: with --rev, a file must be inside the repository %s", f, repo.Root())
			}
			return snap.ReadFile(filepath.ToSlash(rel))
		}
	}
	var docs []*cps.Document
	for _, f := range files {
		src, err := read(f)
		if err != nil {
			return nil, err
		}
		doc, err := cps.Parse(f, src)
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	_, err := cps.Index(docs)
	return docs, err
}

// Section is one element of `sections --format json`.
type Section struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Level  int    `json:"level"`
	File   string `json:"file"`
	Line   int    `json:"line"`
	Anchor string `json:"anchor"`
	Hash   string `json:"hash"`
}

// WriteSections lists the sections of docs, in document order, as JSON or
// as an indented table.
func WriteSections(w io.Writer, docs []*cps.Document, asJSON bool) error {
	list := []Section{}
	for _, d := range docs {
		for _, s := range d.Sections {
			list = append(list, Section{s.ID, s.Title, s.Level, s.Pos.File, s.Pos.Line, s.Anchor, s.Hash})
		}
	}
	if asJSON {
		return EncodeJSON(w, list)
	}
	tw := Table(w)
	for _, s := range list {
		fmt.Fprintf(tw, "%s%s\t%s\t%s:%d\t%s\n", strings.Repeat("  ", strings.Count(s.ID, ".")), s.ID, s.Title, s.File, s.Line, s.Hash[:min(len(s.Hash), 19)])
	}
	return tw.Flush()
}

// WriteFlags lists flags as JSON or as a table.
func WriteFlags(w io.Writer, list []Flag, asJSON bool) error {
	if asJSON {
		return EncodeJSON(w, list)
	}
	tw := Table(w)
	fmt.Fprintln(tw, "FLAG\tSTATUS\tCPS\tSOURCES\tLAST REVIEW")
	for _, f := range list {
		status := f.Status
		if !f.Registered {
			status = "UNREGISTERED"
		}
		links := strings.Join(f.Sections, ",")
		if links == "" {
			links = "-"
		}
		last := "none"
		if r := f.LastReview; r != nil {
			last = fmt.Sprintf("%s %s %s", r.Date, r.Reviewer, r.Verdict)
			if r.Stale {
				last += " (STALE)"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Name, status, links, strings.Join(f.Sources, " "), last)
	}
	return tw.Flush()
}

// Package regedit edits the flag registry as text, so that an edit keeps
// the file's comments, order and formatting: it appends a review to a
// flag's entry (`cpsgate review add`) by inserting lines, and checks the
// result by decoding it.
package regedit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/report"
	"github.com/cpsgate/cpsgate/review"
	"github.com/cpsgate/cpsgate/revision"
)

// Name is what review r reviews, as "flag NAME" or "parameter NAME".
func Name(r review.Review) string {
	if r.Parameter != "" {
		return "parameter " + r.Parameter
	}
	return "flag " + r.Flag
}

// reviewsOf returns the reviews of flag's entry in reg, or of the parameter
// flag when parameter is set; ok is false when there is no such entry.
func reviewsOf(reg *flags.Registry, flag string, parameter bool) (reviews []review.Review, ok bool) {
	if parameter {
		p := reg.LookupParameter(flag)
		if p == nil {
			return nil, false
		}
		return p.Reviews, true
	}
	e := reg.Lookup(flag)
	if e == nil {
		return nil, false
	}
	return e.Reviews, true
}

// AppendReview returns src with r appended to the reviews of flag's entry,
// or of the parameter's when r.Parameter is set (a `reviews:` list is added
// when the entry has none). Nothing else in the text changes. The result is
// decoded as the registry, and must hold the review as given.
func AppendReview(file string, src []byte, flag string, r review.Review) ([]byte, error) {
	if bytes.Contains(src, []byte("\r")) {
		return nil, fmt.Errorf("%s: has CR line ends; convert it to LF first", file)
	}
	before, err := flags.DecodeRegistry(file, src)
	if err != nil {
		return nil, err
	}
	isParam, what, listKey := r.Parameter != "", "flag", "flags"
	if isParam {
		what, listKey = "parameter", "parameters"
	}
	old, ok := reviewsOf(before, flag, isParam)
	if !ok {
		return nil, fmt.Errorf("%s %s has no entry in %s: register it first", what, flag, file)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	list := mapValue(doc.Content[0], listKey)
	var item *yaml.Node
	next := 0 // line of the next flag entry, 0 at the end of the file
	for i, it := range list.Content {
		if name := mapValue(it, "name"); name != nil && name.Value == flag {
			item = it
			if i+1 < len(list.Content) {
				next = list.Content[i+1].Line
			}
		}
	}
	keyCol := item.Content[0].Column // the entry's keys
	lines := strings.SplitAfter(string(src), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	// Insert before the key after reviews, or the next entry, or at the end,
	// leaving blank and comment lines that precede it where they are.
	at := len(lines) + 1
	if next > 0 {
		at = next
	}
	var reviews *yaml.Node
	for i := 0; i+1 < len(item.Content); i += 2 {
		if item.Content[i].Value == "reviews" {
			reviews = item.Content[i+1]
			if i+2 < len(item.Content) {
				at = item.Content[i+2].Line
			}
		}
	}
	for at > 1 && isBlankOrComment(lines[at-2]) {
		at--
	}
	var add strings.Builder
	dash := keyCol - 1 + 2
	switch {
	case reviews == nil:
		fmt.Fprintf(&add, "%sreviews:\n", strings.Repeat(" ", keyCol-1))
	case reviews.Kind != yaml.SequenceNode || reviews.Style&yaml.FlowStyle != 0:
		return nil, fmt.Errorf("%s:%d: the reviews of %s %s are not a block list (\"- date: ...\" lines): write them as one to append", file, reviews.Line, what, flag)
	case len(reviews.Content) > 0:
		dash = reviews.Content[0].Column - 3
	}
	writeReview(&add, strings.Repeat(" ", dash), r)
	if at > len(lines) && len(lines) > 0 && !strings.HasSuffix(lines[len(lines)-1], "\n") {
		lines[len(lines)-1] += "\n"
	}
	out := slices.Concat(lines[:at-1], []string{add.String()}, lines[at-1:])
	res := []byte(strings.Join(out, ""))
	after, err := flags.DecodeRegistry(file, res)
	if err != nil {
		return nil, fmt.Errorf("the edited registry does not decode: %w", err)
	}
	now, ok := reviewsOf(after, flag, isParam)
	if !ok || len(now) != len(old)+1 {
		return nil, fmt.Errorf("%s: could not append the review to %s %s's entry", file, what, flag)
	}
	got := now[len(now)-1]
	if got.Date != r.Date || got.Reviewer != r.Reviewer || !slices.Equal(got.Sections, r.Sections) || got.Verdict != r.Verdict || got.Notes != r.Notes {
		return nil, fmt.Errorf("%s: the review appended to %s %s reads back differently", file, what, flag)
	}
	return res, nil
}

// mapValue returns the value of key in mapping n, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func isBlankOrComment(line string) bool {
	t := strings.TrimSpace(line)
	return t == "" || strings.HasPrefix(t, "#")
}

// quote returns s as a double-quoted YAML scalar.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// writeReview writes r as a block list item whose dash is at indent.
func writeReview(b *strings.Builder, indent string, r review.Review) {
	in := indent + "  "
	fmt.Fprintf(b, "%s- date: %s\n", indent, r.Date)
	fmt.Fprintf(b, "%sreviewer: %s\n", in, quote(r.Reviewer))
	ids := make([]string, len(r.Sections))
	for i, s := range r.Sections {
		ids[i] = quote(s)
	}
	fmt.Fprintf(b, "%ssections: [%s]\n", in, strings.Join(ids, ", "))
	fmt.Fprintf(b, "%sverdict: %s\n", in, r.Verdict)
	if r.CPSVersion != "" {
		fmt.Fprintf(b, "%scps_version: %s\n", in, quote(r.CPSVersion))
	}
	if len(r.SectionHashes) > 0 {
		var pairs []string
		for _, s := range r.Sections {
			if h, ok := r.SectionHashes[s]; ok {
				pairs = append(pairs, quote(s)+": "+quote(h))
			}
		}
		fmt.Fprintf(b, "%ssection_hashes: {%s}\n", in, strings.Join(pairs, ", "))
	}
	if r.Ref != "" {
		fmt.Fprintf(b, "%sref: %s\n", in, quote(r.Ref))
	}
	fmt.Fprintf(b, "%snotes: %s\n", in, quote(r.Notes))
}

// NotesTemplate is the file the editor opens for the notes of review r.
func NotesTemplate(r review.Review) string {
	how := "how the flag's behaviour, on and off, matches them"
	if r.Parameter != "" {
		how = "how the parameter's values, in every environment, match them"
	}
	return fmt.Sprintf("\n# Notes of the review of %s against CPS sections %s:\n# %s. Lines starting\n# with # are left out; empty notes cancel the review.\n", Name(r), strings.Join(r.Sections, ", "), how)
}

// ParseNotes returns the notes written in the editor's file: the lines
// not starting with #, white space folded.
func ParseNotes(text string) string {
	var keep []string
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			keep = append(keep, line)
		}
	}
	return strings.Join(strings.Fields(strings.Join(keep, " ")), " ")
}

// Verdicts a review may carry.
var verdicts = []string{review.VerdictCompliant, review.VerdictCPSUpdated, review.VerdictNotApplicable}

// NewReview builds the review of flag by reviewer of the given sections
// (the flag's links when none), with their current hashes from sections.
func NewReview(entry *flags.Entry, current map[string]string, ids []string, reviewer, verdict, date, version string) (review.Review, error) {
	if err := review.CheckIdentity(reviewer); err != nil {
		return review.Review{}, fmt.Errorf("--reviewer: %w", err)
	}
	if !slices.Contains(verdicts, verdict) {
		return review.Review{}, fmt.Errorf("--verdict %q is not one of %s", verdict, strings.Join(verdicts, ", "))
	}
	if len(ids) == 0 {
		ids = entry.CPS
	}
	if len(ids) == 0 {
		return review.Review{}, fmt.Errorf("flag %s links no CPS section: name the reviewed sections with --sections", entry.Name)
	}
	r := review.Review{Flag: entry.Name, Date: date, Reviewer: reviewer, Verdict: verdict, CPSVersion: version, SectionHashes: map[string]string{}}
	for _, id := range ids {
		h, ok := current[id]
		if !ok {
			return review.Review{}, fmt.Errorf("section %s is not in the CPS (see cpsgate sections)", id)
		}
		if !slices.Contains(r.Sections, id) {
			r.Sections = append(r.Sections, id)
			r.SectionHashes[id] = h
		}
	}
	return r, nil
}

// Draft is NewReview for flag (or the parameter of that name), whose entry is in st (read from the file
// registry), against the CPS of st: the sections' current
// hashes are the hashes a link covers (cps.TreeHashes: a parent's covers its
// subsections, as the policies compare them), and the CPS version is what
// the first reviewed section's document states (read with readFile; none
// when it cannot be read).
func Draft(st *revision.State, registry string, readFile func(string) ([]byte, error), flag string, ids []string, reviewer, verdict, date string) (review.Review, error) {
	entry := st.Registry.Lookup(flag)
	param := st.Registry.LookupParameter(flag)
	switch {
	case entry == nil && param != nil:
		entry = &flags.Entry{Name: param.Name, CPS: param.CPS}
	case entry == nil:
		return review.Review{}, fmt.Errorf("no flag or parameter %s has an entry in %s: register it first", flag, registry)
	case param != nil:
		return review.Review{}, fmt.Errorf("%s names both a flag and a parameter in %s", flag, registry)
	}
	hashes := map[string]string{}
	for _, d := range st.Docs {
		maps.Copy(hashes, cps.TreeHashes(d.Sections))
	}
	r, err := NewReview(entry, hashes, ids, reviewer, verdict, date, "")
	if err != nil {
		return r, err
	}
	if param != nil {
		r.Flag, r.Parameter = "", param.Name
	}
	if s := st.Sections[r.Sections[0]]; s != nil {
		if src, err := readFile(s.Pos.File); err == nil {
			r.CPSVersion, _ = report.DetectVersion(src)
		}
	}
	return r, nil
}

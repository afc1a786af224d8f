package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cpsgate/cpsgate/internal/inert"
)

// JSON writes the report as one indented JSON document. Strings hold
// repository text as it is; only what a CI runner would read as a command
// in its log is written with a JSON escape (inert.JSON).
type JSON struct{}

// Render writes r as JSON.
func (JSON) Render(w io.Writer, r *Report) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return err
	}
	_, err := w.Write(inert.JSON(b.Bytes()))
	return err
}

// What describes the event itself: "AsyncFinalize enabled in deploy/prod.json".
func What(e Event) string {
	switch e.Subject {
	case SubjectFlag:
		s := e.Flag + " " + e.Change
		if e.Environment != "" {
			s += " in " + e.Environment
		}
		if len(e.Fields) > 0 {
			s += " (" + strings.Join(e.Fields, ", ") + ")"
		}
		return s
	case SubjectSection:
		s := "§" + e.Section + " " + e.Change
		if e.OldSection != "" {
			s += " from §" + e.OldSection
		}
		if e.SectionName != "" {
			s += ` "` + e.SectionName + `"`
		}
		return s
	case SubjectParameter:
		return parameterWhat(e)
	case SubjectReview:
		return fmt.Sprintf("%s reviewed by %s: %s (§%s)", e.Flag, e.Reviewer, e.Verdict, strings.Join(e.Sections, ", §"))
	}
	return e.Subject + " " + e.Change
}

// ReviewStatus describes whether the event was reviewed: "-" when it needed
// no review, "reviewed by ..." or "MISSING: ...".
func ReviewStatus(e Event) string {
	switch {
	case !e.NeedsReview:
		return "-"
	case !e.Reviewed:
		return "MISSING: " + strings.Join(e.Missing, "; ")
	}
	var by []string
	for _, r := range e.ReviewedBy {
		s := r.Reviewer + " " + r.Date + " " + r.Verdict
		if r.Late {
			s += " (later, " + short(r.Commit) + ")"
		}
		by = append(by, s)
	}
	return "reviewed: " + strings.Join(dedupe(by), "; ")
}

func dedupe(s []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// PR renders a pull-request number, "" for none.
func PR(n int) string {
	if n == 0 {
		return ""
	}
	return "#" + strconv.Itoa(n)
}

// reviewSummary renders a flag's last review on one line.
func reviewSummary(lr *LastReview) string {
	if lr == nil {
		return "none"
	}
	s := lr.Date + " " + lr.Reviewer + " (" + lr.Verdict + ")"
	if lr.CPSVersion != "" {
		s += ", CPS " + lr.CPSVersion
	}
	return s
}

// changedSince renders the sections changed since the last review.
func changedSince(lr *LastReview) string {
	switch {
	case lr == nil:
		return ""
	case len(lr.ChangedSince) == 0:
		return "no"
	}
	return "yes: §" + strings.Join(lr.ChangedSince, ", §")
}

// cellMark is the short mark of a matrix cell.
func cellMark(c string) string {
	switch c {
	case CellReviewed:
		return "✔"
	case CellStale:
		return "stale"
	case CellUnreviewed:
		return "✘"
	}
	return ""
}

// summaryRows are the figures of the summary table.
func summaryRows(r *Report) [][2]string {
	s := r.Summary
	rows := [][2]string{
		{"First-parent commits in the period", strconv.Itoa(s.Commits)},
		{"Commits touching flags, registry or CPS", strconv.Itoa(s.ChangeCommits)},
		{"Events", strconv.Itoa(s.Events)},
	}
	for _, k := range sortedKinds(s.ByKind) {
		rows = append(rows, [2]string{"  " + k, strconv.Itoa(s.ByKind[k])})
	}
	rows = append(rows,
		[2]string{"Events needing a review", strconv.Itoa(s.NeedingReview)},
		[2]string{"Unreviewed changes", strconv.Itoa(s.Unreviewed)},
		[2]string{"Flags at the end of the period", strconv.Itoa(s.Flags)},
		[2]string{"Flags whose last review is stale", strconv.Itoa(s.StaleReviews)},
		[2]string{"CPS sections", strconv.Itoa(s.Sections)},
		[2]string{"CPS sections linked to a flag", strconv.Itoa(s.SectionsLinked)},
	)
	if s.Problems > 0 {
		rows = append(rows, [2]string{"Unreadable revisions and messages", strconv.Itoa(s.Problems)})
	}
	return rows
}

// kindOrder orders the kinds of the summary.
var kindOrder = []string{
	"flag added", "flag removed", "flag modified", "flag enabled", "flag disabled",
	"section added", "section removed", "section modified", "section renumbered", "review added",
}

func sortedKinds(m map[string]int) []string {
	var out []string
	for _, k := range kindOrder {
		if m[k] > 0 {
			out = append(out, k)
		}
	}
	return out
}

// versionSource describes where a version comes from.
func versionSince(v Version) string {
	s := v.Since
	if v.Commit != "" {
		s += " (" + short(v.Commit) + ")"
	}
	return s
}

package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/cpsgate/cpsgate/internal/inert"
)

// Markdown writes the report as GitHub-flavoured markdown.
type Markdown struct{}

// Repository text is inert in the markdown report: identifiers (flags,
// commits, hashes) in code spans, prose (authors, titles, events, messages)
// escaped with inert.Markdown, text inside HTML with inert.HTML and the
// reviewed section text in a fenced code block, so that nothing from the
// repository renders as a link, an image, HTML, a mention, a reference, or
// breaks a table.
var (
	cell = inert.Markdown
	code = inert.CodeCell
)

// cells escapes each of items with cell and joins them with a line break
// of the table cell.
func cells(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = cell(s)
	}
	return strings.Join(out, "<br>")
}

// Render writes r as markdown.
func (Markdown) Render(w io.Writer, r *Report) error {
	var out strings.Builder
	if err := render(&out, r); err != nil {
		return err
	}
	// A line of the reviewed text may start with "::": on a CI runner's log
	// it would be a command.
	_, err := io.WriteString(w, inert.Lines(out.String()))
	return err
}

func render(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	row := func(cells ...string) { p("| %s |\n", strings.Join(cells, " | ")) }
	head := func(cells ...string) {
		row(cells...)
		seps := make([]string, len(cells))
		for i := range seps {
			seps[i] = "---"
		}
		row(seps...)
	}

	p("# CPS compliance report, %s to %s\n\n", cell(r.From), cell(r.To))
	p("Head %s", inert.Code(short(r.Head)))
	if r.Base != "" {
		p(", base %s", inert.Code(short(r.Base)))
	}
	p(". Every flag and CPS change on the first-parent history in the period, the review that covers it, and what is still unreviewed.\n\n")
	if sc := scope(r); sc != "" {
		p("%s\n\n", sc)
	}

	p("## Summary\n\n")
	head("Figure", "Count")
	for _, fig := range summaryRows(r) {
		label := fig[0]
		if strings.HasPrefix(label, "  ") {
			label = "&nbsp;&nbsp;" + strings.TrimSpace(label)
		}
		row(label, fig[1])
	}
	p("\n### CPS versions in force\n\n")
	if len(r.Versions) == 0 {
		p("The CPS states no version (no `version:` front matter, revision table or tag).\n\n")
	} else {
		head("Document", "Version", "Source", "In force since")
		for _, v := range r.Versions {
			row(cell(v.File), cell(v.Version), cell(v.Source), cell(versionSince(v)))
		}
		p("\n")
	}

	p("## Events\n\n")
	if len(r.Events) == 0 {
		p("No flag, CPS or review changes in the period.\n\n")
	} else {
		head("Date", "Commit", "PR", "Author", "Event", "Review")
		for _, e := range r.Events {
			row(cell(day(e.Date)), code(short(e.Commit)), PR(e.PR), cell(e.Author), cell(What(e))+at(e.Location, e.URL), cell(ReviewStatus(e)))
		}
		p("\n")
	}

	p("## Flags\n\n")
	if len(r.Flags) == 0 {
		p("No flags.\n\n")
	} else {
		head("Flag", "Status", "Sections", "Enabled in", "Changes", "Last review", "Section hashes", "Changed since")
		for _, f := range r.Flags {
			secs := cell("§" + strings.Join(f.Sections, ", §"))
			if len(f.Sections) == 0 {
				secs = cell(f.NoCPSImpact)
				if secs != "" {
					secs = "none: " + secs
				}
			}
			hashes := ""
			if lr := f.LastReview; lr != nil {
				var hs []string
				for _, id := range lr.Sections {
					if h := lr.SectionHashes[id]; h != "" {
						hs = append(hs, cell(id)+" "+code(abbrevHash(h)))
					}
				}
				hashes = strings.Join(hs, "<br>")
			}
			row(code(f.Name), cell(f.Status), secs, cell(strings.Join(f.Enabled, ", ")), fmt.Sprint(f.Changed),
				cell(reviewSummary(f.LastReview)), hashes, cell(changedSince(f.LastReview)))
		}
		p("\n")
	}

	p("## CPS sections changed in the period\n\n")
	if len(r.Sections) == 0 {
		p("No CPS section changed.\n\n")
	} else {
		head("Section", "Title", "Changes", "Linked flags", "Needs re-review")
		for _, s := range r.Sections {
			row(cell("§"+s.ID)+strings.Replace(at(s.Location, s.URL), " ", "<br>", 1), cell(s.Title), cells(s.Changes), cell(strings.Join(s.Flags, ", ")), cell(strings.Join(s.ReReview, ", ")))
		}
		p("\n")
	}

	p("## Unreviewed changes\n\n")
	if len(r.Unreviewed) == 0 {
		p("None: every change that needed a review has one.\n\n")
	} else {
		p("%d change(s) needed a review and have none. These are the deviations the PMA must act on.\n\n", len(r.Unreviewed))
		head("Date", "Commit", "PR", "Author", "Event", "Missing")
		for _, e := range r.Unreviewed {
			row(cell(day(e.Date)), code(short(e.Commit)), PR(e.PR), cell(e.Author), cell(What(e))+at(e.Location, e.URL), cells(e.Missing))
		}
		p("\n")
	}

	p("## Traceability matrix\n\n")
	if len(r.Matrix.Rows) == 0 {
		p("No flag links a CPS section.\n\n")
	} else {
		p("✔ reviewed against the current text, stale: the text changed since the review, ✘ never reviewed.\n\n")
		cols := []string{"Section", "Title"}
		for _, f := range r.Matrix.Flags {
			cols = append(cols, code(f))
		}
		head(cols...)
		for _, mr := range r.Matrix.Rows {
			rowCells := []string{cell("§" + mr.Section), cell(mr.Title)}
			for _, c := range mr.Cells {
				rowCells = append(rowCells, cell(cellMark(c)))
			}
			row(rowCells...)
		}
		p("\n")
	}

	p("## CPS sections with no linked flag\n\n")
	if len(r.Unlinked) == 0 {
		p("None.\n\n")
	} else {
		head("Section", "Title")
		for _, s := range r.Unlinked {
			row(cell("§"+s.ID), cell(s.Title))
		}
		p("\n")
	}

	p("## Section text reviewed against\n\n")
	if len(r.Texts) == 0 {
		p("No review was recorded in the period.\n\n")
	}
	for _, t := range r.Texts {
		p("<details><summary>§%s %s: %s, reviewed by %s on %s (%s)</summary>\n\n", inert.HTML(t.Section), inert.HTML(t.Title),
			inert.HTML(t.Flag), inert.HTML(t.Reviewer), inert.HTML(t.Date), inert.HTML(abbrevHash(t.Hash)))
		p("Commit %s, hash %s%s\n\n", inert.Code(short(t.Commit)), inert.Code(t.Hash), strings.Replace(at(t.Location, t.URL), " ", ", at ", 1))
		p("%s\n</details>\n\n", inert.CodeBlock("text", t.Text))
	}

	if len(r.Problems) > 0 {
		p("## Unreadable revisions\n\n")
		head("Date", "Commit", "Problem")
		for _, pr := range r.Problems {
			row(cell(day(pr.Date)), code(short(pr.Commit)), cell(pr.Message))
		}
		p("\n")
	}
	return bw.Flush()
}

// at is " " and the linked location of a section, or "".
func at(loc, url string) string {
	if loc == "" {
		return ""
	}
	return " " + inert.Link(loc, url)
}

// abbrevHash shortens "sha256:<hex>" for display.
func abbrevHash(h string) string {
	if len(h) > len("sha256:")+12 {
		return h[:len("sha256:")+12]
	}
	return h
}

// day is the YYYY-MM-DD of an RFC 3339 date.
func day(s string) string { return s[:min(10, len(s))] }

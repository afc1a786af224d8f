package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Markdown writes the report as GitHub-flavoured markdown.
type Markdown struct{}

// cell escapes text for a markdown table cell: pipes, line breaks and the
// characters GitHub would read as HTML.
func cell(s string) string {
	return cellReplacer.Replace(s)
}

// cellReplacer escapes a table cell; htmlReplacer the HTML of a quoted line.
var (
	cellReplacer = strings.NewReplacer("\\", "\\\\", "|", "\\|", "<", "&lt;", ">", "&gt;", "\r\n", "<br>", "\n", "<br>")
	htmlReplacer = strings.NewReplacer("<", "&lt;", ">", "&gt;")
)

// code wraps s in a code span that s cannot close.
func code(s string) string {
	if s == "" {
		return ""
	}
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + strings.ReplaceAll(s, "|", "\\|") + pad + fence
}

// Render writes r as markdown.
func (Markdown) Render(w io.Writer, r *Report) error {
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
	p("Head %s", code(short(r.Head)))
	if r.Base != "" {
		p(", base %s", code(short(r.Base)))
	}
	p(". Every flag and CPS change on the first-parent history in the period, the review that covers it, and what is still unreviewed.\n\n")

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
			row(cell(v.File), cell(v.Version), v.Source, cell(versionSince(v)))
		}
		p("\n")
	}

	p("## Events\n\n")
	if len(r.Events) == 0 {
		p("No flag, CPS or review changes in the period.\n\n")
	} else {
		head("Date", "Commit", "PR", "Author", "Event", "Review")
		for _, e := range r.Events {
			row(e.Date[:10], code(short(e.Commit)), PR(e.PR), cell(e.Author), cell(What(e)), cell(ReviewStatus(e)))
		}
		p("\n")
	}

	p("## Flags\n\n")
	if len(r.Flags) == 0 {
		p("No flags.\n\n")
	} else {
		head("Flag", "Status", "Sections", "Enabled in", "Changes", "Last review", "Section hashes", "Changed since")
		for _, f := range r.Flags {
			secs := "§" + strings.Join(f.Sections, ", §")
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
						hs = append(hs, id+" "+code(abbrevHash(h)))
					}
				}
				hashes = strings.Join(hs, "<br>")
			}
			row(code(f.Name), f.Status, secs, cell(strings.Join(f.Enabled, ", ")), fmt.Sprint(f.Changed),
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
			row("§"+s.ID, cell(s.Title), cell(strings.Join(s.Changes, "\n")), cell(strings.Join(s.Flags, ", ")), cell(strings.Join(s.ReReview, ", ")))
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
			row(e.Date[:10], code(short(e.Commit)), PR(e.PR), cell(e.Author), cell(What(e)), cell(strings.Join(e.Missing, "\n")))
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
			cells := []string{"§" + mr.Section, cell(mr.Title)}
			for _, c := range mr.Cells {
				cells = append(cells, cellMark(c))
			}
			row(cells...)
		}
		p("\n")
	}

	p("## CPS sections with no linked flag\n\n")
	if len(r.Unlinked) == 0 {
		p("None.\n\n")
	} else {
		head("Section", "Title")
		for _, s := range r.Unlinked {
			row("§"+s.ID, cell(s.Title))
		}
		p("\n")
	}

	p("## Section text reviewed against\n\n")
	if len(r.Texts) == 0 {
		p("No review was recorded in the period.\n\n")
	}
	for _, t := range r.Texts {
		p("<details><summary>§%s %s: %s, reviewed by %s on %s (%s)</summary>\n\n", t.Section, cell(t.Title), cell(t.Flag), cell(t.Reviewer), t.Date, abbrevHash(t.Hash))
		p("Commit %s, hash %s\n\n", code(short(t.Commit)), code(t.Hash))
		for _, line := range strings.Split(t.Text, "\n") {
			p("> %s\n", htmlReplacer.Replace(line))
		}
		p("\n</details>\n\n")
	}

	if len(r.Problems) > 0 {
		p("## Unreadable revisions\n\n")
		head("Date", "Commit", "Problem")
		for _, pr := range r.Problems {
			row(pr.Date[:min(10, len(pr.Date))], code(short(pr.Commit)), cell(pr.Message))
		}
		p("\n")
	}
	return bw.Flush()
}

// abbrevHash shortens "sha256:<hex>" for display.
func abbrevHash(h string) string {
	if len(h) > len("sha256:")+12 {
		return h[:len("sha256:")+12]
	}
	return h
}

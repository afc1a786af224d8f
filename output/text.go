package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/cpsgate/cpsgate/internal/inert"
	"github.com/cpsgate/cpsgate/result"
	"github.com/cpsgate/cpsgate/review"
)

// Text writes a report for people: verdict, findings as
// "file:line: severity: message [rule]", the changes seen, and when reviews
// are missing a ready-to-paste cps-review block with the sections' text.
type Text struct {
	Color bool // ANSI colour for the verdict and severities
}

// Report implements Reporter. Repository text is shown inert: control and
// invisible characters escaped (inert.Value, inert.Text), and no line that
// a CI runner would read as a command (inert.Lines).
func (t Text) Report(w io.Writer, res *result.Result) error {
	var out strings.Builder
	t.report(&out, inertResult(res))
	_, err := io.WriteString(w, inert.Lines(out.String()))
	return err
}

// inertResult is a copy of res whose every string went through inert.Value
// (inert.Text for the multi-line excerpts).
func inertResult(res *result.Result) *result.Result {
	return inert.Copy(res, "Excerpt")
}

func (t Text) report(w io.Writer, res *result.Result) {
	p := &printer{w: w}
	deny, warn := count(res.Findings)
	verdict := t.paint("PASS", green)
	if !res.Pass {
		verdict = t.paint("FAIL", red)
	}
	p.printf("cpsgate: %s: %d to fix, %s (base %s, head %s)\n", verdict, deny, plural(warn, "warning"), short(res.Base), short(res.Head))
	if len(res.Findings) > 0 {
		p.printf("\n")
	}
	for _, f := range res.Findings {
		sev := t.paint(f.Severity, yellow)
		if f.Severity == result.Deny {
			sev = t.paint(f.Severity, red)
		}
		p.printf("%s%s: %s [%s]\n", location(f.File, f.Line), sev, f.Message, f.Rule)
	}
	if len(res.FlagChanges)+len(res.CPSChanges)+len(res.ParameterChanges) > 0 {
		p.printf("\nChanges:\n")
	}
	for _, c := range res.FlagChanges {
		p.printf("  flag %s %s%s  (%s)\n", c.Flag, c.Change, flagDetail(c), position(c.File, c.Line))
	}
	for _, c := range res.CPSChanges {
		p.printf("  CPS %s %s%s  (%s)\n", c.Section, c.Change, cpsDetail(c), position(c.File, c.Line))
	}
	for _, c := range res.ParameterChanges {
		p.printf("  parameter %s %s%s  (%s)\n", c.Parameter, c.Change, parameterDetail(c), position(c.File, c.Line))
	}
	if len(res.Missing) > 0 && res.ReviewsDeferred {
		p.printf("\nThe pull request will need these reviews; a commit cannot carry approvals, so\n" +
			"they do not block it. Have the reviewer read the sections below, put this block,\n" +
			"with their name, in the pull-request description, and have them approve it:\n\n")
	} else if len(res.Missing) > 0 {
		p.printf("\nTo pass, have someone other than the author review the sections below, put this\n" +
			"block, with the reviewer's name, in the pull-request description (or a file passed\n" +
			"with --pr-body) or the registry, and have the reviewer approve the change:\n\n")
	}
	if len(res.Missing) > 0 {
		p.printf("%s", ReviewBlock(res.Missing))
		p.printf("\nSections to review:\n")
		writeSections(p, res.Missing)
	}
}

// ReviewBlock renders the missing reviews as a fenced cps-review block, one
// list item per flag or parameter, with the section hashes the reviewer
// read.
func ReviewBlock(missing []result.Missing) string {
	var b strings.Builder
	b.WriteString("```cps-review\n")
	for i := 0; i < len(missing); {
		j := i
		for j < len(missing) && missing[j].Flag == missing[i].Flag && missing[j].Parameter == missing[i].Parameter {
			j++
		}
		group := missing[i:j]
		ids := make([]string, len(group))
		hashes := make([]string, len(group))
		for k, m := range group {
			ids[k] = fmt.Sprintf("%q", m.Section)
			hashes[k] = fmt.Sprintf("%q: %q", m.Section, m.Hash)
		}
		notes := review.TemplateNotes
		if group[0].Parameter != "" {
			fmt.Fprintf(&b, "- parameter: %s\n", group[0].Parameter)
			notes = review.TemplateParameterNotes
		} else {
			fmt.Fprintf(&b, "- flag: %s\n", group[0].Flag)
		}
		b.WriteString("  reviewer: " + review.TemplateReviewer + "   # who reviewed, and approves the change\n")
		b.WriteString("  date: " + review.TemplateDate + "\n")
		fmt.Fprintf(&b, "  sections: [%s]\n", strings.Join(ids, ", "))
		b.WriteString("  verdict: compliant   # compliant | cps-updated | not-applicable\n")
		fmt.Fprintf(&b, "  section_hashes: {%s}\n", strings.Join(hashes, ", "))
		b.WriteString("  notes: " + notes + "\n")
		i = j
	}
	b.WriteString("```\n")
	return b.String()
}

func writeSections(p *printer, missing []result.Missing) {
	done := map[string]bool{}
	for _, m := range missing {
		if done[m.Section] {
			continue
		}
		done[m.Section] = true
		p.printf("\n  %s %s  (%s)\n", m.Section, m.Title, position(m.File, m.Line))
		for line := range strings.SplitSeq(m.Excerpt, "\n") {
			if line != "" {
				p.printf("  | %s\n", line)
			}
		}
	}
}

func flagDetail(c result.FlagChange) string {
	var parts []string
	if c.Environment != "" {
		env := c.Environment
		if c.Path != "" {
			env += " (" + c.Path + ")"
		}
		parts = append(parts, "in "+env)
	}
	if len(c.Fields) > 0 {
		parts = append(parts, "("+strings.Join(c.Fields, ", ")+")")
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, " ")
}

// parameterDetail describes a parameter change: its old and new values
// (with the templates they were written as) and where.
func parameterDetail(c result.ParameterChange) string {
	written := func(v, tmpl string) string {
		if tmpl != "" {
			return fmt.Sprintf("%q (%s)", v, tmpl)
		}
		return fmt.Sprintf("%q", v)
	}
	var s string
	switch c.Change {
	case "added":
		s = " " + written(c.New, c.NewTemplate)
	case "removed":
		s = " (was " + written(c.Old, c.OldTemplate) + ")"
	default:
		s = " " + written(c.Old, c.OldTemplate) + " -> " + written(c.New, c.NewTemplate)
	}
	return s + " in " + c.Environment + " (" + c.Path + ")"
}

func cpsDetail(c result.CPSChange) string {
	switch {
	case c.OldSection != "":
		return " (was " + c.OldSection + ")"
	case c.OldTitle != "":
		return ` (title was "` + c.OldTitle + `")`
	}
	return ""
}

func count(fs []result.Finding) (deny, warn int) {
	for _, f := range fs {
		if f.Severity == result.Deny {
			deny++
		} else {
			warn++
		}
	}
	return deny, warn
}

// plural renders "1 warning" or "2 warnings".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// location renders "file:line: " before a message, or "" when the file is
// unknown.
func location(file string, line int) string {
	if file == "" {
		return ""
	}
	return position(file, line) + ": "
}

// position renders "file:line", or the file alone when the line is unknown.
func position(file string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", file, line)
	}
	return file
}

// short abbreviates a commit id; names like WORKTREE pass through.
func short(rev string) string {
	if rev == "" {
		return "none"
	}
	if len(rev) == 40 && strings.Trim(rev, "0123456789abcdef") == "" {
		return rev[:12]
	}
	return rev
}

const (
	red    = "31"
	green  = "32"
	yellow = "33"
)

func (t Text) paint(s, color string) string {
	if !t.Color {
		return s
	}
	return "\x1b[" + color + "m" + s + "\x1b[0m"
}

// printer keeps the first write error so rendering code stays linear.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

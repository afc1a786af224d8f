package output

import (
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/cpsgate/cpsgate/result"
)

// CommentMarker starts every Markdown report. It is invisible when rendered
// and lets the GitHub integration find its own sticky pull-request comment.
const CommentMarker = "<!-- cpsgate:check -->"

// MaxCommentBytes is GitHub's limit on a comment body (65536 characters);
// counting bytes keeps a report under it whatever the text.
const MaxCommentBytes = 65536

// Markdown writes a report for GITHUB_STEP_SUMMARY and the sticky
// pull-request comment: the verdict, a findings table, the changes, the
// ready-to-paste cps-review block and the linked sections' text in <details>.
// Output longer than Limit is cut between blocks, with a note.
type Markdown struct {
	Limit int // maximum size in bytes; 0 means MaxCommentBytes
}

// Report implements Reporter.
func (m Markdown) Report(w io.Writer, res *result.Result) error {
	limit := m.Limit
	if limit <= 0 {
		limit = MaxCommentBytes
	}
	blocks := markdownBlocks(res)
	var b strings.Builder
	if total(blocks) > limit {
		for _, blk := range blocks {
			if b.Len()+len(blk) > limit-len(truncationNote) {
				break
			}
			b.WriteString(blk)
		}
		b.WriteString(truncationNote)
	} else {
		for _, blk := range blocks {
			b.WriteString(blk)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

const truncationNote = "\n> [!NOTE]\n> This report was cut to fit GitHub's comment size limit. " +
	"Run `cpsgate check` locally, or read the job log, for all of it.\n"

func total(blocks []string) int {
	n := 0
	for _, b := range blocks {
		n += len(b)
	}
	return n
}

// markdownBlocks renders the report as complete blocks (a table row counts as
// one), so that truncation never leaves an open fence or <details>.
func markdownBlocks(res *result.Result) []string {
	deny, warn := count(res.Findings)
	var blocks []string
	add := func(format string, args ...any) { blocks = append(blocks, fmt.Sprintf(format, args...)) }

	add("%s\n", CommentMarker)
	if res.Pass {
		add("## ✅ cpsgate: passed\n\n")
		if len(res.FlagChanges)+len(res.CPSChanges) == 0 {
			add("No flag or CPS section changed in this change.")
		} else {
			add("Every flag change has a review of its linked CPS sections.")
		}
		add(" Base %s, head %s", code(short(res.Base)), code(short(res.Head)))
		if warn > 0 {
			add("; %s about existing debt", plural(warn, "warning"))
		}
		add(".\n")
	} else {
		add("## ❌ cpsgate: %d to fix, %s\n\n", deny, plural(warn, "warning"))
		add("Base %s, head %s.\n", code(short(res.Base)), code(short(res.Head)))
	}

	if len(res.Findings) > 0 {
		add("\n| Severity | Rule | Flag | Section | Location | Message |\n|---|---|---|---|---|---|\n")
		for _, f := range res.Findings {
			sev := "⚠️ warn"
			if f.Severity == result.Deny {
				sev = "❌ deny"
			}
			add("| %s | %s | %s | %s | %s | %s |\n", sev, codeCell(f.Rule), codeCell(f.Flag), cell(f.Section),
				codeCell(position(f.File, f.Line)), cell(f.Message))
		}
	}

	if len(res.Missing) > 0 {
		block := ReviewBlock(res.Missing)
		fence := fenceFor(block, 4)
		add("\n### Review to paste\n\nReview the sections below, then add this block, filled in, to the pull-request description "+
			"(or add the reviews to the registry):\n\n%s\n%s%s\n", fence, block, fence)
	}

	if len(res.FlagChanges)+len(res.CPSChanges) > 0 && !res.Pass {
		add("\n### Changes\n\n")
		for _, c := range res.FlagChanges {
			add("- flag %s %s%s (%s)\n", code(c.Flag), c.Change, inline(flagDetail(c)), code(position(c.File, c.Line)))
		}
		for _, c := range res.CPSChanges {
			add("- CPS %s %s%s (%s)\n", inline(c.Section), c.Change, inline(cpsDetail(c)), code(position(c.File, c.Line)))
		}
	}

	if len(res.Missing) > 0 {
		add("\n### Sections to review\n\n")
		done := map[string]bool{}
		for _, m := range res.Missing {
			if done[m.Section] {
				continue
			}
			done[m.Section] = true
			excerpt := strings.TrimRight(m.Excerpt, "\n") + "\n"
			fence := fenceFor(excerpt, 3)
			add("<details><summary>%s %s (%s)</summary>\n\n%stext\n%s%s\n\n</details>\n",
				html.EscapeString(m.Section), html.EscapeString(m.Title), html.EscapeString(position(m.File, m.Line)),
				fence, excerpt, fence)
		}
	}
	return blocks
}

// fenceFor returns a backtick fence longer than any run of backticks in text,
// and at least min long.
func fenceFor(text string, min int) string {
	longest, run := 0, 0
	for _, r := range text {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(min, longest+1))
}

var cellEscaper = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", "|", "\\|",
	"\r\n", "<br>", "\n", "<br>", "\r", "<br>",
)

// cell escapes text for a table cell: no line breaks, pipes or HTML.
func cell(s string) string { return cellEscaper.Replace(s) }

// inline escapes text for one line of a list: no line breaks or HTML.
func inline(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// code renders a code span for a list item; "" stays empty.
func code(s string) string {
	if s == "" {
		return ""
	}
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	fence := fenceFor(s, 1)
	return fence + " " + s + " " + fence
}

// codeCell renders a code span inside a table cell, where a pipe must be
// escaped even in code.
func codeCell(s string) string {
	if s == "" {
		return ""
	}
	return strings.ReplaceAll(code(s), "|", "\\|")
}

package output

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/cpsgate/cpsgate/internal/inert"
	"github.com/cpsgate/cpsgate/result"
)

// CommentMarker starts every Markdown report (result.CommentMarker).
const CommentMarker = result.CommentMarker

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
//
// Repository text is inert: identifiers (rules, flags, files, commits) in
// code spans, prose (messages, titles) escaped with inert.Markdown, text in
// HTML with inert.HTML, the review block and the sections' text in fenced
// code blocks; control characters are escaped everywhere, so nothing from
// the repository is a link, an image, HTML, a mention, a reference or a
// line break.
func markdownBlocks(res *result.Result) []string {
	res = inertResult(res)
	deny, warn := count(res.Findings)
	var blocks []string
	add := func(format string, args ...any) { blocks = append(blocks, fmt.Sprintf(format, args...)) }

	add("%s\n", CommentMarker)
	if res.Pass {
		add("## ✅ cpsgate: passed\n\n")
		if len(res.FlagChanges)+len(res.CPSChanges)+len(res.ParameterChanges) == 0 {
			add("No flag or CPS section changed in this change.")
		} else {
			add("Every flag change has a review of its linked CPS sections.")
		}
		add(" Base %s, head %s", inert.Code(short(res.Base)), inert.Code(short(res.Head)))
		if warn > 0 {
			add("; %s about existing debt", plural(warn, "warning"))
		}
		add(".\n")
	} else {
		add("## ❌ cpsgate: %d to fix, %s\n\n", deny, plural(warn, "warning"))
		add("Base %s, head %s.\n", inert.Code(short(res.Base)), inert.Code(short(res.Head)))
	}

	if len(res.Findings) > 0 {
		add("\n| Severity | Rule | Flag | Section | Location | Message |\n|---|---|---|---|---|---|\n")
		for _, f := range res.Findings {
			sev := "⚠️ warn"
			if f.Severity == result.Deny {
				sev = "❌ deny"
			}
			add("| %s | %s | %s | %s | %s | %s |\n", sev, inert.CodeCell(f.Rule), inert.CodeCell(cmp.Or(f.Flag, f.Parameter)), inert.Markdown(f.Section),
				inert.CodeCell(position(f.File, f.Line)), inert.Markdown(f.Message))
		}
	}

	if len(res.Missing) > 0 {
		add("\n### Review to paste\n\nReview the sections below, then add this block, filled in, to the pull-request description "+
			"(or add the reviews to the registry):\n\n%s", inert.CodeBlock("", ReviewBlock(res.Missing)))
	}

	if len(res.FlagChanges)+len(res.CPSChanges)+len(res.ParameterChanges) > 0 && !res.Pass {
		add("\n### Changes\n\n")
		for _, c := range res.FlagChanges {
			add("- flag %s %s%s (%s)\n", inert.Code(c.Flag), inert.Markdown(c.Change), inert.Markdown(flagDetail(c)), inert.Code(position(c.File, c.Line)))
		}
		for _, c := range res.CPSChanges {
			add("- CPS %s %s%s (%s)\n", inert.Markdown(c.Section), inert.Markdown(c.Change), inert.Markdown(cpsDetail(c)), inert.Code(position(c.File, c.Line)))
		}
		for _, c := range res.ParameterChanges {
			add("- parameter %s %s %s (%s)\n", inert.Code(c.Parameter), inert.Markdown(c.Change), inert.Code(strings.TrimSpace(parameterDetail(c))), inert.Code(position(c.File, c.Line)))
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
			add("<details><summary>%s %s (%s)</summary>\n\n%s\n</details>\n",
				inert.HTML(m.Section), inert.HTML(m.Title), inert.HTML(position(m.File, m.Line)),
				inert.CodeBlock("text", m.Excerpt))
		}
	}
	for i, blk := range blocks {
		blocks[i] = inert.Lines(blk) // a line of a code block may start with "::"
	}
	return blocks
}

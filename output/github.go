package output

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cpsgate/cpsgate/internal/inert"
	"github.com/cpsgate/cpsgate/result"
)

// GitHub writes GitHub Actions workflow commands: one ::error (deny) or
// ::warning (warn) annotation per finding, escaped exactly as @actions/core
// escapes them, then the verdict and the ready-to-paste cps-review block as
// plain log lines, and the changes and the sections' text in collapsed
// groups.
//
// Plain lines carry text from the repository (flag names, CPS excerpts), and
// the runner treats any line that starts with "::" (after leading blanks) as
// a command. So every run of plain lines is fenced with ::stop-commands::,
// whose token is derived from a hash of the plain text itself: the output
// stays deterministic, and no text can contain the token that ends its own
// fence.
type GitHub struct{}

// Report implements Reporter. Repository text is made inert as in Text
// (escaped control characters, inert.Lines inside the fences too), so that
// the fences are a second line of defence, not the only one.
func (GitHub) Report(w io.Writer, res *result.Result) error {
	res = inertResult(res)
	p := &printer{w: w}
	for _, f := range res.Findings {
		// A runner that fails to parse the command would try the legacy
		// "##[" syntax anywhere in the line.
		f.Rule, f.Flag, f.Section, f.File, f.Message = inert.Lines(f.Rule), inert.Lines(f.Flag), inert.Lines(f.Section), inert.Lines(f.File), inert.Lines(f.Message)
		f.Parameter = inert.Lines(f.Parameter)
		p.printf("%s\n", annotation(f))
	}

	deny, warn := count(res.Findings)
	verdict := "PASS"
	if !res.Pass {
		verdict = "FAIL"
	}
	var head strings.Builder
	fmt.Fprintf(&head, "cpsgate: %s: %d to fix, %s (base %s, head %s)\n", verdict, deny, plural(warn, "warning"), short(res.Base), short(res.Head))
	if len(res.Missing) > 0 {
		head.WriteString("\nTo pass, review the sections below and add this block to the pull-request\n" +
			"description (or to a file passed with --pr-body), or add the reviews to the registry:\n\n")
		head.WriteString(ReviewBlock(res.Missing))
	}

	var changes strings.Builder
	for _, c := range res.FlagChanges {
		fmt.Fprintf(&changes, "flag %s %s%s  (%s)\n", c.Flag, c.Change, flagDetail(c), position(c.File, c.Line))
	}
	for _, c := range res.CPSChanges {
		fmt.Fprintf(&changes, "CPS %s %s%s  (%s)\n", c.Section, c.Change, cpsDetail(c), position(c.File, c.Line))
	}
	for _, c := range res.ParameterChanges {
		fmt.Fprintf(&changes, "parameter %s %s%s  (%s)\n", c.Parameter, c.Change, parameterDetail(c), position(c.File, c.Line))
	}

	var sections strings.Builder
	sp := &printer{w: &sections}
	writeSections(sp, res.Missing)

	headText := inert.Lines(head.String())
	changesText := inert.Lines(changes.String())
	sectionsText := inert.Lines(strings.TrimPrefix(sections.String(), "\n"))
	token := stopToken(headText, changesText, sectionsText)
	fenced(p, token, headText)
	if changesText != "" {
		p.printf("%s\n", workflowCommand("group", nil, fmt.Sprintf("Changes: %s, %s%s",
			plural(len(res.FlagChanges), "flag change"), plural(len(res.CPSChanges), "CPS section change"), parameterCount(len(res.ParameterChanges)))))
		fenced(p, token, changesText)
		p.printf("%s\n", workflowCommand("endgroup", nil, ""))
	}
	if sectionsText != "" {
		p.printf("%s\n", workflowCommand("group", nil, "Sections to review"))
		fenced(p, token, sectionsText)
		p.printf("%s\n", workflowCommand("endgroup", nil, ""))
	}
	return p.err
}

// parameterCount is ", N parameter changes" when there are any (the group
// title is unchanged for a repository without parameters).
func parameterCount(n int) string {
	if n == 0 {
		return ""
	}
	return ", " + plural(n, "parameter change")
}

// fenced writes text with workflow command processing stopped.
func fenced(p *printer, token, text string) {
	if text == "" {
		return
	}
	p.printf("::stop-commands::%s\n%s", token, text)
	if !strings.HasSuffix(text, "\n") {
		p.printf("\n")
	}
	p.printf("::%s::\n", token)
}

// stopToken derives the ::stop-commands:: token from the text it fences. A
// text that contained "::<token>::" would have to contain its own hash.
func stopToken(texts ...string) string {
	h := sha256.New()
	for _, t := range texts {
		fmt.Fprintf(h, "%d:%s", len(t), t)
	}
	return "cpsgate-" + hex.EncodeToString(h.Sum(nil))[:32]
}

// annotation renders a finding as @actions/core's
// error(message, {title, file, startLine}) or warning(...) would.
func annotation(f result.Finding) string {
	cmd := "warning"
	if f.Severity == result.Deny {
		cmd = "error"
	}
	line := ""
	if f.File != "" && f.Line > 0 {
		line = strconv.Itoa(f.Line)
	}
	return workflowCommand(cmd, []property{
		{Key: "title", Value: annotationTitle(f)},
		{Key: "file", Value: f.File},
		{Key: "line", Value: line},
	}, f.Message)
}

// annotationTitle names the rule and what it is about, e.g.
// "cpsgate missing_review: AsyncFinalize, CPS 4.3.1".
func annotationTitle(f result.Finding) string {
	var about []string
	if f.Flag != "" {
		about = append(about, f.Flag)
	}
	if f.Parameter != "" {
		about = append(about, "parameter "+f.Parameter)
	}
	if f.Section != "" {
		about = append(about, "CPS "+f.Section)
	}
	t := "cpsgate " + f.Rule
	if len(about) > 0 {
		t += ": " + strings.Join(about, ", ")
	}
	return t
}

// property is one k=v of a workflow command.
type property = inert.Property

// workflowCommand renders a workflow command with inert.WorkflowCommand,
// the one encoder of the format.
func workflowCommand(name string, props []property, message string) string {
	return inert.WorkflowCommand(name, props, message)
}

// escapeData escapes a command's message as @actions/core does.
func escapeData(s string) string { return inert.EscapeData(s) }

// escapeProperty escapes a command's property value as @actions/core does.
func escapeProperty(s string) string { return inert.EscapeProperty(s) }

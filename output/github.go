package output

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"

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

// Report implements Reporter.
func (GitHub) Report(w io.Writer, res *result.Result) error {
	p := &printer{w: w}
	for _, f := range res.Findings {
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

	var sections strings.Builder
	sp := &printer{w: &sections}
	writeSections(sp, res.Missing)

	token := stopToken(head.String(), changes.String(), sections.String())
	fenced(p, token, head.String())
	if changes.Len() > 0 {
		p.printf("%s\n", workflowCommand("group", nil, fmt.Sprintf("Changes: %s, %s",
			plural(len(res.FlagChanges), "flag change"), plural(len(res.CPSChanges), "CPS section change"))))
		fenced(p, token, changes.String())
		p.printf("%s\n", workflowCommand("endgroup", nil, ""))
	}
	if sections.Len() > 0 {
		p.printf("%s\n", workflowCommand("group", nil, "Sections to review"))
		fenced(p, token, strings.TrimPrefix(sections.String(), "\n"))
		p.printf("%s\n", workflowCommand("endgroup", nil, ""))
	}
	return p.err
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
		{"title", annotationTitle(f)},
		{"file", f.File},
		{"line", line},
	}, f.Message)
}

// annotationTitle names the rule and what it is about, e.g.
// "cpsgate missing_review: AsyncFinalize, CPS 4.3.1".
func annotationTitle(f result.Finding) string {
	var about []string
	if f.Flag != "" {
		about = append(about, f.Flag)
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

type property struct{ key, value string }

// workflowCommand renders "::name k=v,k=v::message" like @actions/core's
// Command.toString: properties with an empty value are left out (but, as
// there, a non-empty property list still adds the separating blank).
func workflowCommand(name string, props []property, message string) string {
	var b strings.Builder
	b.WriteString("::" + name)
	if len(props) > 0 {
		b.WriteByte(' ')
		first := true
		for _, p := range props {
			if p.value == "" {
				continue
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			b.WriteString(p.key + "=" + escapeProperty(p.value))
		}
	}
	b.WriteString("::" + escapeData(message))
	return b.String()
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// escapeData escapes a command's message as @actions/core does.
func escapeData(s string) string { return dataEscaper.Replace(s) }

// escapeProperty escapes a command's property value as @actions/core does.
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }

package inert

import (
	"html"
	"regexp"
	"strings"
)

// ZWJ is the zero-width joiner Markdown and HTML put after an "@" or "#"
// that would start a mention or a reference: GitHub finds those in the
// rendered text, where no markdown escape reaches, so the only way to keep
// the characters visible and the mention dead is to split the word.
const ZWJ = "\u200d"

// Markdown escapes s for GitHub-flavoured markdown prose inside one line (a
// table cell, a list item, a heading): control characters as Value shows
// them (so no line break), a backslash before every ASCII punctuation
// character markdown gives a meaning to inside a line (emphasis, code,
// links, images, HTML, entities, tables, strikethrough, math), before the
// colon of a URL's scheme (http://, mailto:) and before the dot of
// "www." (autolinks), and a zero-width joiner after an "@" or "#" that
// would start a mention (@user, @org/team), an email address, a cross-repo
// commit (org/repo@sha), an issue reference (#12, org/repo#12) or "GH-12".
// The rendered text reads as s, with nothing live in it.
func Markdown(s string) string {
	s = Value(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte(markdownPunct, c) >= 0,
			c == ':' && schemeColon(s, i),
			c == '.' && i >= 3 && strings.EqualFold(s[i-3:i], "www"):
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return breakRefs(b.String())
}

// schemeColon reports whether the colon at s[i] ends a URL's scheme that an
// autolink would take: before "//" (http://), or after mailto or xmpp.
func schemeColon(s string, i int) bool {
	if strings.HasPrefix(s[i+1:], "//") {
		return true
	}
	for _, scheme := range []string{"mailto", "xmpp"} {
		if i >= len(scheme) && strings.EqualFold(s[i-len(scheme):i], scheme) {
			return true
		}
	}
	return false
}

// markdownPunct are the ASCII characters Markdown escapes. Parentheses and
// "!" need none: a link or an image needs a "[", which is escaped.
const markdownPunct = "\\`*_[]<>&|#~@$"

// refStart matches where GitHub would start a mention or reference in
// rendered text: "@" or "#" (possibly backslash-escaped in the source) before
// a letter, digit or underscore, and "GH-" before a digit.
var refStart = regexp.MustCompile(`(?i)(@|#|\bgh-)([\p{L}\p{N}_])`)

// breakRefs puts a zero-width joiner after every "@", "#" and "GH-" that
// could start a mention or a reference.
func breakRefs(s string) string {
	if !strings.ContainsAny(s, "@#-") {
		return s
	}
	return refStart.ReplaceAllString(s, "${1}"+ZWJ+"${2}")
}

// Code renders s as a markdown code span that s cannot close, with control
// characters shown as Value shows them; "" stays empty. Inside a code span
// nothing is a link, HTML, a mention or a reference. For a table cell, use
// CodeCell.
func Code(s string) string {
	if s == "" {
		return ""
	}
	s = Value(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if s[0] == '`' || s[0] == ' ' || s[len(s)-1] == '`' || s[len(s)-1] == ' ' {
		// One blank each side is stripped when rendered; without them a
		// backtick at an end would join the fence.
		s = " " + s + " "
	}
	return fence + s + fence
}

// CodeCell is Code for a table cell, where a pipe ends the cell even in a
// code span unless it is escaped.
func CodeCell(s string) string {
	return strings.ReplaceAll(Code(s), "|", `\|`)
}

// HTML escapes s for text inside an HTML block of a markdown document (a
// <summary>, a <td>): control characters as Value shows them (so no blank
// line ends the block), HTML escaping, and a zero-width joiner wherever a
// mention or a reference would start.
func HTML(s string) string {
	return breakRefs(html.EscapeString(Value(s)))
}

// Fence returns a backtick fence for a fenced code block holding text:
// longer than any run of backticks in text, and at least min long.
func Fence(text string, min int) string {
	longest, run := 0, 0
	for i := 0; i < len(text); i++ {
		if text[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(min, longest+1))
}

// CodeBlock renders text as a fenced code block with an info string
// (possibly empty) and a final newline: control characters other than line
// feeds and tabs shown as Text shows them, and a fence no line of it can
// close.
func CodeBlock(info, text string) string {
	text = strings.TrimRight(Text(text), "\n") + "\n"
	fence := Fence(text, 3)
	return fence + info + "\n" + text + fence + "\n"
}

// SARIFText escapes a SARIF plain-text message: control characters as Value
// shows them, and square brackets backslash-escaped, as SARIF 2.1.0 §3.11.6
// requires of brackets that do not form an embedded link (viewers such as
// GitHub code scanning render "[text](target)" as a link).
func SARIFText(s string) string {
	return sarifReplacer.Replace(Value(s))
}

var sarifReplacer = strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`)

// CSVCell keeps a spreadsheet from reading a cell as a formula (OWASP "CSV
// injection"): a cell that starts with = + - @, a tab or a carriage return
// (or their full-width forms ＝ ＋ － ＠) gets a single quote before it.
// Spreadsheets show the quote's cell as text; other readers see the quote.
func CSVCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	for _, p := range []string{"＝", "＋", "－", "＠"} {
		if strings.HasPrefix(s, p) {
			return "'" + s
		}
	}
	return s
}

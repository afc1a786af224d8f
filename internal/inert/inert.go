// Package inert makes text from the repository (flag names, CPS titles and
// text, descriptions, commit subjects, file names) inert in cpsgate's output
// formats: it cannot run a CI command, move the terminal's cursor, reorder
// what is shown, start a new line, or become a link, an image, HTML, a
// mention or a spreadsheet formula.
//
// One function per context:
//   - Value and Text for plain text (text output, stderr, annotations):
//     control characters and invisible format characters shown as \xNN or
//     \uNNNN;
//   - Lines for a whole plain-text output: no line that a CI runner reads as
//     a command (GitHub's "::" at the start of a line and "##[" anywhere,
//     Azure's "##vso[", TeamCity's "##teamcity[");
//   - WorkflowCommand, the one encoder of GitHub's "::name k=v::message";
//   - Markdown, Code, HTML for GitHub-flavoured markdown (comments, job
//     summaries, check runs, the PMA report);
//   - SARIFText for SARIF message strings;
//   - CSVCell for cells a spreadsheet opens.
package inert

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Value escapes s for one line of plain text: every control character
// (C0 including tab, line feed and carriage return, DEL, C1), the
// bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E,
// U+2066–U+2069), zero-width and invisible format characters, the line and
// paragraph separators, and invalid UTF-8 bytes are shown as \xNN, \uNNNN
// or \UNNNNNNNN.
// Other text, and backslashes, are kept as they are.
func Value(s string) string { return escape(s, false) }

// Text is Value for multi-line text: line feeds and tabs are kept, every
// other character Value escapes is escaped.
func Text(s string) string { return escape(s, true) }

func escape(s string, multiline bool) string {
	if clean(s, multiline) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case multiline && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case Hidden(r) && r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case Hidden(r) && r > 0xffff:
			fmt.Fprintf(&b, `\U%08x`, r)
		case Hidden(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func clean(s string, multiline bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || c < 0x20 || c == 0x7f {
			if multiline && (c == '\n' || c == '\t') {
				continue
			}
			return false
		}
	}
	return true
}

// Hidden reports whether r is a character that Value shows escaped: it
// controls a terminal or the layout, or cannot be seen.
func Hidden(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x180e, r == 0xfeff:
		return true
	case r >= 0x200b && r <= 0x200f: // zero-width space, joiners, LRM, RLM
		return true
	case r >= 0x2028 && r <= 0x202e: // line and paragraph separators, bidi embeddings and overrides
		return true
	case r >= 0x2060 && r <= 0x206f: // word joiner, invisible operators, bidi isolates, deprecated format characters
		return true
	case r >= 0xfff9 && r <= 0xfffb: // interlinear annotation
		return true
	case r == utf8.RuneError:
		return false
	}
	return unicode.Is(unicode.Cf, r) && r != 0x00ad // other format characters, but the soft hyphen
}

// Lines neutralizes, in a whole plain-text output, what a CI runner would
// read as a command: a line whose first non-blank characters are "::"
// (GitHub Actions; the runner trims Unicode white space) gets its first
// colon shown as \x3a, and "##[" (GitHub's legacy syntax), "##vso[" (Azure
// Pipelines) and "##teamcity[" (TeamCity), which count anywhere in a line,
// get their bracket shown as \x5b. Carriage returns, which a runner also
// reads as line ends, are shown as \r. Nothing else changes.
func Lines(s string) string {
	if !strings.Contains(s, "::") && !strings.Contains(s, "##") && !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r", `\r`)
	lines := strings.SplitAfter(s, "\n")
	for i, line := range lines {
		rest := strings.TrimLeftFunc(line, unicode.IsSpace)
		if strings.HasPrefix(rest, "::") {
			cut := len(line) - len(rest)
			line = line[:cut] + `\x3a` + line[cut+1:]
		}
		lines[i] = ciReplacer.Replace(line)
	}
	return strings.Join(lines, "")
}

var ciReplacer = strings.NewReplacer("##[", `##\x5b`, "##vso[", `##vso\x5b`, "##teamcity[", `##teamcity\x5b`)

// Property is one k=v of a workflow command.
type Property struct{ Key, Value string }

// WorkflowCommand renders "::name k=v,k=v::message" like @actions/core's
// Command.toString: the message escaped with %25 %0D %0A, property values
// also with %3A %2C; properties with an empty value are left out (but, as
// there, a non-empty property list still adds the separating blank). It is
// the one encoder of the format in cpsgate. The message and values are
// encoded, not made inert: pass them through Value first when they hold
// repository text.
func WorkflowCommand(name string, props []Property, message string) string {
	var b strings.Builder
	b.WriteString("::" + name)
	if len(props) > 0 {
		b.WriteByte(' ')
		first := true
		for _, p := range props {
			if p.Value == "" {
				continue
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			b.WriteString(p.Key + "=" + EscapeProperty(p.Value))
		}
	}
	b.WriteString("::" + EscapeData(message))
	return b.String()
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// EscapeData escapes a workflow command's message as @actions/core does.
func EscapeData(s string) string { return dataEscaper.Replace(s) }

// EscapeProperty escapes a workflow command's property value as
// @actions/core does.
func EscapeProperty(s string) string { return propertyEscaper.Replace(s) }

// JSON makes encoded JSON safe on a CI runner's output without changing
// what it decodes to: the bracket of "##[", "##vso[" and "##teamcity[",
// which only occur inside strings, is written \u005b. Lines of indented or
// compact JSON never start with "::", and the encoder escapes line breaks.
func JSON(b []byte) []byte {
	if !bytes.Contains(b, []byte("##")) {
		return b
	}
	return []byte(jsonReplacer.Replace(string(b)))
}

var jsonReplacer = strings.NewReplacer("##[", `##\u005b`, "##vso[", `##vso\u005b`, "##teamcity[", `##teamcity\u005b`)

// HTMLLines is Lines for an HTML document, and as lossless: the colon that
// would start a command is written &#58; and the bracket &#91;, which a
// browser shows as ":" and "[". Carriage returns are written &#13;.
func HTMLLines(s string) string {
	if !strings.Contains(s, "::") && !strings.Contains(s, "##") && !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r", "&#13;")
	lines := strings.SplitAfter(s, "\n")
	for i, line := range lines {
		rest := strings.TrimLeftFunc(line, unicode.IsSpace)
		if strings.HasPrefix(rest, "::") {
			cut := len(line) - len(rest)
			line = line[:cut] + "&#58;" + line[cut+1:]
		}
		lines[i] = htmlCIReplacer.Replace(line)
	}
	return strings.Join(lines, "")
}

var htmlCIReplacer = strings.NewReplacer("##[", "##&#91;", "##vso[", "##vso&#91;", "##teamcity[", "##teamcity&#91;")

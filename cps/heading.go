package cps

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"
)

// plainText returns the text of an inline container with markup removed:
// emphasis, links and code spans keep their text, raw HTML is dropped,
// escapes and entities are resolved, line breaks become "\n".
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	writePlain(&b, n, src)
	return b.String()
}

func writePlain(b *strings.Builder, n ast.Node, src []byte) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			v := c.Value(src)
			if !c.IsRaw() {
				v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
			}
			b.Write(v)
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte('\n')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.AutoLink:
			b.Write(c.Label(src))
		case *ast.RawHTML:
		default:
			writePlain(b, c, src)
		}
	}
}

// idPrefixes are words that may precede a section ID in a heading, and
// whether a bare letter ID ("Appendix A") is accepted after them.
var idPrefixes = []struct {
	word       string
	bareLetter bool
}{{"section", false}, {"appendix", true}, {"annex", true}}

// parseID splits a heading's plain text into a section ID and a title.
// It returns an empty ID when the heading is not numbered. The rule:
//
//   - an optional word "Section", "Appendix" or "Annex" (any case) and space;
//   - the ID: a first component that is a number of one or two digits
//     without leading zero ("1" .. "99") or one capital letter, followed by
//     any number of ".N" components of one to three digits without leading
//     zero, and an optional trailing dot;
//   - a bare capital letter ("A") counts only after "Appendix" or "Annex";
//     after "Appendix"/"Annex" the ID must start with a letter;
//   - the ID ends the text or is followed by white space or one of
//     ":", "-", "–", "—";
//   - a one-component number followed by a title starting with a lower-case
//     letter ("3 things") is prose, not an ID.
//
// So "# 2024 Changes", "## 3 things", "# A Note" and "## 4.9.12a" are
// unnumbered. The title is the rest, separators and spaces trimmed.
func parseID(raw string) (id, title string) {
	text := foldSpace(raw)
	rest, bareLetter, prefixed := cutPrefix(text)
	id, rest, ok := scanID(rest)
	if !ok || (prefixed && !isLetterID(id)) {
		return "", ""
	}
	if !strings.Contains(id, ".") && isLetterID(id) && !bareLetter {
		return "", ""
	}
	if rest != "" && !strings.ContainsRune(" :-–—", firstRune(rest)) {
		return "", ""
	}
	title = strings.TrimLeft(rest, " .:-–—")
	if !strings.Contains(id, ".") && !isLetterID(id) && unicode.IsLower(firstRune(title)) {
		return "", ""
	}
	return id, title
}

// cutPrefix removes a leading "Section "/"Appendix "/"Annex ".
func cutPrefix(text string) (rest string, bareLetter, prefixed bool) {
	for _, p := range idPrefixes {
		if len(text) > len(p.word) && strings.EqualFold(text[:len(p.word)], p.word) && text[len(p.word)] == ' ' {
			return text[len(p.word)+1:], p.bareLetter, p.word != "section"
		}
	}
	return text, false, false
}

// scanID reads an ID at the start of s, with its optional trailing dot
// (which is not part of the ID).
func scanID(s string) (id, rest string, ok bool) {
	n := firstComponent(s)
	if n == 0 {
		return "", "", false
	}
	for n < len(s) && s[n] == '.' {
		k := digits(s[n+1:], 3)
		if k == 0 {
			n++ // trailing dot
			return s[:n-1], s[n:], true
		}
		n += 1 + k
	}
	return s[:n], s[n:], true
}

// firstComponent returns the length of an ID's first component at the
// start of s: one or two digits, or one capital letter; 0 when none.
func firstComponent(s string) int {
	if s != "" && s[0] >= 'A' && s[0] <= 'Z' {
		if len(s) > 1 && s[1] >= 'A' && s[1] <= 'Z' {
			return 0
		}
		return 1
	}
	return digits(s, 2)
}

// digits returns the length of the number of at most limit digits without
// a leading zero at the start of s, or 0 when there is none or it is longer.
func digits(s string, limit int) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n == 0 || n > limit || s[0] == '0' {
		return 0
	}
	return n
}

// isLetterID reports whether an ID starts with a letter (an appendix).
func isLetterID(id string) bool {
	return id != "" && id[0] >= 'A' && id[0] <= 'Z'
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// slugger makes GitHub heading anchors, unique within one document.
type slugger map[string]int

// slug follows github-slugger: lower-case; keep letters, marks, numbers,
// connector punctuation, "-" and " "; spaces become "-"; a repeat gets "-n".
func (s slugger) slug(text string) string {
	return s.unique(slugBase(text))
}

// unique returns the anchor base, or base-n when base is taken.
func (s slugger) unique(base string) string {
	slug := base
	for {
		if _, taken := s[slug]; !taken {
			break
		}
		s[base]++
		slug = base + "-" + strconv.Itoa(s[base])
	}
	s[slug] = 0
	return slug
}

// slugBase is the anchor of text before it is made unique.
func slugBase(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ':
				b.WriteByte('-')
			case 'A' <= c && c <= 'Z':
				b.WriteByte(c + 'a' - 'A')
			case c == '-' || c == '_' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.Pc) {
			b.WriteRune(unicode.ToLower(r))
		}
		i += size
	}
	return b.String()
}

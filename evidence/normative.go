package evidence

import "strings"

// normativeWords are the requirement keywords of RFC 2119 that make a
// statement binding, as the CPS writes them: upper case.
var normativeWords = []string{"MUST", "SHALL", "REQUIRED"}

// Normative reports whether a section's own text states a requirement: it
// holds MUST, SHALL or REQUIRED as a word (upper case, as RFC 2119
// keywords; also in MUST NOT and SHALL NOT), as the regular expression
// `\b(MUST|SHALL|REQUIRED)\b` finds them (a word is ASCII letters, digits
// and underscores). The report asks it of every section at every commit:
// a scan with strings.Index takes a fraction of the regular expression's
// time.
func Normative(text string) bool {
	for _, w := range normativeWords {
		for from := 0; ; {
			k := strings.Index(text[from:], w)
			if k < 0 {
				break
			}
			start, end := from+k, from+k+len(w)
			if (start == 0 || !wordByte(text[start-1])) && (end == len(text) || !wordByte(text[end])) {
				return true
			}
			from = start + 1
		}
	}
	return false
}

// wordByte reports whether c is a word character of \b: an ASCII letter,
// digit or underscore.
func wordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

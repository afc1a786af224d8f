package evidence

import "regexp"

// normativePattern finds the requirement keywords of RFC 2119 that make a
// statement binding, as the CPS writes them: upper case.
var normativePattern = regexp.MustCompile(`\b(MUST|SHALL|REQUIRED)\b`)

// Normative reports whether a section's own text states a requirement: it
// holds MUST, SHALL or REQUIRED (upper case, as RFC 2119 keywords; also in
// MUST NOT and SHALL NOT).
func Normative(text string) bool { return normativePattern.MatchString(text) }

package review

import (
	"cmp"
	"slices"
	"strings"
	"unicode"

	"github.com/cpsgate/cpsgate/internal/yamlnode"
)

// maxParagraphNotes is how many characters of a paragraph go into Notes.
const maxParagraphNotes = 500

// Resolve reads paragraph p as a review by author, with verdict compliant,
// of every known flag it names against every known section ID it names. A
// name counts only as a whole token: "`AsyncFinalize`" and "AsyncFinalize."
// name AsyncFinalize; "§4.3.1", "section 4.3.1", "4.3.1," and "(4.3.1)" name
// 4.3.1, while "4.3.10" and "4.3.1.2" do not. Flags match case-sensitively.
//
// It returns one review per named flag, sorted by flag, each with the named
// sections in outline order and the start of the paragraph as Notes; nil
// when the paragraph names no known flag.
func Resolve(p Paragraph, flagNames, sectionIDs []string, author string) []Review {
	flags := named(p.Text, flagNames, "-.")
	if len(flags) == 0 {
		return nil
	}
	sections := named(p.Text, sectionIDs, ".")
	slices.SortFunc(sections, compareSectionIDs)
	notes := yamlnode.Truncate(p.Text, maxParagraphNotes)
	reviews := make([]Review, len(flags))
	for i, f := range flags {
		reviews[i] = Review{
			Flag:     f,
			Reviewer: author,
			Sections: slices.Clone(sections),
			Verdict:  VerdictCompliant,
			Notes:    notes,
			Origin:   OriginParagraph,
			Pos:      p.Pos,
		}
	}
	return reviews
}

// named returns the names in known that text holds as whole tokens, sorted
// and without duplicates. A token is a run of letters, digits, '_' and
// joiners, with joiners trimmed from both ends.
func named(text string, known []string, joiners string) []string {
	inToken := func(r rune) bool {
		return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(joiners, r)
	}
	tokens := map[string]bool{}
	for _, t := range strings.FieldsFunc(text, func(r rune) bool { return !inToken(r) }) {
		tokens[strings.Trim(t, joiners)] = true
	}
	var names []string
	for _, name := range known {
		if tokens[name] {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// compareSectionIDs orders section IDs by outline: component by component,
// numbers by value and before letters, a section before its subsections.
func compareSectionIDs(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range min(len(as), len(bs)) {
		if c := compareComponents(as[i], bs[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(as), len(bs))
}

// compareComponents orders two components of section IDs.
func compareComponents(a, b string) int {
	an, bn := isDigits(a), isDigits(b)
	switch {
	case an && bn:
		ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		return cmp.Or(cmp.Compare(len(ta), len(tb)), cmp.Compare(ta, tb), cmp.Compare(a, b))
	case an:
		return -1
	case bn:
		return 1
	}
	return cmp.Compare(a, b)
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

package cps

import (
	"cmp"
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/cpsgate/cpsgate/diag"
)

// Severities of a Problem.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Lint rules.
const (
	RuleOutlineMissing = "outline_missing"
	RuleOutlineOrder   = "outline_order"
	RuleNumberingGap   = "numbering_gap"
	RuleEmptySection   = "empty_section"
	RuleTitleMismatch  = "title_mismatch"
)

// Problem is one lint finding about the CPS outline.
type Problem struct {
	Severity string // SeverityError or SeverityWarning
	Rule     string
	Pos      diag.Pos
	Msg      string
}

// OutlineEntry is one section of the RFC 3647 outline.
type OutlineEntry struct {
	ID    string
	Title string
}

//go:embed rfc3647.txt
var rfc3647 string

// outline is the RFC 3647 §6 outline, in order.
var outline = parseOutline(rfc3647)

// Outline returns the sections of the RFC 3647 §6 outline ("1" INTRODUCTION
// to "9.17" Other provisions), in order.
func Outline() []OutlineEntry {
	return slices.Clone(outline)
}

// parseOutline reads "ID<TAB>Title" lines.
func parseOutline(data string) []OutlineEntry {
	var entries []OutlineEntry
	for line := range strings.Lines(data) {
		id, title, ok := strings.Cut(strings.TrimSpace(line), "\t")
		if ok {
			entries = append(entries, OutlineEntry{ID: id, Title: title})
		}
	}
	return entries
}

// Lint checks the outline of a CPS made of docs: RFC 3647 sections that
// are missing (outline_missing) or out of order (outline_order), skipped
// sibling numbers (numbering_gap), sections with neither text nor
// subsections (empty_section), all errors; and outline sections titled
// differently from the RFC (title_mismatch, a warning). Problems are
// sorted by position. Duplicate IDs are left to Parse and Index.
func Lint(docs []*Document) []Problem {
	if len(docs) == 0 {
		return nil
	}
	l := newLinter(docs)
	problems := slices.Concat(l.missing(), l.order(), l.gaps(), l.empty(), l.titles())
	slices.SortFunc(problems, func(a, b Problem) int {
		return cmp.Or(a.Pos.Compare(b.Pos), strings.Compare(a.Rule, b.Rule), strings.Compare(a.Msg, b.Msg))
	})
	return problems
}

// linter holds the sections of all documents, in document order.
type linter struct {
	docs      []*Document
	secs      []*Section
	byID      map[string]*Section
	hasChild  map[string]bool
	inOutline map[string]int // outline ID -> index in outline
}

func newLinter(docs []*Document) *linter {
	l := &linter{docs: docs, byID: map[string]*Section{}, hasChild: map[string]bool{}, inOutline: map[string]int{}}
	for _, d := range docs {
		for i := range d.Sections {
			s := &d.Sections[i]
			l.secs = append(l.secs, s)
			if _, ok := l.byID[s.ID]; !ok {
				l.byID[s.ID] = s
			}
			for p := parentID(s.ID); p != ""; p = parentID(p) {
				l.hasChild[p] = true
			}
		}
	}
	for i, e := range outline {
		l.inOutline[e.ID] = i
	}
	return l
}

// parentID returns the ID one level up ("4.9" for "4.9.12"), "" at the top.
func parentID(id string) string {
	i := strings.LastIndexByte(id, '.')
	if i < 0 {
		return ""
	}
	return id[:i]
}

func problem(severity, rule string, pos diag.Pos, format string, args ...any) Problem {
	return Problem{Severity: severity, Rule: rule, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// missing reports outline sections no document has, at the line after the
// previous outline section present (with its subsections). A missing
// section whose outline subsections are all missing too is reported once.
func (l *linter) missing() []Problem {
	var problems []Problem
	var prev *Section
	for i := 0; i < len(outline); i++ {
		e := outline[i]
		if s, ok := l.byID[e.ID]; ok {
			prev = s
			continue
		}
		msg := fmt.Sprintf("missing section %s %q of the RFC 3647 outline", e.ID, e.Title)
		if n := l.missingSubtree(i); n > 0 {
			msg += fmt.Sprintf(" with its %d subsections", n)
			i += n
		}
		if prev != nil {
			msg += " (expected after " + prev.ID + ")"
		}
		problems = append(problems, problem(SeverityError, RuleOutlineMissing, l.after(prev), "%s", msg))
	}
	return problems
}

// missingSubtree returns the number of outline descendants of outline[i]
// when none of them is present, else 0.
func (l *linter) missingSubtree(i int) int {
	prefix := outline[i].ID + "."
	n := 0
	for _, e := range outline[i+1:] {
		if !strings.HasPrefix(e.ID, prefix) {
			break
		}
		if _, ok := l.byID[e.ID]; ok {
			return 0
		}
		n++
	}
	return n
}

// after returns the line after s and its subsections, where a missing
// section following it belongs; with no s, the first section's line.
func (l *linter) after(s *Section) diag.Pos {
	if s == nil {
		if len(l.secs) > 0 {
			return l.secs[0].Pos
		}
		return diag.Pos{File: l.docs[0].File, Line: 1}
	}
	end := s.End
	for _, t := range l.secs {
		if t.Pos.File == s.Pos.File && t.Pos.Line > s.Pos.Line && strings.HasPrefix(t.ID, s.ID+".") {
			end = max(end, t.End)
		}
	}
	return diag.Pos{File: s.Pos.File, Line: end + 1}
}

// order reports outline sections that break the RFC 3647 order: all but a
// longest run of them in increasing outline order, leaving out the
// subsections that moved along with a reported section.
func (l *linter) order() []Problem {
	var present []*Section
	var seq []int
	for _, s := range l.secs {
		if i, ok := l.inOutline[s.ID]; ok && l.byID[s.ID] == s {
			present = append(present, s)
			seq = append(seq, i)
		}
	}
	keep := longestIncreasing(seq)
	var problems []Problem
	moved := "" // a reported section, whose subsections that follow it are not reported
	for k, s := range present {
		if keep[k] {
			moved = ""
			continue
		}
		if moved != "" && strings.HasPrefix(s.ID, moved+".") {
			continue
		}
		moved = s.ID
		msg := fmt.Sprintf("section %s is out of RFC 3647 order", s.ID)
		if p := l.previousPresent(seq[k]); p != "" {
			msg += " (expected after " + p + ")"
		}
		problems = append(problems, problem(SeverityError, RuleOutlineOrder, s.Pos, "%s", msg))
	}
	return problems
}

// previousPresent returns the ID of the nearest outline section before
// outline[i] that some document has, or "".
func (l *linter) previousPresent(i int) string {
	for j := i - 1; j >= 0; j-- {
		if _, ok := l.byID[outline[j].ID]; ok {
			return outline[j].ID
		}
	}
	return ""
}

// longestIncreasing marks the elements of one longest strictly increasing
// subsequence of seq.
func longestIncreasing(seq []int) []bool {
	var tails []int // tails[k]: index of the smallest last element of a run of length k+1
	prev := make([]int, len(seq))
	for i, v := range seq {
		k := sort.Search(len(tails), func(k int) bool { return seq[tails[k]] >= v })
		prev[i] = -1
		if k > 0 {
			prev[i] = tails[k-1]
		}
		if k == len(tails) {
			tails = append(tails, i)
		} else {
			tails[k] = i
		}
	}
	keep := make([]bool, len(seq))
	if len(tails) > 0 {
		for i := tails[len(tails)-1]; i >= 0; i = prev[i] {
			keep[i] = true
		}
	}
	return keep
}

// gaps reports sibling numbers (or appendix letters) that are skipped,
// except those of the RFC outline, which missing reports.
func (l *linter) gaps() []Problem {
	siblings := map[string][]*Section{}
	for _, s := range l.secs {
		p := parentID(s.ID)
		siblings[p] = append(siblings[p], s)
	}
	var problems []Problem
	for parent, secs := range siblings {
		problems = append(problems, l.siblingGaps(parent, secs)...)
	}
	return problems
}

// siblingGaps reports the gaps among the children of one parent.
func (l *linter) siblingGaps(parent string, secs []*Section) []Problem {
	prefix := ""
	if parent != "" {
		prefix = parent + "."
	}
	var problems []Problem
	for _, numbering := range []numbering{decimal, alphabetic} {
		at := map[int]*Section{}
		for _, s := range secs {
			if n, ok := numbering.value(strings.TrimPrefix(s.ID, prefix)); ok {
				at[n] = s
			}
		}
		first := 0
		for n := 1; n <= maxKey(at); n++ {
			_, inOutline := l.inOutline[prefix+numbering.format(n)]
			switch next, present := at[n]; {
			case !present && !inOutline && first == 0:
				first = n
			case present && first != 0:
				problems = append(problems, gapProblem(prefix, numbering, first, n-1, next))
				first = 0
			}
		}
	}
	return problems
}

func gapProblem(prefix string, numbering numbering, first, last int, next *Section) Problem {
	ids := prefix + numbering.format(first)
	if last > first {
		ids += " to " + prefix + numbering.format(last)
	}
	return problem(SeverityError, RuleNumberingGap, next.Pos, "numbering skips %s before %s", ids, next.ID)
}

func maxKey(m map[int]*Section) int {
	n := 0
	for k := range m {
		n = max(n, k)
	}
	return n
}

// maxSibling bounds the sibling numbers checked for gaps.
const maxSibling = 999

// numbering reads and writes the last component of sibling IDs.
type numbering struct {
	value  func(component string) (int, bool)
	format func(n int) string
}

var (
	decimal = numbering{
		value: func(c string) (int, bool) {
			n, err := strconv.Atoi(c)
			return n, err == nil && n > 0 && n <= maxSibling
		},
		format: strconv.Itoa,
	}
	alphabetic = numbering{
		value: func(c string) (int, bool) {
			if len(c) != 1 || c[0] < 'A' || c[0] > 'Z' {
				return 0, false
			}
			return int(c[0]-'A') + 1, true
		},
		format: func(n int) string { return string(rune('A' + n - 1)) },
	}
)

// empty reports sections with neither own text nor subsections.
func (l *linter) empty() []Problem {
	var problems []Problem
	for _, s := range l.secs {
		if foldSpace(s.Text) == "" && !l.hasChild[s.ID] {
			problems = append(problems, problem(SeverityError, RuleEmptySection, s.Pos,
				"section %s is empty; RFC 3647 practice is to write \"No stipulation.\"", s.ID))
		}
	}
	return problems
}

// titles warns about outline sections titled differently from the RFC.
func (l *linter) titles() []Problem {
	var problems []Problem
	for _, s := range l.secs {
		i, ok := l.inOutline[s.ID]
		if ok && foldTitle(s.Title) != foldTitle(outline[i].Title) {
			problems = append(problems, problem(SeverityWarning, RuleTitleMismatch, s.Pos,
				"section %s is titled %q; RFC 3647 says %q", s.ID, s.Title, outline[i].Title))
		}
	}
	return problems
}

// foldTitle folds case and punctuation and drops "and" and "&", so that
// "Identification & Authentication" matches "IDENTIFICATION AND AUTHENTICATION".
func foldTitle(title string) string {
	words := strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	words = slices.DeleteFunc(words, func(w string) bool { return w == "and" })
	return strings.Join(words, " ")
}

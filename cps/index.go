package cps

import (
	"cmp"
	"strings"

	"github.com/cpsgate/cpsgate/diag"
)

// RuleDuplicateID is the diag rule of a section ID defined twice.
const RuleDuplicateID = "duplicate_id"

// Index maps every section ID across docs to its section. An ID defined
// twice (in one document or two) is an error at the second definition
// naming the first; then the map is nil.
func Index(docs []*Document) (map[string]*Section, error) {
	index := map[string]*Section{}
	var errs diag.Errors
	for _, d := range docs {
		for i := range d.Sections {
			sec := &d.Sections[i]
			if first, ok := index[sec.ID]; ok {
				errs = append(errs, &diag.Error{Pos: sec.Pos, Rule: RuleDuplicateID,
					Msg: "duplicate section ID " + sec.ID + " (first at " + first.Pos.String() + ")"})
				continue
			}
			index[sec.ID] = sec
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return index, nil
}

// CompareIDs orders section IDs naturally, component by component:
// numbers by value (1.2 < 1.10 < 2), numbers before letters (9.17 < A),
// a parent before its children (A < A.1). It is a total order: IDs that
// compare equal are equal strings.
func CompareIDs(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if c := compareComponent(as[i], bs[i]); c != 0 {
			return c
		}
	}
	return cmp.Or(cmp.Compare(len(as), len(bs)), strings.Compare(a, b))
}

// compareComponent orders numbers by value before anything else, and
// other components as strings.
func compareComponent(a, b string) int {
	an, bn := isNumber(a), isNumber(b)
	switch {
	case an && bn:
		ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		return cmp.Or(cmp.Compare(len(ta), len(tb)), strings.Compare(ta, tb))
	case an != bn:
		if an {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// isNumber reports whether s is a non-empty run of ASCII digits.
func isNumber(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// Package diag holds the one position type that every parsed node and
// finding carries, and the error types that parsers collect: errors print as
// "file:line:col: message [rule]", and a list of them sorts deterministically.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Pos is a 1-based position in a file. A zero Line or Col means unknown.
type Pos struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

// String renders "file:line:col", leaving out parts that are unknown.
func (p Pos) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Col > 0 {
			fmt.Fprintf(&b, ":%d", p.Col)
		}
	}
	return b.String()
}

// Compare orders positions by file, line and column.
func (p Pos) Compare(q Pos) int {
	return cmp.Or(cmp.Compare(p.File, q.File), cmp.Compare(p.Line, q.Line), cmp.Compare(p.Col, q.Col))
}

// Error is one problem found in an input, at a position.
type Error struct {
	Pos  Pos
	Msg  string
	Rule string // optional short name of the check that failed, e.g. "duplicate_id"
}

// Errorf builds an Error at pos.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string {
	var b strings.Builder
	if s := e.Pos.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Rule != "" {
		fmt.Fprintf(&b, " [%s]", e.Rule)
	}
	return b.String()
}

// Errors is a list of errors; use Err to turn it into an error value.
type Errors []*Error

// Add appends an error built like Errorf.
func (es *Errors) Add(pos Pos, format string, args ...any) {
	*es = append(*es, Errorf(pos, format, args...))
}

// Sort orders the errors by position, then message, and drops exact duplicates.
func (es *Errors) Sort() {
	slices.SortStableFunc(*es, func(a, b *Error) int {
		return cmp.Or(a.Pos.Compare(b.Pos), cmp.Compare(a.Msg, b.Msg), cmp.Compare(a.Rule, b.Rule))
	})
	*es = slices.CompactFunc(*es, func(a, b *Error) bool { return *a == *b })
}

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns nil for an empty list and the sorted list otherwise.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	es.Sort()
	return es
}

// LineAt returns the 1-based line and column of byte offset off in src.
func LineAt(src []byte, off int) (line, col int) {
	if off > len(src) {
		off = len(src)
	}
	line = 1 + strings.Count(string(src[:off]), "\n")
	last := strings.LastIndexByte(string(src[:off]), '\n')
	return line, off - last
}

// CheckUTF8 returns an error at the line and column of the first byte of src
// that is not valid UTF-8, or nil when src is valid.
func CheckUTF8(file string, src []byte) *Error {
	if utf8.Valid(src) {
		return nil
	}
	off := 0
	for off < len(src) {
		r, size := utf8.DecodeRune(src[off:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		off += size
	}
	line, col := LineAt(src, off)
	return Errorf(Pos{File: file, Line: line, Col: col}, "invalid UTF-8 (byte 0x%02x); the file must be UTF-8 text", src[off])
}

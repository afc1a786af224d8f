// Package mdnest bounds how deeply a markdown document nests block quotes and
// lists. goldmark parses such nesting in time that grows with the square of
// its depth (or worse), so a few megabytes of nested lists would take
// minutes; the parsers of the CPS and of change descriptions reject such
// input before goldmark sees it.
package mdnest

import (
	"bytes"
	"fmt"
)

// Check returns the first line (1-based) of src that opens more than
// maxDepth block quote and list markers, or has such a marker starting past
// column maxColumn, with a message naming the limit; 0 and "" when there is
// none. A list nests by indentation, so bounding the column of every marker
// bounds the depth of lists spread over many lines, which counting the
// markers of one line cannot see. Tabs count as advancing to the next
// multiple of 4 columns, as in CommonMark.
func Check(src []byte, maxDepth, maxColumn int) (line int, msg string) {
	for n := 1; len(src) > 0; n++ {
		l, rest, _ := bytes.Cut(src, []byte("\n"))
		src = rest
		depth, col, tooFar := markers(l, maxDepth+1, maxColumn)
		switch {
		case depth > maxDepth:
			return n, fmt.Sprintf("block quotes and lists nested more than %d deep", maxDepth)
		case tooFar:
			return n, fmt.Sprintf("a block quote or list marker at column %d, past the limit of %d: lists nested too deep", col, maxColumn)
		}
	}
	return 0, ""
}

// markers counts the block quote and list markers that open line, up to
// limit, and reports the first one that starts past column maxColumn
// (1-based) with its column.
func markers(line []byte, limit, maxColumn int) (depth, col int, tooFar bool) {
	col = 1
	for i := 0; depth < limit; {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			if line[i] == '\t' {
				col += 4 - (col-1)%4
			} else {
				col++
			}
			i++
		}
		n := markerLen(line[i:])
		if n == 0 {
			break
		}
		if col > maxColumn {
			return depth, col, true
		}
		depth++
		i += n
		col += n
	}
	return depth, col, false
}

// markerLen returns the length of the block quote marker, or of the list
// marker and the space or tab after it, that line starts with, or 0.
func markerLen(line []byte) int {
	if len(line) > 0 && line[0] == '>' {
		return 1
	}
	n := len(line) - len(bytes.TrimLeft(line, "0123456789"))
	switch {
	case n > 0 && n < len(line) && (line[n] == '.' || line[n] == ')'):
		n++
	case n == 0 && len(line) > 0 && bytes.IndexByte([]byte("-*+"), line[0]) >= 0:
		n = 1
	default:
		return 0
	}
	if n == len(line) {
		return n // an empty list item
	}
	if line[n] == ' ' || line[n] == '\t' {
		return n
	}
	return 0
}

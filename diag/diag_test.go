package diag

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestErrors(t *testing.T) {
	var es Errors
	es.Add(Pos{File: "b.yaml", Line: 2, Col: 1}, "second")
	es = append(es, &Error{Pos: Pos{File: "a.md", Line: 10}, Msg: "dup", Rule: "duplicate_id"})
	es.Add(Pos{File: "b.yaml", Line: 2, Col: 1}, "second")
	es.Add(Pos{File: "a.md"}, "whole file")
	got := es.Err().Error()
	want := "a.md: whole file\na.md:10: dup [duplicate_id]\nb.yaml:2:1: second"
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("mismatch (-got +want):\n%s", diff)
	}
	if (Errors{}).Err() != nil {
		t.Error("empty Errors.Err() != nil")
	}
}

func TestLineAt(t *testing.T) {
	src := []byte("ab\ncd\n\nef")
	for _, tc := range []struct{ off, line, col int }{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {7, 4, 1}, {9, 4, 3}, {99, 4, 3},
	} {
		line, col := LineAt(src, tc.off)
		if line != tc.line || col != tc.col {
			t.Errorf("LineAt(%d) = %d:%d, want %d:%d", tc.off, line, col, tc.line, tc.col)
		}
	}
}

func TestCheckUTF8(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{"plain ascii\n", ""},
		{"\uFEFFBOM and é ✓\r\n", ""},
		{"ab\ncd \xff ef\n", "f.md:2:4: invalid UTF-8 (byte 0xff); the file must be UTF-8 text"},
		{"é\xc3", "f.md:1:3: invalid UTF-8 (byte 0xc3); the file must be UTF-8 text"},
		{"\xed\xa0\x80 surrogate", "f.md:1:1: invalid UTF-8 (byte 0xed); the file must be UTF-8 text"},
	}
	for _, tt := range tests {
		got := ""
		if err := CheckUTF8("f.md", []byte(tt.src)); err != nil {
			got = err.Error()
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("CheckUTF8(%q) mismatch (-got +want):\n%s", tt.src, diff)
		}
	}
}

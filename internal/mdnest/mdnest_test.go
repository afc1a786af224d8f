package mdnest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheck(t *testing.T) {
	type res struct {
		Line int
		Msg  string
	}
	indented := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(strings.Repeat("  ", i) + "- x\n")
		}
		return b.String()
	}
	tests := []struct {
		name string
		src  string
		want res
	}{
		{"plain", "# 1 Intro\n\ntext\n", res{}},
		{"at the depth limit", strings.Repeat("> ", 4) + "x\n", res{}},
		{"quotes too deep", "ok\n" + strings.Repeat(">", 5) + " x\n", res{2, "block quotes and lists nested more than 4 deep"}},
		{"mixed markers", "a\nb\n> - > 1. > x\n", res{3, "block quotes and lists nested more than 4 deep"}},
		{"list markers on one line", "- * + 1) - x\n", res{1, "block quotes and lists nested more than 4 deep"}},
		{"not markers", "-x\n1.5 y\n>\n", res{}},
		{"indented lists within the column limit", indented(10), res{}},
		{"indented lists past the column limit", indented(12), res{11, "a block quote or list marker at column 21, past the limit of 20: lists nested too deep"}},
		{"tabs count to the next stop", "\t\t\t\t\t- x\n", res{1, "a block quote or list marker at column 21, past the limit of 20: lists nested too deep"}},
		{"deep text that is not a list", strings.Repeat(" ", 100) + "text\n", res{}},
		{"CRLF", "ok\r\n>>>>> x\r\n", res{2, "block quotes and lists nested more than 4 deep"}},
		{"empty", "", res{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line, msg := Check([]byte(tt.src), 4, 20)
			if diff := cmp.Diff(res{line, msg}, tt.want); diff != "" {
				t.Errorf("Check mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestMarkers(t *testing.T) {
	tests := []struct {
		line string
		want int
	}{
		{"plain", 0},
		{"> > quote", 2},
		{">>> quote", 3},
		{"  - item", 1},
		{"1. > - x", 3},
		{"10) x", 1},
		{"-x", 0},
		{"2024. x", 1},
		{"--- rule", 0},
		{"> - > - > - ", 6},
	}
	for _, tt := range tests {
		got, _, _ := markers([]byte(tt.line), 10, 100)
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("markers(%q) mismatch (-got +want):\n%s", tt.line, diff)
		}
	}
}

package report

import (
	"bufio"
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReadLines compares readLines with the bufio.Scanner it replaces.
func TestReadLines(t *testing.T) {
	for _, in := range []string{"", "\n", "a", "a\n", "a\nb", "a\r\nb\r\n", "a\r\r\n", "a\r\r\r\nb\r", "\n\n x \n", "| a | b |\r\n|---|---|\n| 1 | 2 |"} {
		var want []string
		sc := bufio.NewScanner(bytes.NewReader([]byte(in)))
		for sc.Scan() {
			want = append(want, strings.TrimSuffix(sc.Text(), "\r"))
		}
		got := readLines([]byte(in))
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("readLines(%q) (-got +want):\n%s", in, diff)
		}
	}
}

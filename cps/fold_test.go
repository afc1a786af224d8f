package cps

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
)

// foldSpaceFields is the definition foldSpace and HashText follow: the
// words of strings.Fields joined by one space.
func foldSpaceFields(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestFoldSpace compares foldSpace with its definition on tricky strings,
// on every line and paragraph of the test documents and on the fuzz seeds.
func TestFoldSpace(t *testing.T) {
	inputs := []string{"", " ", "a", " a ", "a  b", "\ta\n\nb\r\v\f", "a\u00a0b\u0085c\u2003d\u3000", "\u00a0x\u00a0",
		"bad \xff utf8\xc3", "\xe2\x80", "héllo   wörld", "a\u200bb", " \n ", "x\u2028y\u2029"}
	files, _ := filepath.Glob("testdata/*")
	seeds, _ := filepath.Glob("testdata/fuzz/*/*")
	for _, f := range append(files, seeds...) {
		data, err := os.ReadFile(f)
		if err != nil || len(data) == 0 {
			continue
		}
		inputs = append(inputs, string(data))
		inputs = append(inputs, strings.Split(string(data), "\n")...)
		inputs = append(inputs, strings.Split(string(data), "\n\n")...)
	}
	for _, in := range inputs {
		want := foldSpaceFields(in)
		if got := foldSpace(in); got != want {
			t.Errorf("foldSpace(%q) = %q, want %q", in, got, want)
		}
		if got := HashText(in); got != HashText(want) || got != hashFields(in) {
			t.Errorf("HashText(%q) = %q, want %q", in, got, hashFields(in))
		}
	}
}

// hashFields is HashText by its definition.
func hashFields(s string) string {
	sum := sha256Sum([]byte(foldSpaceFields(s)))
	return "sha256:" + sum
}

func sha256Sum(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// slugBaseMap is slugBase by its definition.
func slugBaseMap(text string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ':
			return '-'
		case r == '-' || unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.Pc):
			return unicode.ToLower(r)
		}
		return -1
	}, text)
}

// TestSlugBase compares slugBase with its definition on every ASCII
// character, on tricky strings and on the lines of the test documents.
func TestSlugBase(t *testing.T) {
	var all []byte
	for c := range 128 {
		all = append(all, byte(c))
	}
	inputs := []string{string(all), "Ünïcode Ω ŉ İstanbul ǅ ﬁ", "bad \xff utf8\xc3", "a_b-c d\u00a0e", "٣ ² Ⅻ ‿", "\U0001F600 emoji"}
	files, _ := filepath.Glob("testdata/*")
	seeds, _ := filepath.Glob("testdata/fuzz/*/*")
	for _, f := range append(files, seeds...) {
		data, err := os.ReadFile(f)
		if err == nil {
			inputs = append(inputs, strings.Split(string(data), "\n")...)
		}
	}
	for _, in := range inputs {
		if got, want := slugBase(in), slugBaseMap(in); got != want {
			t.Errorf("slugBase(%q) = %q, want %q", in, got, want)
		}
	}
}

// normalizeStrings is normalize as it was written on strings.
func normalizeStrings(src []byte) []byte {
	s := strings.TrimPrefix(string(src), "\uFEFF")
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return blankFrontMatter([]byte(s))
}

// TestNormalize compares normalize with its string form.
func TestNormalize(t *testing.T) {
	for _, in := range []string{"", "\uFEFF", "\uFEFF\uFEFFx", "a\r\nb\rc\n\r\n", "bad \xff\xfe utf8 \xc3", "\xef\xbb",
		"---\na: b\n---\n# 1 X\n", "\uFEFF+++\r\nx\r\n+++\r\ntext", "---\nnot closed\n", "plain\n"} {
		src := []byte(in)
		if diff := cmp.Diff(string(normalize(src)), string(normalizeStrings(src))); diff != "" {
			t.Errorf("normalize(%q) (-got +want):\n%s", in, diff)
		}
		if string(src) != in {
			t.Errorf("normalize(%q) changed its input", in)
		}
	}
}

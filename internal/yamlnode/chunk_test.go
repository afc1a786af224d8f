package yamlnode

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// randomRegistry is a registry-shaped YAML document drawn from seed, mixed
// with what could fool a line-based split: block scalars and quoted strings
// holding "- " lines, comments at every indentation, nested sequences, flow
// collections, anchors and aliases within and across items, items at
// column 0 and indented, CRLF endings, a tab, a document marker, keys
// with inline values, and deliberate errors.
func randomRegistry(seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 3))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	var b strings.Builder
	nl := "\n"
	if r.IntN(10) == 0 {
		nl = "\r\n"
	}
	line := func(format string, args ...any) { b.WriteString(fmt.Sprintf(format, args...) + nl) }
	if r.IntN(20) == 0 {
		line("---")
	}
	for _, key := range []string{"flags", "parameters", "sections"} {
		if r.IntN(4) == 0 {
			continue
		}
		if r.IntN(15) == 0 {
			line("%s: # a comment", key)
		} else {
			line("%s:", key)
		}
		ind := pick("", "  ", "  ", "    ")
		for i := range 2 + r.IntN(8) {
			if r.IntN(5) == 0 {
				line("%s# comment before item %d", strings.Repeat(" ", r.IntN(6)), i)
			}
			if r.IntN(8) == 0 {
				line("")
			}
			anchor := ""
			if r.IntN(12) == 0 {
				anchor = fmt.Sprintf("&a%d ", i)
			}
			if r.IntN(30) == 0 {
				line("%s-", ind)
				continue
			}
			line("%s- %sname: F%d", ind, anchor, i)
			in := ind + "  "
			for range r.IntN(4) {
				switch r.IntN(11) {
				case 0:
					line("%sdescription: |", in)
					line("%s  first line", in)
					line("%s  - not an item", in)
					line("%s- still text", in+"  ")
				case 1:
					line("%sdescription: \"a quoted", in)
					line("%s  - continued\"", in)
				case 2:
					line("%scps:", in)
					line("%s- \"1.1\"", in)
					line("%s- \"4.9\"", in)
				case 3:
					line("%scps: [\"1.1\",", in)
					line("%s  \"4.9\"]", in)
				case 4:
					line("%sowner: \"@ca/dev\"  # trailing comment", in)
				case 5:
					line("%sreviews:", in)
					line("%s  - date: 2025-01-01", in)
					line("%s    reviewer: carol", in)
				case 6:
					if i > 0 {
						line("%sref: *a%d", in, r.IntN(i))
					}
				case 7:
					line("%s# an indented comment", in)
				case 8:
					line("%sstatus: %s", in, pick("active", "'removed'", "{a: b}", "[x, y]"))
				case 9:
					line("%sdescription: plain text that", in)
					line("%s  goes on", in)
				case 10:
					if r.IntN(8) != 0 {
						continue
					}
					line(pick("%s\tbad: tab", "%snotes: 'unterminated", "%sdup: 1", "%s  odd: indent"), pick(in, ind, " "))
				}
			}
		}
		if r.IntN(6) == 0 {
			line("# trailing comment")
		}
	}
	if r.IntN(10) == 0 {
		line("version: 2")
	}
	return b.String()
}

// sameTree reports where a and b differ, comments aside ("" when they do not).
func sameTree(a, b *yaml.Node, path string) string {
	switch {
	case a == nil || b == nil:
		if a != b {
			return path + ": one side is nil"
		}
		return ""
	case a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value || a.Anchor != b.Anchor ||
		a.Line != b.Line || a.Column != b.Column || len(a.Content) != len(b.Content):
		return fmt.Sprintf("%s: %+v vs %+v", path, *a, *b)
	case a.Alias != nil || b.Alias != nil:
		if a.Alias == nil || b.Alias == nil || a.Alias.Line != b.Alias.Line || a.Alias.Column != b.Alias.Column {
			return path + ": aliases differ"
		}
	}
	for i := range a.Content {
		if d := sameTree(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); d != "" {
			return d
		}
	}
	return ""
}

// TestParseChunkedAgrees splits random registry-shaped documents (every
// sequence of two items or more) and requires the tree of the whole
// document whenever the split succeeds, and no split when the whole does
// not parse.
func TestParseChunkedAgrees(t *testing.T) {
	defer func(n int) { chunkItems = n }(chunkItems)
	chunkItems = 2
	split := 0
	for seed := range uint64(4000) {
		src := []byte(randomRegistry(seed))
		got, ok := parseChunked(src)
		want, wholeOK := parseOne(src)
		if !ok {
			continue
		}
		split++
		if !wholeOK {
			t.Fatalf("seed %d: split parse succeeded where the whole document fails:\n%s", seed, src)
		}
		if d := sameTree(got, want, ""); d != "" {
			t.Fatalf("seed %d: %s\n%s", seed, d, src)
		}
	}
	if split < 1000 {
		t.Errorf("only %d of 4000 documents were split: the generator is too hostile to test the split", split)
	}
}

// TestParseSplitsLargeRegistry holds that a large registry goes through the
// split (and gives the whole document's tree).
func TestParseSplitsLargeRegistry(t *testing.T) {
	var b strings.Builder
	b.WriteString("# The flag registry.\nflags:\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "  - name: Flag%05d\n    description: Generated flag %d.\n    cps: [\"1.1\", \"4.9\"]\n    reviews:\n      - date: 2025-01-01\n        reviewer: carol\n", i, i)
	}
	b.WriteString("parameters:\n  - name: p\n    type: duration\n")
	src := []byte(b.String())
	if len(src) < chunkMin {
		t.Fatalf("the registry is %d bytes, below chunkMin", len(src))
	}
	got, ok := parseChunked(src)
	if !ok {
		t.Fatal("the registry was not split")
	}
	want, _ := parseOne(src)
	if d := sameTree(got, want, ""); d != "" {
		t.Fatal(d)
	}
	d := &Decoder{File: "registry.yaml"}
	roots := d.Parse(src)
	if len(roots) != 1 || len(d.Errs) != 0 {
		t.Fatalf("Parse: %d roots, errors %v", len(roots), d.Errs)
	}
}

func BenchmarkParseRegistry(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("flags:\n")
	for i := range 10000 {
		fmt.Fprintf(&sb, "  - name: Flag%05d\n    description: Generated flag %d.\n    owner: \"@ca/dev\"\n    status: active\n    cps: [\"1.1\", \"4.9\"]\n    reviews:\n      - date: 2025-01-01\n        reviewer: carol\n        sections: [\"1.1\", \"4.9\"]\n        verdict: compliant\n", i, i)
	}
	src := []byte(sb.String())
	for _, split := range []bool{false, true} {
		b.Run(fmt.Sprintf("split=%v", split), func(b *testing.B) {
			for b.Loop() {
				if split {
					if _, ok := parseChunked(src); !ok {
						b.Fatal("not split")
					}
				} else if _, ok := parseOne(src); !ok {
					b.Fatal("parse")
				}
			}
		})
	}
}

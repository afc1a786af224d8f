package gfm_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/yuin/goldmark"
	gast "github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"github.com/cpsgate/cpsgate/cps/internal/gfm"
)

// corpus is GFM the copy must parse as goldmark does: tables (alignments,
// escaped pipes, pipes in code spans, ragged rows, a table after a
// paragraph line), strikethrough (one and two tildes, three, unclosed) and
// task lists (checked, unchecked, nested, not first in the item).
var corpus = []string{
	"| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 |\n| 4 | 5 | 6 |\n",
	"text before\n| h1 | h2 |\n| :--- | ---: |\n| `a \\| b` | c \\| d |\n",
	"a | b\n-- | --\nc | d\n\n|x|\n|-|\n",
	"| not | a table |\n| --- |\n",
	"    | indented | code |\n    |---|---|\n",
	"| a |\n|:-:|\n| `x\\|y\\|z` and `w\\|v` |\n",
	"~~struck~~ ~one~ ~~~three~~~ ~~unclosed and a~b~c\n",
	"- [ ] open\n- [x] done\n- [X] Done\n  - [ ] nested\n- not [ ] first\n- [y] no box\n",
	"1. [x] ordered\n2. [ ]\n\n> - [ ] quoted\n",
	"# 4.9.12 Special requirements\n\n| Reason | Days |\n|---|---|\n| ~~old~~ | 5 |\n\n- [x] ~~x~~\n",
}

func newParser(opts ...parser.Option) parser.Parser {
	return parser.NewParser(append([]parser.Option{
		parser.WithBlockParsers(parser.DefaultBlockParsers()...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	}, opts...)...)
}

// TestSameAsGoldmark holds the syntax trees of the copy equal to those of
// goldmark's own extensions, on the corpus and on the repository's
// markdown test data.
func TestSameAsGoldmark(t *testing.T) {
	theirs := goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList)).Parser()
	ours := newParser(gfm.Options()...)
	plain := newParser()
	docs := map[string]string{}
	for i, src := range corpus {
		docs[fmt.Sprint("corpus ", i)] = src
	}
	files, err := filepath.Glob("../../../*/testdata/*.md")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("../../../cmd/cpsgate/testdata/*/*.md")
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = string(b)
	}
	if len(docs) < len(corpus)+3 {
		t.Fatalf("only %d documents", len(docs))
	}
	differs := 0 // the documents where the extensions matter
	for name, src := range docs {
		want := dump(theirs, src)
		if diff := cmp.Diff(dump(ours, src), want); diff != "" {
			t.Errorf("%s: tree (-copy +goldmark):\n%s", name, diff)
		}
		if dump(plain, src) != want {
			differs++
		}
	}
	if differs < len(corpus) {
		t.Errorf("the extensions change %d documents; want at least the %d of the corpus", differs, len(corpus))
	}
}

// dump prints the tree that p parses from src: each node's kind, its
// lines or text segment, and the fields the extensions set.
func dump(p parser.Parser, src string) string {
	source := []byte(src)
	var b strings.Builder
	depth := 0
	_ = gast.Walk(p.Parse(text.NewReader(source)), func(n gast.Node, entering bool) (gast.WalkStatus, error) {
		if !entering {
			depth--
			return gast.WalkContinue, nil
		}
		fmt.Fprintf(&b, "%s%s", strings.Repeat("  ", depth), n.Kind())
		depth++
		if n.Type() == gast.TypeBlock {
			for i := 0; i < n.Lines().Len(); i++ {
				s := n.Lines().At(i)
				fmt.Fprintf(&b, " [%d,%d)", s.Start, s.Stop)
			}
		}
		switch n := n.(type) {
		case *gast.Text:
			fmt.Fprintf(&b, " %q soft=%t hard=%t raw=%t", n.Segment.Value(source), n.SoftLineBreak(), n.HardLineBreak(), n.IsRaw())
		case *gast.Heading:
			fmt.Fprintf(&b, " level=%d", n.Level)
		case *east.Table:
			fmt.Fprintf(&b, " %v", n.Alignments)
		case *east.TableCell:
			fmt.Fprintf(&b, " %v", n.Alignment)
		case *east.TaskCheckBox:
			fmt.Fprintf(&b, " checked=%t", n.IsChecked)
		}
		b.WriteByte('\n')
		return gast.WalkContinue, nil
	})
	return b.String()
}

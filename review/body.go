package review

import (
	"bytes"
	"math"
	"slices"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"go.yaml.in/yaml/v3"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/internal/mdnest"
	"github.com/cpsgate/cpsgate/internal/yamlnode"
)

// MaxBodySize is the largest change description, in bytes, that ParseBody
// reads.
const MaxBodySize = 5 << 20

// MaxNesting is how many block quotes and lists one line of a change
// description may open, and MaxMarkerColumn the column at which such a
// marker may start (which bounds lists nested by indentation). No real
// description needs more, and deeper nesting makes the markdown parser slow.
const (
	MaxNesting      = 32
	MaxMarkerColumn = 128
)

// blockInfo is the first word of the info string of a fenced review block.
const blockInfo = "cps-review"

// paragraphTitle opens a free-form review paragraph or heading.
const paragraphTitle = "CPS Compliance Review"

// ParseBody finds the reviews attached to a change description (markdown).
//
// Fenced code blocks (``` or ~~~, also inside lists, but not inside block
// quotes: a quoted review is nobody's review) whose
// info string starts with the word cps-review hold YAML: one review mapping
// or a list of them, each with a flag (see DecodeNode). They become reviews
// with Origin OriginBlock and positions in the body.
//
// A paragraph whose text starts with "CPS Compliance Review:" (in any case,
// bold or not) is returned as a Paragraph holding its source text up to the
// next blank line or heading. A heading, or a paragraph standing alone, that
// says only "CPS Compliance Review" opens one that runs to the next heading.
// Resolve turns a Paragraph into reviews.
//
// The body may carry a UTF-8 byte order mark and CRLF line ends. Errors (a
// body over MaxBodySize, bad YAML, bad reviews) carry positions in file; the
// reviews of blocks with errors are left out of the result.
func ParseBody(file string, body []byte) ([]Review, []Paragraph, error) {
	if len(body) > MaxBodySize {
		err := diag.Errorf(diag.Pos{File: file, Line: 1}, "change description is %d bytes, more than the limit of %d", len(body), MaxBodySize)
		return nil, nil, diag.Errors{err}.Err()
	}
	src := bytes.TrimPrefix(body, []byte("\uFEFF"))
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	p := bodyParser{file: file, src: src, lineStarts: lineStarts(src)}
	if line, msg := mdnest.Check(src, MaxNesting, MaxMarkerColumn); line > 0 {
		return nil, nil, diag.Errors{diag.Errorf(diag.Pos{File: file, Line: line}, "%s", msg)}.Err()
	}
	// Only the block structure matters here. Leaving inline parsing out
	// keeps goldmark linear on hostile input (nested link brackets).
	doc := blockParser.Parse(text.NewReader(src))
	_ = ast.Walk(doc, p.visit) // visit never fails
	return p.reviews, p.paragraphs(), p.errs.Err()
}

// blockParser parses the block structure of markdown only; it is shared,
// as goldmark's parser is safe for concurrent use.
var blockParser = parser.NewParser(parser.WithBlockParsers(parser.DefaultBlockParsers()...))

// bodyParser collects what ParseBody finds while it walks the markdown tree.
type bodyParser struct {
	file       string
	src        []byte
	lineStarts []int // byte offset of each line
	reviews    []Review
	errs       diag.Errors
	starts     []reviewStart // blocks that open a review paragraph, in document order
	headings   []int         // first lines of all headings, in document order
}

// reviewStart is a block that opens a review paragraph.
type reviewStart struct {
	pos       diag.Pos
	toHeading bool // the text runs to the next heading, not to the next blank line
}

// visit handles one node of the markdown tree.
func (p *bodyParser) visit(n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	if _, ok := n.(*ast.Blockquote); ok {
		// A quoted review is someone else's words, often quoted to be
		// answered or rejected: it is nobody's review. The headings
		// inside still end a review paragraph that started before.
		p.quotedHeadings(n)
		return ast.WalkSkipChildren, nil
	}
	switch n := n.(type) {
	case *ast.FencedCodeBlock:
		p.block(n)
	case *ast.Heading:
		line, _ := p.lineCol(n.Pos())
		p.headings = append(p.headings, line)
		if ok, _ := opensReview(p.leadText(n)); ok {
			p.starts = append(p.starts, reviewStart{pos: p.pos(n.Pos()), toHeading: true})
		}
		return ast.WalkSkipChildren, nil
	case *ast.Paragraph, *ast.TextBlock:
		if ok, titleOnly := opensReview(p.leadText(n)); ok {
			p.starts = append(p.starts, reviewStart{pos: p.pos(n.Pos()), toHeading: titleOnly})
		}
		return ast.WalkSkipChildren, nil
	}
	return ast.WalkContinue, nil
}

// quotedHeadings records the headings inside block quote q.
func (p *bodyParser) quotedHeadings(q ast.Node) {
	_ = ast.Walk(q, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			line, _ := p.lineCol(h.Pos())
			p.headings = append(p.headings, line)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	slices.Sort(p.headings)
}

// pos returns the position of byte offset off in the body.
func (p *bodyParser) pos(off int) diag.Pos {
	line, col := p.lineCol(off)
	return diag.Pos{File: p.file, Line: line, Col: col}
}

// lineStarts returns the byte offset at which each line of src starts.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineCol returns the 1-based line and column of byte offset off (the first
// line for an unknown offset).
func (p *bodyParser) lineCol(off int) (line, col int) {
	off = max(off, 0)
	i, found := slices.BinarySearch(p.lineStarts, off)
	if !found {
		i--
	}
	return i + 1, off - p.lineStarts[i] + 1
}

// leadTextLimit is how much of a block's text is enough to tell whether it
// opens a review paragraph.
const leadTextLimit = 2 * len(paragraphTitle)

// leadText returns the start of the text of block n with emphasis and code
// markers removed.
func (p *bodyParser) leadText(n ast.Node) string {
	var b strings.Builder
	lines := n.Lines()
	for i := 0; i < lines.Len() && b.Len() < leadTextLimit; i++ {
		seg := lines.At(i)
		b.Write(p.src[seg.Start:min(seg.Stop, seg.Start+leadTextLimit)])
		b.WriteByte(' ')
	}
	return emphasisReplacer.Replace(b.String())
}

// emphasisReplacer drops the characters of emphasis and code spans.
var emphasisReplacer = strings.NewReplacer("*", "", "_", "", "`", "")

// opensReview reports whether plain text t opens a review paragraph:
// "CPS Compliance Review:" and more, or the title alone (titleOnly).
func opensReview(t string) (ok, titleOnly bool) {
	t = strings.TrimSpace(t)
	if len(t) < len(paragraphTitle) || !strings.EqualFold(t[:len(paragraphTitle)], paragraphTitle) {
		return false, false
	}
	rest := strings.TrimSpace(t[len(paragraphTitle):])
	if rest == "" || rest == ":" {
		return true, true
	}
	return strings.HasPrefix(rest, ":"), false
}

// paragraphs returns the text of each review paragraph. A paragraph that
// starts inside the text of an earlier one is part of it.
func (p *bodyParser) paragraphs() []Paragraph {
	lines := strings.Split(string(p.src), "\n")
	var out []Paragraph
	last := 0
	for _, s := range p.starts {
		if s.pos.Line <= last {
			continue
		}
		last = p.nextHeading(s.pos.Line) - 1
		if !s.toHeading {
			last = min(last, nextBlank(lines, s.pos.Line)-1)
		}
		last = min(last, len(lines))
		text := strings.TrimSpace(strings.Join(lines[s.pos.Line-1:last], "\n"))
		out = append(out, Paragraph{Text: text, Pos: s.pos})
	}
	return out
}

// nextHeading returns the first line after line that starts a heading, or a
// line past the end.
func (p *bodyParser) nextHeading(line int) int {
	i, _ := slices.BinarySearch(p.headings, line+1)
	if i < len(p.headings) {
		return p.headings[i]
	}
	return math.MaxInt
}

// nextBlank returns the first blank line after line (1-based), counting a
// line of only block quote markers as blank, or a line past the end.
func nextBlank(lines []string, line int) int {
	for i := line; i < len(lines); i++ {
		if strings.Trim(lines[i], " \t>") == "" {
			return i + 1
		}
	}
	return len(lines) + 1
}

// block decodes the reviews in fenced code block n when it is a cps-review
// block.
func (p *bodyParser) block(n *ast.FencedCodeBlock) {
	if n.Info == nil {
		return
	}
	words := strings.Fields(string(n.Info.Segment.Value(p.src)))
	if len(words) == 0 || !strings.EqualFold(words[0], blockInfo) {
		return
	}
	fence := p.pos(n.Pos())
	content, where := p.blockContent(n)
	d := yamlnode.Decoder{File: p.file}
	roots := d.Parse(content)
	for _, e := range d.Errs {
		e.Pos = where.bodyPos(e.Pos)
	}
	for _, r := range roots {
		where.moveTree(r)
	}
	var reviews []Review
	switch {
	case len(d.Errs) > 0:
	case len(roots) == 0:
		d.Errs.Add(fence, "the %s block holds no review", blockInfo)
	default:
		reviews = p.blockReviews(&d, roots)
	}
	if len(d.Errs) > 0 {
		p.errs = append(p.errs, d.Errs...)
		return
	}
	p.reviews = append(p.reviews, reviews...)
}

// blockReviews decodes the YAML documents of a review block: each a review
// mapping or a list of them.
func (p *bodyParser) blockReviews(d *yamlnode.Decoder, roots []*yaml.Node) []Review {
	var reviews []Review
	for _, root := range roots {
		items := []*yaml.Node{root}
		if root.Kind == yaml.SequenceNode {
			items = root.Content
		}
		for _, item := range items {
			r := Decode(d, item, true)
			r.Origin = OriginBlock
			reviews = append(reviews, r)
		}
	}
	return reviews
}

// blockContent returns the text of fenced code block n and where each of
// its lines is in the body.
func (p *bodyParser) blockContent(n *ast.FencedCodeBlock) ([]byte, lineMap) {
	var content []byte
	lines := n.Lines()
	where := lineMap{file: p.file}
	for i := range lines.Len() {
		seg := lines.At(i)
		content = append(content, seg.Value(p.src)...)
		line, col := p.lineCol(seg.Start)
		where.lines = append(where.lines, lineStart{line: line, col: col, padding: seg.Padding})
	}
	return content, where
}

// lineMap maps positions in the content of a code block to the body.
type lineMap struct {
	file  string
	lines []lineStart // by content line
}

// lineStart is where a line of a code block's content starts in the body.
// padding is the number of spaces that tabs left over in front of it.
type lineStart struct {
	line, col, padding int
}

// bodyPos maps a position in a block's content to the body. Positions past
// the end of the content go to its last line.
func (m lineMap) bodyPos(pos diag.Pos) diag.Pos {
	if len(m.lines) == 0 {
		return diag.Pos{File: m.file, Line: pos.Line}
	}
	i := min(max(pos.Line, 1), len(m.lines)) - 1
	ls := m.lines[i]
	out := diag.Pos{File: m.file, Line: ls.line}
	if pos.Col > 0 && pos.Line == i+1 {
		out.Col = ls.col + max(pos.Col-1-ls.padding, 0)
	}
	return out
}

// moveTree rewrites the positions of YAML tree n from block content to
// body positions. Aliases are not followed.
func (m lineMap) moveTree(n *yaml.Node) {
	pos := m.bodyPos(diag.Pos{Line: n.Line, Col: n.Column})
	n.Line, n.Column = pos.Line, pos.Col
	for _, c := range n.Content {
		m.moveTree(c)
	}
}

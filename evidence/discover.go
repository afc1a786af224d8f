// Package evidence finds the Go tests that stand as evidence for CPS
// commitments and says what a change did to them. A test function
// (func TestXxx(t *testing.T) in a _test.go file that a go-test source's
// glob matches) is linked to a section by a `// cps: 4.2.4` line in its doc
// comment or by a test-name pattern of the registry's sections: part.
// Discover parses the files, Resolve adds the registry's links, Diff
// compares two revisions (added, removed, renamed, skipped, unskipped, unlinked,
// modified), AddToInput puts them in the policy input, and ReadResults reads
// the last results from `go test -json` output.
package evidence

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/internal/yamlnode"
)

// Limits on what the go-test sources of one revision may hold.
const (
	MaxFiles    = 20000   // test files in all go-test sources
	MaxFileSize = 4 << 20 // bytes of one test file
)

// Ways a test is linked to a section.
const (
	ViaComment  = "comment"  // a `// cps: ID` line in the test's doc comment
	ViaRegistry = "registry" // a test-name pattern of the registry's sections: part
)

// Test is one test function.
type Test struct {
	Name string // TestXxx
	// Dir is the directory of its package, slash-separated, "." at the root.
	Dir string
	// ID names the test in the policy input, findings and reviews: its name,
	// or "dir.Name" when tests in several packages that are linked to
	// sections share the name (set by Resolve).
	ID      string
	Pos     diag.Pos // of the function's name
	Skipped bool     // its body calls Skip, Skipf or SkipNow on its *testing.T
	// Hash identifies the body's text (white space folded): the same body
	// under another name is a renamed test.
	Hash string
	// Links are the sections it is linked to: its comment links (Resolve adds
	// the registry's), sorted by section then position.
	Links []Link
}

// Link is a link of a test to a CPS section.
type Link struct {
	Section string
	Via     string   // ViaComment | ViaRegistry
	Pos     diag.Pos // the comment line, or the registry pattern
}

// Sections returns the IDs of the sections the test is linked to, sorted
// and without duplicates.
func (t *Test) Sections() []string {
	var out []string
	for _, l := range t.Links {
		out = append(out, l.Section)
	}
	slices.SortFunc(out, compareIDs)
	return slices.Compact(out)
}

// Linked reports whether the test is linked to any section.
func (t *Test) Linked() bool { return len(t.Links) > 0 }

// key identifies a test across revisions: its package directory and name.
func (t *Test) key() string { return t.Dir + "\x00" + t.Name }

// Discover reads the test functions of the _test.go files that the sources'
// globs match, sorted by directory, name and position. A glob that matches
// no test file, a file that does not parse and a malformed `// cps:` line
// are errors at their positions.
func Discover(fsys flags.FS, sources []config.TestSource) ([]Test, error) {
	var errs diag.Errors
	seen := map[string]bool{}
	var files []string
	for _, src := range sources {
		matches, err := fsys.Glob(src.Glob)
		if err != nil {
			errs.Add(src.Pos, "go-test source %s: %v", src.Glob, err)
			continue
		}
		n := 0
		for _, m := range matches {
			if !strings.HasSuffix(m, "_test.go") {
				continue
			}
			n++
			if !seen[m] {
				seen[m] = true
				files = append(files, m)
			}
		}
		if n == 0 {
			errs.Add(src.Pos, "go-test source %s matches no _test.go file", src.Glob)
		}
	}
	if len(files) > MaxFiles {
		errs.Add(sources[0].Pos, "the go-test sources match %d test files, more than the limit of %d", len(files), MaxFiles)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	slices.Sort(files)
	results := make([][]Test, len(files))
	fileErrs := make([]error, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for i := range next {
				results[i], fileErrs[i] = discoverFile(fsys, files[i])
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(fileErrs...); err != nil {
		return nil, err
	}
	var out []Test
	for _, r := range results {
		out = append(out, r...)
	}
	slices.SortFunc(out, func(a, b Test) int {
		return cmp.Or(cmp.Compare(a.Dir, b.Dir), cmp.Compare(a.Name, b.Name), a.Pos.Compare(b.Pos))
	})
	return out, nil
}

// discoverFile parses one test file.
func discoverFile(fsys flags.FS, file string) ([]Test, error) {
	src, err := fsys.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if len(src) > MaxFileSize {
		return nil, diag.Errorf(diag.Pos{File: file, Line: 1}, "test file is %d bytes, over the limit of %d", len(src), MaxFileSize)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		var list []string
		var el interface{ Unwrap() []error }
		if errors.As(err, &el) {
			for _, e := range el.Unwrap() {
				list = append(list, e.Error())
			}
		}
		if len(list) == 0 {
			list = []string{err.Error()}
		}
		return nil, fmt.Errorf("%s (go-test source: the test file does not parse)", list[0])
	}
	dir := path.Dir(file)
	var out []Test
	var errs diag.Errors
	for _, decl := range f.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Recv != nil || fd.Body == nil || !isTestName(fd.Name.Name) {
			continue
		}
		param, ok := testingParam(fd)
		if !ok {
			continue
		}
		pos := fset.Position(fd.Name.Pos())
		t := Test{Name: fd.Name.Name, Dir: dir, Pos: diag.Pos{File: file, Line: pos.Line, Col: pos.Column}}
		t.Skipped = param != "" && param != "_" && callsSkip(fd.Body, param)
		body := src[fset.Position(fd.Body.Lbrace).Offset : fset.Position(fd.Body.Rbrace).Offset+1]
		t.Hash = bodyHash(body)
		if fd.Doc != nil {
			for _, c := range fd.Doc.List {
				t.Links = append(t.Links, commentLinks(fset, file, c, &errs)...)
			}
		}
		out = append(out, t)
	}
	return out, errs.Err()
}

// isTestName reports whether name is a test function's name as go test
// sees it: Test, then nothing or a character that is not a lower-case
// letter.
func isTestName(name string) bool {
	rest, ok := strings.CutPrefix(name, "Test")
	if !ok {
		return false
	}
	if rest == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return !unicode.IsLower(r)
}

// testingParam returns the name of the function's one parameter when it is
// a *X.T (a *testing.T, under whatever name the file imports testing).
func testingParam(fd *ast.FuncDecl) (string, bool) {
	ps := fd.Type.Params.List
	if len(ps) != 1 || len(ps[0].Names) > 1 || fd.Type.Results != nil || fd.Type.TypeParams != nil {
		return "", false
	}
	star, ok := ps[0].Type.(*ast.StarExpr)
	if !ok {
		return "", false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "T" {
		return "", false
	}
	if len(ps[0].Names) == 0 {
		return "", true
	}
	return ps[0].Names[0].Name, true
}

// callsSkip reports whether body calls param.Skip, Skipf or SkipNow,
// anywhere (a subtest's function literal too).
func callsSkip(body *ast.BlockStmt, param string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found {
			return false
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && id.Name == param {
			switch sel.Sel.Name {
			case "Skip", "Skipf", "SkipNow":
				found = true
			}
		}
		return true
	})
	return found
}

// bodyHash hashes a function body with runs of white space folded.
func bodyHash(body []byte) string {
	h := sha256.New()
	for i, field := range bytes.Fields(body) {
		if i > 0 {
			h.Write([]byte{' '})
		}
		h.Write(field)
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// commentLinks reads a `// cps: 4.2.4, 4.2.5` line of a doc comment.
func commentLinks(fset *token.FileSet, file string, c *ast.Comment, errs *diag.Errors) []Link {
	text, ok := strings.CutPrefix(c.Text, "//")
	if !ok {
		return nil
	}
	rest, ok := strings.CutPrefix(strings.TrimSpace(text), "cps:")
	if !ok {
		return nil
	}
	p := fset.Position(c.Pos())
	pos := diag.Pos{File: file, Line: p.Line, Col: p.Column}
	var out []Link
	for _, id := range strings.FieldsFunc(rest, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		if !yamlnode.IsSectionID(id) {
			errs.Add(pos, "// cps: %q is not a section ID (digits or letters separated by dots, e.g. 4.9.12)", id)
			continue
		}
		out = append(out, Link{Section: id, Via: ViaComment, Pos: pos})
	}
	if len(out) == 0 && len(*errs) == 0 {
		errs.Add(pos, "// cps: names no section (write // cps: 4.9.12, 4.9.13)")
	}
	return out
}

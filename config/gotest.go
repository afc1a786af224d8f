package config

import (
	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/internal/yamlnode"
)

// KindGoTest is the source kind of Go test files: the TestXxx functions of
// the _test.go files its glob matches are the tests that may be linked to
// CPS sections (package evidence). It declares no flags, so it is kept
// apart from Sources, in Config.Tests.
const KindGoTest = "go-test"

// TestSource is a go-test source: a glob of Go test files, ** allowed
// (only the files ending in _test.go are read).
type TestSource struct {
	Glob string
	Pos  diag.Pos
}

// goTestSource validates a go-test source entry: it takes glob only.
func goTestSource(d *yamlnode.Decoder, s flags.SourceSpec) (TestSource, bool) {
	if s.Path != "" || s.Type != "" || s.Key != "" || s.Environment != "" || len(s.Extra) > 0 {
		d.Errs.Add(s.Pos, "a %s source takes glob only (for example glob: \"**/*_test.go\")", KindGoTest)
		return TestSource{}, false
	}
	if s.Glob == "" {
		d.Errs.Add(s.Pos, "a %s source needs %q", KindGoTest, "glob")
		return TestSource{}, false
	}
	if err := CheckPath(s.Glob); err != nil {
		d.Errs.Add(s.Pos, "glob: %v", err)
		return TestSource{}, false
	}
	return TestSource{Glob: s.Glob, Pos: s.Pos}, true
}

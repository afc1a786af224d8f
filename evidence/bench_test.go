package evidence

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/flags"
)

// BenchmarkDiscover discovers and links the tests of one revision of a large
// code base: 1,000 test files of 20 tests each (20,000 tests), one in ten
// linked by a `// cps:` line and the rest matched against ten registry
// patterns; then diffs it against itself, as a check does.
func BenchmarkDiscover(b *testing.B) {
	files := mapFS{}
	for f := range 1000 {
		var src strings.Builder
		fmt.Fprintf(&src, "package p%d\n\nimport \"testing\"\n", f)
		for i := range 20 {
			if i%10 == 0 {
				fmt.Fprintf(&src, "\n// Test%d_%d checks something.\n// cps: 4.%d.%d\n", f, i, f%9+1, i%5+1)
			}
			fmt.Fprintf(&src, "func Test%d_%d(t *testing.T) {\n\tif got := f%d(%d); got != %d {\n\t\tt.Fatalf(\"got %%d\", got)\n\t}\n}\n", f, i, i, f, i)
		}
		files[fmt.Sprintf("pkg/p%03d/p_test.go", f)] = src.String()
	}
	var rules []flags.SectionRule
	for i := range 10 {
		p := flags.TestPattern{Text: fmt.Sprintf("Test%d_*", i*97)}
		rules = append(rules, flags.SectionRule{ID: fmt.Sprintf("7.%d", i+1), Tests: []flags.TestPattern{p}})
	}
	src := []config.TestSource{{Glob: "pkg/**/*_test.go"}}
	b.ReportAllocs()
	for b.Loop() {
		tests, err := Discover(files, src)
		if err != nil {
			b.Fatal(err)
		}
		linked := Resolve(tests, rules)
		if len(linked) != 20000 {
			b.Fatalf("%d tests, want 20000", len(linked))
		}
		if d := Diff(linked, linked); len(d) != 0 {
			b.Fatalf("diff of a revision with itself: %d changes", len(d))
		}
	}
}

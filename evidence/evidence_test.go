package evidence

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/gitrepo"
)

// mapFS is the files of one revision, in memory: paths to contents.
type mapFS map[string]string

func (m mapFS) ReadFile(name string) ([]byte, error) {
	src, ok := m[name]
	if !ok {
		return nil, fmt.Errorf("open %s: %w", name, fs.ErrNotExist)
	}
	return []byte(src), nil
}

func (m mapFS) Glob(pattern string) ([]string, error) {
	var out []string
	for name := range m {
		if gitrepo.Match(pattern, name) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out, nil
}

const caaTest = `package ca

import (
	"testing"
	tt "testing"
)

// TestCAACheck checks CAA before issuance.
// cps: 4.2.4, 4.2.5
func TestCAACheck(t *testing.T) {
	if got := checkCAA("example.com"); !got {
		t.Fatal("no CAA check")
	}
}

// cps: 3.2.2
func TestDomainValidation(x *tt.T) {
	x.Run("sub", func(t *testing.T) { x.Skipf("flaky %d", 1) })
}

func TestUnlinked(t *testing.T) {}

func Testlower(t *testing.T) {} // not a test: lower case after Test

func TestMain(m *testing.M) {} // not a test

func BenchmarkX(b *testing.B) {}

func (s suite) TestMethod(t *testing.T) {}
`

func src() mapFS {
	return mapFS{
		"ca/caa_test.go":   caaTest,
		"ca/caa.go":        "package ca\n",
		"ra/ra_test.go":    "package ra\n\nimport \"testing\"\n\nfunc TestCAACheck(t *testing.T) {\n\tt.Skip()\n}\n",
		"other/x_test.go":  "package other\n\nimport \"testing\"\n\n// cps: 9.1\nfunc TestOther(t *testing.T) {}\n",
		"vendor/v_test.go": "package v\n",
	}
}

var sources = []config.TestSource{{Glob: "ca/**", Pos: diag.Pos{File: ".cpsgate.yaml", Line: 5, Col: 5}}, {Glob: "ra/*_test.go"}}

// show renders tests for comparison.
func show(tests []Test) []string {
	var out []string
	for _, t := range tests {
		s := fmt.Sprintf("%s %s at %s skipped=%v sections=%v", t.ID, t.Name, t.Pos, t.Skipped, t.Sections())
		for _, l := range t.Links {
			s += fmt.Sprintf(" [%s %s %s]", l.Section, l.Via, l.Pos)
		}
		out = append(out, s)
	}
	return out
}

func TestDiscoverAndResolve(t *testing.T) {
	tests, err := Discover(src(), sources)
	if err != nil {
		t.Fatal(err)
	}
	rules := []flags.SectionRule{
		{ID: "4.2.4", RequiresTest: true, Tests: []flags.TestPattern{{Text: "TestCAA*", Pos: diag.Pos{File: "r.yaml", Line: 3}}}},
		{ID: "7.1", Tests: []flags.TestPattern{{Text: "/^TestUn/", Re: mustRe(t, "^TestUn"), Pos: diag.Pos{File: "r.yaml", Line: 9}}}},
	}
	got := show(Resolve(tests, rules))
	want := []string{
		"ca.TestCAACheck TestCAACheck at ca/caa_test.go:10:6 skipped=false sections=[4.2.4 4.2.5] [4.2.4 comment ca/caa_test.go:9:1] [4.2.4 registry r.yaml:3] [4.2.5 comment ca/caa_test.go:9:1]",
		"TestDomainValidation TestDomainValidation at ca/caa_test.go:17:6 skipped=true sections=[3.2.2] [3.2.2 comment ca/caa_test.go:16:1]",
		"TestUnlinked TestUnlinked at ca/caa_test.go:21:6 skipped=false sections=[] [7.1 registry r.yaml:9]",
		"ra.TestCAACheck TestCAACheck at ra/ra_test.go:5:6 skipped=true sections=[4.2.4] [4.2.4 registry r.yaml:3]",
	}
	want[2] = strings.Replace(want[2], "sections=[]", "sections=[7.1]", 1)
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("mismatch (-got +want):\n%s", diff)
	}
	// The discovered tests are not changed by Resolve.
	if len(tests[0].Links) != 2 || tests[0].ID != "" {
		t.Errorf("Resolve modified its input: %+v", tests[0])
	}
	// Without the registry pattern, TestCAACheck is linked in one package only: its ID is its name.
	got = show(Resolve(tests, nil))
	if !strings.HasPrefix(got[0], "TestCAACheck TestCAACheck") || !strings.HasPrefix(got[3], "TestCAACheck TestCAACheck at ra/") {
		t.Errorf("IDs without duplicates: %q", got)
	}
	if n := len(LinkedTo(Resolve(tests, rules), "4.2.4")); n != 2 {
		t.Errorf("LinkedTo 4.2.4 = %d tests, want 2", n)
	}
}

func TestDiscoverErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files mapFS
		want  string
	}{
		{"no match", mapFS{"ca/caa.go": "package ca"}, ".cpsgate.yaml:5:5: go-test source ca/** matches no _test.go file"},
		{"syntax", mapFS{"ca/x_test.go": "package ca\nfunc TestX(t *testing.T) {\n"}, "ca/x_test.go:2:28: expected '}', found 'EOF' (go-test source: the test file does not parse)"},
		{"bad link", mapFS{"ca/x_test.go": "package ca\n\n// cps: 4.2.x!\nfunc TestX(t *testing.T) {}\n"}, `ca/x_test.go:3:1: // cps: "4.2.x!" is not a section ID (digits or letters separated by dots, e.g. 4.9.12)`},
		{"empty link", mapFS{"ca/x_test.go": "package ca\n\n// cps:\nfunc TestX(t *testing.T) {}\n"}, `ca/x_test.go:3:1: // cps: names no section (write // cps: 4.9.12, 4.9.13)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Discover(tc.files, sources[:1])
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(err.Error(), tc.want); diff != "" {
				t.Errorf("error mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func mustRe(t *testing.T, s string) *regexp.Regexp {
	t.Helper()
	return regexp.MustCompile(s)
}

// testFile is a test file with the given test functions, each "Name:body"
// with an optional "// cps: ..." line before.
func testFile(funcs ...string) string {
	var b strings.Builder
	b.WriteString("package ca\n\nimport \"testing\"\n")
	for _, f := range funcs {
		name, body, _ := strings.Cut(f, ":")
		links, name, ok := strings.Cut(name, "@")
		if !ok {
			name, links = links, ""
		}
		if links != "" {
			fmt.Fprintf(&b, "\n// cps: %s\n", links)
		} else {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "func %s(t *testing.T) {\n\t%s\n}\n", name, body)
	}
	return b.String()
}

func TestDiff(t *testing.T) {
	base := mapFS{"ca/a_test.go": testFile(
		"4.2.4@TestDelete:checkA(t)",
		"4.2.4@TestRename:checkB(t)",
		"4.2.4@TestSkip:checkC(t)",
		"4.2.4@TestUnskip:t.Skip(); checkD(t)",
		"4.2.4 4.2.5@TestUnlink:checkE(t)",
		"4.2.4@TestModify:checkF(t)",
		"4.2.4@TestSame:checkG(t)",
		"TestLinkLater:checkH(t)",
		"4.2.4@TestMove:checkI(t)",
	)}
	head := mapFS{"ca/a_test.go": testFile(
		"4.2.4@TestRenamed:checkB(t)",
		"4.2.4@TestSkip:t.Skipf(\"later\"); checkC(t)",
		"4.2.4@TestUnskip:checkD(t)",
		"4.2.4@TestUnlink:checkE(t)",
		"4.2.4@TestModify:checkF(t, 2)",
		"4.2.4@TestSame:    checkG(t)   ",
		"7.1@TestLinkLater:checkH(t)",
		"4.2.6@TestNew:checkJ(t)",
	), "ra/b_test.go": testFile("4.2.4@TestMove:checkI(t)")}
	got := diffOf(t, base, head)
	want := []string{
		"TestDelete removed [4.2.4] at ca/a_test.go:6:6",
		"TestLinkLater added [7.1] at ca/a_test.go:36:6",
		"TestModify modified [4.2.4] at ca/a_test.go:26:6",
		"TestMove renamed from TestMove [4.2.4] at ra/b_test.go:6:6",
		"TestNew added [4.2.6] at ca/a_test.go:41:6",
		"TestRenamed renamed from TestRename [4.2.4] at ca/a_test.go:6:6",
		"TestSkip skipped [4.2.4] at ca/a_test.go:11:6",
		"TestUnlink unlinked [4.2.5] at ca/a_test.go:21:6",
		"TestUnskip unskipped [4.2.4] at ca/a_test.go:16:6",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("mismatch (-got +want):\n%s", diff)
	}
	// Two revisions with the same tests: no change.
	if got := diffOf(t, base, base); got != nil {
		t.Errorf("Diff of a revision with itself = %q", got)
	}
}

func diffOf(t *testing.T, base, head mapFS) []string {
	t.Helper()
	src := []config.TestSource{{Glob: "**/*_test.go"}}
	b, err := Discover(base, src)
	if err != nil {
		t.Fatal(err)
	}
	h, err := Discover(head, src)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range Diff(Resolve(b, nil), Resolve(h, nil)) {
		s := c.Test + " " + c.Kind
		if c.OldTest != "" {
			s += " from " + c.OldTest
		}
		out = append(out, fmt.Sprintf("%s %v at %s", s, c.Sections, c.Pos))
	}
	return out
}

func TestNormative(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"The CA MUST check CAA records.", true},
		{"The RA SHALL NOT issue.", true},
		{"Validation is REQUIRED.", true},
		{"The CA must check.", false},
		{"MUSTARD is not a keyword; neither is SHALLOW.", false},
		{"", false},
		{"MUST", true},
		{"REQUIRED", true},
		{"_MUST", false},
		{"MUST_", false},
		{"9SHALL", false},
		{"SHALL9", false},
		{"xMUST MUSTx SHALL", true},
		{"MUSTMUST SHALLSHALL", false},
		{"(MUST)", true},
		{"A\nMUST\n", true},
		{"éMUSTé", true}, // \b is ASCII: a non-ASCII letter is no word character
		{"NOT REQUIREDx but MUST.", true},
		{"must SHALl REQUIRE", false},
	} {
		if got := Normative(tc.text); got != tc.want {
			t.Errorf("Normative(%q) = %v, want %v", tc.text, got, tc.want)
		}
		if got, want := Normative(tc.text), normativeRegexp.MatchString(tc.text); got != want {
			t.Errorf("Normative(%q) = %v, the regular expression says %v", tc.text, got, want)
		}
	}
}

// normativeRegexp is the definition Normative implements.
var normativeRegexp = regexp.MustCompile(`\b(MUST|SHALL|REQUIRED)\b`)

// FuzzNormative checks Normative against its regular expression.
func FuzzNormative(f *testing.F) {
	for _, s := range []string{"The CA MUST check.", "MUSTARD", "_SHALL_", "éREQUIREDé", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := Normative(text), normativeRegexp.MatchString(text); got != want {
			t.Errorf("Normative(%q) = %v, the regular expression says %v", text, got, want)
		}
	})
}

func TestReadResults(t *testing.T) {
	out := strings.Join([]string{
		`{"Action":"start","Package":"example.com/ca/ca"}`,
		`{"Action":"run","Package":"example.com/ca/ca","Test":"TestCAACheck"}`,
		`{"Action":"fail","Package":"example.com/ca/ca","Test":"TestCAACheck","Elapsed":0.1}`,
		`{"Action":"pass","Package":"example.com/ca/ca","Test":"TestCAACheck/sub","Elapsed":0.1}`,
		``,
		`{"Action":"pass","Package":"example.com/ca/ra","Test":"TestCAACheck","Elapsed":0.2}`,
		`{"Action":"skip","Package":"example.com/ca","Test":"TestRoot","Elapsed":0}`,
		`{"Action":"pass","Package":"example.com/ca/ca","Test":"TestDomainValidation","Elapsed":0.3}`,
		`{"Action":"fail","Package":"example.com/ca/ca","Test":"TestDomainValidation","Elapsed":0.3}`,
		`{"Action":"pass","Package":"example.com/ca/ca","Test":"TestDomainValidation","Elapsed":0.4}`,
	}, "\n")
	res, err := ReadResults("r.json", strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tt := range []Test{{Name: "TestCAACheck", Dir: "ca"}, {Name: "TestCAACheck", Dir: "ra"}, {Name: "TestRoot", Dir: "."},
		{Name: "TestDomainValidation", Dir: "ca"}, {Name: "TestCAACheck", Dir: "x"}, {Name: "TestNone", Dir: "ca"}} {
		r, ok := res.Of(tt)
		got = append(got, fmt.Sprintf("%s/%s %s %v", tt.Dir, tt.Name, r.Action, ok))
	}
	want := []string{"ca/TestCAACheck fail true", "ra/TestCAACheck pass true", "./TestRoot skip true",
		"ca/TestDomainValidation pass true", "x/TestCAACheck  false", "ca/TestNone  false"}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("mismatch (-got +want):\n%s", diff)
	}
	_, err = ReadResults("r.json", strings.NewReader(`{"Action":"pass"}`+"\nok  \texample.com/ca\t0.1s\n"))
	if diff := cmp.Diff(fmt.Sprint(err), "r.json:2:1: not a `go test -json` event; pass the output of go test -json"); diff != "" {
		t.Errorf("error mismatch (-got +want):\n%s", diff)
	}
}

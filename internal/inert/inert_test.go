package inert

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValueAndText(t *testing.T) {
	for _, tc := range []struct{ in, value, text string }{
		{"", "", ""},
		{"plain ünïcødé 🚩", "plain ünïcødé 🚩", "plain ünïcødé 🚩"},
		{"a\nb\tc", `a\x0ab\x09c`, "a\nb\tc"},
		{"cr\r\nlf", `cr\x0d\x0alf`, "cr\\x0d\nlf"},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`, `\x1b[31mred\x1b[0m`},
		{"\x00\x07\x7f", `\x00\x07\x7f`, `\x00\x07\x7f`},
		{"c1 \u0085 \u009b", `c1 \u0085 \u009b`, `c1 \u0085 \u009b`},
		{"bidi \u202eevil\u202c \u2066x\u2069 \u200f \u061c", `bidi \u202eevil\u202c \u2066x\u2069 \u200f \u061c`, `bidi \u202eevil\u202c \u2066x\u2069 \u200f \u061c`},
		{"zero\u200bwidth\u200d\ufeff", `zero\u200bwidth\u200d\ufeff`, `zero\u200bwidth\u200d\ufeff`},
		{"sep\u2028\u2029", `sep\u2028\u2029`, `sep\u2028\u2029`},
		{"tag \U000E0041", `tag \U000e0041`, `tag \U000e0041`},
		{"soft\u00adhyphen", "soft\u00adhyphen", "soft\u00adhyphen"},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`, `bad \xff\xfe utf8`},
		{`back\slash`, `back\slash`, `back\slash`},
	} {
		if diff := cmp.Diff(Value(tc.in), tc.value); diff != "" {
			t.Errorf("Value(%q) (-got +want):\n%s", tc.in, diff)
		}
		if diff := cmp.Diff(Text(tc.in), tc.text); diff != "" {
			t.Errorf("Text(%q) (-got +want):\n%s", tc.in, diff)
		}
		if again := Value(Value(tc.in)); again != Value(tc.in) {
			t.Errorf("Value is not idempotent on %q: %q", tc.in, again)
		}
	}
}

func TestLines(t *testing.T) {
	for _, tc := range []struct{ in, want, html string }{
		{"plain\n", "plain\n", "plain\n"},
		{"a::b\n", "a::b\n", "a::b\n"},
		{"::add-mask::x\n", `\x3a:add-mask::x` + "\n", "&#58;:add-mask::x\n"},
		{"ok\n  \t::set-output name=a::b\n", "ok\n  \t\\x3a:set-output name=a::b\n", "ok\n  \t&#58;:set-output name=a::b\n"},
		{"\u00a0\u3000::x::y", "\u00a0\u3000\\x3a:x::y", "\u00a0\u3000&#58;:x::y"},
		{"cr\r::x::y\n", `cr\r::x::y` + "\n", "cr&#13;::x::y\n"},
		{"text ##[error]boom\n", `text ##\x5berror]boom` + "\n", "text ##&#91;error]boom\n"},
		{"##vso[task.setvariable variable=a]b ##teamcity[x]", `##vso\x5btask.setvariable variable=a]b ##teamcity\x5bx]`, "##vso&#91;task.setvariable variable=a]b ##teamcity&#91;x]"},
	} {
		if diff := cmp.Diff(Lines(tc.in), tc.want); diff != "" {
			t.Errorf("Lines(%q) (-got +want):\n%s", tc.in, diff)
		}
		if diff := cmp.Diff(HTMLLines(tc.in), tc.html); diff != "" {
			t.Errorf("HTMLLines(%q) (-got +want):\n%s", tc.in, diff)
		}
	}
}

func TestJSON(t *testing.T) {
	got := string(JSON([]byte(`{"a": "x ##[add-mask]s ##vso[y] ##teamcity[z]"}`)))
	want := `{"a": "x ##\u005badd-mask]s ##vso\u005by] ##teamcity\u005bz]"}`
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("JSON (-got +want):\n%s", diff)
	}
}

func TestWorkflowCommand(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props []Property
		msg   string
		want  string
	}{
		{"notice", []Property{{"title", "cpsgate"}}, "a\nb%", "::notice title=cpsgate::a%0Ab%25"},
		{"error", []Property{{"title", "x:y,z"}, {"file", ""}, {"line", "3"}}, "m", "::error title=x%3Ay%2Cz,line=3::m"},
		{"endgroup", nil, "", "::endgroup::"},
		{"group", []Property{{"title", ""}}, "g", "::group ::g"},
	} {
		if diff := cmp.Diff(WorkflowCommand(tc.name, tc.props, tc.msg), tc.want); diff != "" {
			t.Errorf("WorkflowCommand(%s) (-got +want):\n%s", tc.name, diff)
		}
	}
}

func TestMarkdown(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Key sizes (RSA)", "Key sizes (RSA)"},
		{"a|b", `a\|b`},
		{"line\nbreak", `line\\x0abreak`},
		{"<img src=x>", `\<img src=x\>`},
		{"![x](http://evil/x.png)", `!\[x\](http\://evil/x.png)`},
		{"[click](javascript:alert(1))", `\[click\](javascript:alert(1))`},
		{"www.evil.com", `www\.evil.com`},
		{"mailto:a@b.c", "mailto\\:a\\@\u200db.c"},
		{"@org/team and @user", "\\@\u200dorg/team and \\@\u200duser"},
		{"org/repo#12 #3 GH-4", "org/repo\\#\u200d12 \\#\u200d3 GH-\u200d4"},
		{"*em* _u_ ~~s~~ `c` $x$ &amp;", "\\*em\\* \\_u\\_ \\~\\~s\\~\\~ \\`c\\` \\$x\\$ \\&amp;"},
		{"\u202eevil", `\\u202eevil`},
		{"4.3.1: file.json:3", "4.3.1: file.json:3"},
	} {
		if diff := cmp.Diff(Markdown(tc.in), tc.want); diff != "" {
			t.Errorf("Markdown(%q) (-got +want):\n%s", tc.in, diff)
		}
	}
}

func TestCode(t *testing.T) {
	for _, tc := range []struct{ in, code, cell string }{
		{"", "", ""},
		{"Flag", "`Flag`", "`Flag`"},
		{"a`b", "``a`b``", "``a`b``"},
		{"`x`", "`` `x` ``", "`` `x` ``"},
		{"a|b", "`a|b`", "`a\\|b`"},
		{"@org/team\n#1", "`@org/team\\x0a#1`", "`@org/team\\x0a#1`"},
		{" pad", "`  pad `", "`  pad `"},
	} {
		if diff := cmp.Diff(Code(tc.in), tc.code); diff != "" {
			t.Errorf("Code(%q) (-got +want):\n%s", tc.in, diff)
		}
		if diff := cmp.Diff(CodeCell(tc.in), tc.cell); diff != "" {
			t.Errorf("CodeCell(%q) (-got +want):\n%s", tc.in, diff)
		}
	}
}

func TestHTMLAndCodeBlock(t *testing.T) {
	if diff := cmp.Diff(HTML("</summary><img src=x> @org/team #1\n\n"), "&lt;/summary&gt;&lt;img src=x&gt; @\u200dorg/team #\u200d1\\x0a\\x0a"); diff != "" {
		t.Errorf("HTML (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(CodeBlock("text", "a\n````\n\x1b\n"), "`````text\na\n````\n\\x1b\n`````\n"); diff != "" {
		t.Errorf("CodeBlock (-got +want):\n%s", diff)
	}
}

func TestSARIFText(t *testing.T) {
	if diff := cmp.Diff(SARIFText("see [x](1) or [y](http://e) \\ \n"), `see \[x\](1) or \[y\](http://e) \\ \\x0a`); diff != "" {
		t.Errorf("SARIFText (-got +want):\n%s", diff)
	}
}

func TestCSVCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"},
		{"+1", "'+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(1)", "'@SUM(1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"＝1+1", "'＝1+1"},
		{"a=1", "a=1"},
		{"2024-01-01", "2024-01-01"},
	} {
		if diff := cmp.Diff(CSVCell(tc.in), tc.want); diff != "" {
			t.Errorf("CSVCell(%q) (-got +want):\n%s", tc.in, diff)
		}
	}
}

func TestCopy(t *testing.T) {
	type inner struct {
		Name  string
		Lines string
	}
	type outer struct {
		A    string
		P    *inner
		S    []inner
		M    map[string]string
		N    int
		priv string
	}
	in := outer{A: "a\x1b", P: &inner{"n\n", "l\nl\x1b"}, S: []inner{{"s\r", "t\n"}}, M: map[string]string{"k\n": "v\n"}, N: 3, priv: "p\n"}
	got := Copy(in, "Lines")
	want := outer{A: `a\x1b`, P: &inner{`n\x0a`, "l\nl\\x1b"}, S: []inner{{`s\x0d`, "t\n"}}, M: map[string]string{`k\x0a`: `v\x0a`}, N: 3, priv: "p\n"}
	if diff := cmp.Diff(got, want, cmp.AllowUnexported(outer{})); diff != "" {
		t.Errorf("Copy (-got +want):\n%s", diff)
	}
	if in.A != "a\x1b" || in.P.Name != "n\n" || in.S[0].Name != "s\r" {
		t.Errorf("Copy changed its input: %+v", in)
	}
}

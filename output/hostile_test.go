package output

import "github.com/cpsgate/cpsgate/result"

// hostileStrings are texts a repository can put into findings: workflow
// command syntax, escapes, markdown and HTML, fences, unicode.
var hostileStrings = []string{
	"",
	"plain",
	"100% done %25 %0A",
	"carriage\rreturn",
	"line\nfeed",
	"crlf\r\n",
	"a:b:c",
	"a,b,,c",
	"::",
	"x\n::set-output name=pass::true",
	"::add-mask::secret",
	"x\r\n::stop-commands::abc",
	"  ::warning::indented",
	"##[set-output name=pass;]true",
	"key=value,title=forged",
	"pipe | and <script>alert(1)</script> & ``` fence",
	"ünïcødé ✓ 🚩 日本語",
	"\t tabs \t",
}

// hostile is a failing result whose every repository-controlled string tries
// to break out of its format.
var hostile = &result.Result{
	Pass: false,
	Base: "0123456789abcdef0123456789abcdef01234567",
	Head: "::add-mask::head",
	Findings: []result.Finding{
		{Severity: "deny", Rule: "missing_review", Flag: "Evil,Flag:x", Section: "4.3.1", File: "deploy/prod env,1:x.json", Line: 7,
			Message: "enabled\n::set-output name=pass::true\r\n%0A <b>bold</b> | pipe `code`"},
		{Severity: "warn", Rule: "custom|rule<x>", Flag: "ünïcødé🚩", Message: "no file here: 100% ::warning::x"},
		{Severity: "deny", Rule: "policy_changed", File: ".cpsgate.yaml", Message: "line 0 means unknown"},
	},
	FlagChanges: []result.FlagChange{
		{Flag: "Evil,Flag:x", Change: "enabled", File: "deploy/prod env,1:x.json", Line: 7, Environment: "prod\n::add-mask::x", Path: "a|b"},
	},
	CPSChanges: []result.CPSChange{
		{Section: "4.3.1", Change: "modified", Title: "<img src=x onerror=alert(1)>", OldTitle: "old\ntitle", File: "docs/CPS.md", Line: 55},
	},
	Missing: []result.Missing{
		{Flag: "Evil,Flag:x", Section: "4.3.1", Title: "CA actions <script>", Hash: "sha256:aa",
			Excerpt: "::stop-commands::evil\n::set-output name=pass::true\n```\n````\n</details><script>alert(1)</script>", File: "docs/CPS.md", Line: 55},
	},
}

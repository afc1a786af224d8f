package output

import (
	"bytes"
	"flag"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/internal/golden"
	"github.com/cpsgate/cpsgate/result"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// failing is a result with findings of both severities, flag and CPS changes
// and missing reviews for two flags.
var failing = &result.Result{
	Pass: false,
	Base: "0123456789abcdef0123456789abcdef01234567",
	Head: "WORKTREE",
	Findings: []result.Finding{
		{Severity: "deny", Rule: "missing_review", Flag: "AsyncFinalize", Section: "4.3.1", File: "deploy/prod.json", Line: 4,
			Message: `flag AsyncFinalize was enabled in deploy/prod.json; CPS section 4.3.1 "CA actions" has no review of it in this change`},
		{Severity: "deny", Rule: "stale_review", Flag: "ECDSAForAll", Section: "6.1.5", File: "docs/CPS.md", Line: 88,
			Message: "CPS 6.1.5 changed in this change; re-review ECDSAForAll"},
		{Severity: "warn", Rule: "unlinked_flag", Flag: "Legacy", File: "flags/registry.yaml", Line: 30,
			Message: "flag Legacy links no CPS section"},
	},
	FlagChanges: []result.FlagChange{
		{Flag: "AsyncFinalize", Change: "enabled", File: "deploy/prod.json", Line: 4, Environment: "deploy/prod.json", Path: "ra.features"},
		{Flag: "ECDSAForAll", Change: "modified", File: "features/features.go", Line: 17, Fields: []string{"description"}},
	},
	CPSChanges: []result.CPSChange{
		{Section: "6.1.5", Change: "modified", Title: "Key sizes", File: "docs/CPS.md", Line: 88},
		{Section: "4.9.13", Change: "renumbered", OldSection: "4.9.12", Title: "Key compromise", File: "docs/CPS.md", Line: 70},
	},
	Missing: []result.Missing{
		{Flag: "AsyncFinalize", Section: "4.3.1", Title: "CA actions", Hash: "sha256:aa", Excerpt: "The CA issues only after\nevery authorization is valid.", File: "docs/CPS.md", Line: 55},
		{Flag: "AsyncFinalize", Section: "4.3.2", Title: "Notification", Hash: "sha256:bb", Excerpt: "The order carries the URL.", File: "docs/CPS.md", Line: 61},
		{Flag: "ECDSAForAll", Section: "6.1.5", Title: "Key sizes", Hash: "sha256:cc", Excerpt: "RSA 3072 or more.", File: "docs/CPS.md", Line: 88},
	},
}

var passing = &result.Result{
	Pass: true, Base: "0123456789abcdef0123456789abcdef01234567", Head: "STAGED",
	Findings: []result.Finding{}, FlagChanges: []result.FlagChange{}, CPSChanges: []result.CPSChange{}, Missing: []result.Missing{},
}

func TestReporters(t *testing.T) {
	for _, tc := range []struct {
		golden   string
		reporter Reporter
		res      *result.Result
	}{
		{"failing.txt", Text{}, failing},
		{"failing-color.txt", Text{Color: true}, failing},
		{"passing.txt", Text{}, passing},
		{"failing.json", JSON{}, failing},
		{"passing.json", JSON{}, passing},
		{"failing.github", GitHub{}, failing},
		{"passing.github", GitHub{}, passing},
		{"hostile.github", GitHub{}, hostile},
		{"failing.md", Markdown{}, failing},
		{"passing.md", Markdown{}, passing},
		{"hostile.md", Markdown{}, hostile},
		{"truncated.md", Markdown{Limit: 1200}, failing},
		{"failing.sarif", SARIF{ToolVersion: "1.2.3", Rules: testRules}, failing},
		{"passing.sarif", SARIF{ToolVersion: "1.2.3", Rules: testRules}, passing},
		{"hostile.sarif", SARIF{ToolVersion: "1.2.3", Rules: testRules}, hostile},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.reporter.Report(&buf, tc.res); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.golden)
			golden.Check(t, path, buf.String(), *update)
		})
	}
}

func TestFor(t *testing.T) {
	if _, err := For("json"); err != nil {
		t.Errorf("For(json): %v", err)
	}
	_, err := For("xml")
	if diff := cmp.Diff(err.Error(), `unknown format "xml" (known: [github json markdown sarif text])`); diff != "" {
		t.Errorf("For(xml) error mismatch (-got +want):\n%s", diff)
	}
}

// testRules stands in for the policies' METADATA in the SARIF goldens, so
// that editing a policy's description does not change them.
var testRules = []RuleDoc{
	{ID: "missing_review", Description: "A changed flag has a review of each linked section.\nSo the CA checks. More text.", Enforces: "Mozilla Root Store Policy §3.3"},
	{ID: "stale_review", Description: "Reviews match the section text at head.", Enforces: "BR 2.2"},
}

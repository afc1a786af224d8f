package main

import (
	"bytes"
	"encoding/json"
	"github.com/cpsgate/cpsgate/internal/golden"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// reportCommit is one scripted commit of the report's test history.
type reportCommit struct {
	date, author, message string
	edit                  func(tb testing.TB, dir string)
}

// writeReportRepo builds, in dir, the example CA of the demo and a scripted
// history around the first quarter of 2026: a flag added with its review in
// the squash-merge message, enabled with a "CPS Compliance Review:"
// paragraph, another enabled in production without review and reviewed
// later in the registry, a CPS edit under that reviewed flag (new version
// 2.2, not re-reviewed), an unrelated commit, a flag enabled without any
// review, and one commit after the quarter.
func writeReportRepo(tb testing.TB, dir string) {
	tb.Helper()
	sub, err := fs.Sub(demoFiles, "demo")
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.CopyFS(dir, sub); err != nil {
		tb.Fatal(err)
	}
	reportGit(tb, dir, "", "", "init", "-q", "-b", "main")
	for _, c := range reportHistory {
		if c.edit != nil {
			c.edit(tb, dir)
		}
		reportGit(tb, dir, c.date, c.author, "add", "-A")
		reportGit(tb, dir, c.date, c.author, "commit", "-q", "-m", c.message)
	}
}

var reportHistory = []reportCommit{
	{date: "2025-12-15T10:00:00Z", author: "carol", message: "Adopt cpsgate for the example CA",
		edit: func(tb testing.TB, dir string) { // reviews dated before the history
			reportReplace(tb, dir, "flags/registry.yaml", "date: 2026-03-02", "date: 2025-11-20")
			reportReplace(tb, dir, "flags/registry.yaml", "date: 2026-01-15", "date: 2025-10-15")
			reportReplace(tb, dir, "flags/registry.yaml", "date: 2026-05-20", "date: 2025-11-25")
		}},
	{date: "2026-01-12T09:30:00Z", author: "dave", message: "Add the StrictCAA flag (#11)\n\n" +
		"Checks CAA records strictly.\n\n```cps-review\nflag: StrictCAA\nreviewer: erin\ndate: 2026-01-11\nsections: [\"3.2.2\"]\nverdict: compliant\nnotes: Strict CAA checking is part of domain validation.\n```\n",
		edit: func(tb testing.TB, dir string) {
			reportReplace(tb, dir, "features/features.go", "\tECDSAForAll bool\n", "\tECDSAForAll bool\n\n\t// StrictCAA treats a CAA lookup failure as a refusal to issue.\n\tStrictCAA bool\n")
			reportAppend(tb, dir, "flags/registry.yaml", "  - name: StrictCAA\n    description: Treat a CAA lookup failure as a refusal.\n    owner: \"@example-ca/dev\"\n    status: proposed\n    cps: [\"3.2.2\"]\n")
		}},
	{date: "2026-01-26T14:00:00Z", author: "dave", message: "Enable StrictCAA in staging (#12)\n\n" +
		"CPS Compliance Review: StrictCAA in staging matches 3.2.2 | the validation text.\n",
		edit: func(tb testing.TB, dir string) {
			reportReplace(tb, dir, "deploy/staging.json", `"ECDSAForAll": true`, `"ECDSAForAll": true,`+"\n      \"StrictCAA\": true")
		}},
	{date: "2026-02-09T11:15:00Z", author: "frank", message: "Enable AsyncFinalize in production (#13)",
		edit: func(tb testing.TB, dir string) {
			reportReplace(tb, dir, "deploy/prod.json", `"AsyncFinalize": false`, `"AsyncFinalize": true`)
		}},
	// frank records carol's review (carol recording her own would be the
	// change's author claiming it: self_review, as check has it).
	{date: "2026-02-16T16:45:00Z", author: "frank", message: "Record the review of AsyncFinalize in production (#14)",
		edit: func(tb testing.TB, dir string) {
			reportReplace(tb, dir, "flags/registry.yaml", "        notes: Reviewed for the staging rollout.\n",
				"        notes: Reviewed for the staging rollout.\n      - date: 2026-02-16\n        reviewer: carol\n        sections: [\"4.3.1\", \"4.3.2\"]\n        verdict: compliant\n        cps_version: \"2.1\"\n        notes: Production rollout; the order becomes valid only after issuance.\n")
		}},
	{date: "2026-03-02T08:00:00Z", author: "grace", message: "CPS 2.2: issue only after CAA is rechecked (#15)",
		edit: func(tb testing.TB, dir string) {
			reportReplace(tb, dir, "docs/CPS.md", `version: "2.1"`, `version: "2.2"`)
			reportReplace(tb, dir, "docs/CPS.md", "is valid and the CSR passes linting.", "is valid, CAA has been rechecked and the CSR passes linting.")
		}},
	{date: "2026-03-09T12:00:00Z", author: "carol", message: "Add a README",
		edit: func(tb testing.TB, dir string) {
			reportWrite(tb, dir, "README.md", "# Example CA\n")
		}},
	{date: "2026-03-16T17:20:00Z", author: "frank", message: "Turn on ECDSAForAll in production",
		edit: func(tb testing.TB, dir string) {
			reportReplace(tb, dir, "deploy/prod.json", `"MultiPerspectiveValidation": true`, `"MultiPerspectiveValidation": true,`+"\n      \"ECDSAForAll\": true")
		}},
	{date: "2026-04-06T09:00:00Z", author: "frank", message: "After the quarter: disable StrictCAA in staging (#16)",
		edit: func(tb testing.TB, dir string) {
			reportReplace(tb, dir, "deploy/staging.json", `"StrictCAA": true`, `"StrictCAA": false`)
		}},
}

func reportGit(tb testing.TB, dir, date, author string, args ...string) string {
	tb.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME="+author, "GIT_AUTHOR_EMAIL="+author+"@example.org",
		"GIT_COMMITTER_NAME="+author, "GIT_COMMITTER_EMAIL="+author+"@example.org",
		"GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func reportWrite(tb testing.TB, dir, name, content string) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func reportAppend(tb testing.TB, dir, name, content string) {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		tb.Fatal(err)
	}
	reportWrite(tb, dir, name, string(data)+content)
}

func reportReplace(tb testing.TB, dir, name, old, new string) {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		tb.Fatal(err)
	}
	if n := strings.Count(string(data), old); n != 1 {
		tb.Fatalf("%s: %q occurs %d times, want once", name, old, n)
	}
	reportWrite(tb, dir, name, strings.Replace(string(data), old, new, 1))
}

// runReport runs the report command in process and returns its exit code,
// stdout and stderr.
func runReport(dir string, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := Main(append([]string{"-C", dir, "report"}, args...), nil, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestReportGolden renders the report of the first quarter of the scripted
// history in every format and compares it with the golden files in
// testdata/report (rewritten with -update).
func TestReportGolden(t *testing.T) {
	dir := t.TempDir()
	writeReportRepo(t, dir)
	for _, tc := range []struct{ format, golden string }{
		{"md", "quarter.md"},
		{"html", "quarter.html"},
		{"json", "quarter.json"},
		{"csv", "quarter-events.csv"},
		{"matrix-csv", "quarter-matrix.csv"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			code, got, stderr := runReport(dir, "--from", "2026-01-01", "--to", "2026-03-31", "--format", tc.format)
			if code != ExitDeny {
				t.Fatalf("exit %d, want %d (unreviewed changes); stderr:\n%s", code, ExitDeny, stderr)
			}
			if stderr != "" {
				t.Errorf("stderr is not empty:\n%s", stderr)
			}
			path := filepath.Join("testdata", "report", tc.golden)
			golden.Check(t, path, got, *update)
		})
	}
}

// TestReportDecisions checks, on the JSON report, what the history is
// about: which events were reviewed, by whom, and what is left unreviewed.
func TestReportDecisions(t *testing.T) {
	dir := t.TempDir()
	writeReportRepo(t, dir)
	code, out, stderr := runReport(dir, "--from", "2026-01-01", "--to", "2026-03-31", "--format", "json")
	if code != ExitDeny {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	var rep struct {
		Events []struct {
			PR          int    `json:"pr"`
			Author      string `json:"author"`
			Subject     string `json:"subject"`
			Change      string `json:"change"`
			Flag        string `json:"flag"`
			Section     string `json:"section"`
			Environment string `json:"environment"`
			NeedsReview bool   `json:"needs_review"`
			Reviewed    bool   `json:"reviewed"`
			ReviewedBy  []struct {
				Reviewer string `json:"reviewer"`
				Late     bool   `json:"late"`
			} `json:"reviewed_by"`
		} `json:"events"`
		Unreviewed []struct {
			Flag, Section string
		} `json:"unreviewed"`
		Flags []struct {
			Name       string `json:"name"`
			LastReview *struct {
				Reviewer     string   `json:"reviewer"`
				Stale        bool     `json:"stale"`
				ChangedSince []string `json:"changed_since"`
			} `json:"last_review"`
		} `json:"flags"`
		Versions []struct{ Version, Since string } `json:"cps_versions"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	type ev struct {
		PR                     int
		Author, What, Reviewer string
		Needs, Reviewed, Late  bool
	}
	var got []ev
	for _, e := range rep.Events {
		what := e.Subject + " " + e.Change + " " + e.Flag + e.Section + " " + e.Environment
		x := ev{PR: e.PR, Author: e.Author, What: strings.TrimSpace(what), Needs: e.NeedsReview, Reviewed: e.Reviewed}
		if len(e.ReviewedBy) > 0 {
			x.Reviewer, x.Late = e.ReviewedBy[0].Reviewer, e.ReviewedBy[0].Late
		}
		got = append(got, x)
	}
	want := []ev{
		{11, "dave", "flag added StrictCAA", "erin", true, true, false},
		{11, "dave", "review added StrictCAA", "", false, false, false},
		// dave's review of his own change does not count (self_review).
		{12, "dave", "flag enabled StrictCAA deploy/staging.json", "", true, false, false},
		{12, "dave", "review added StrictCAA", "", false, false, false},
		{13, "frank", "flag enabled AsyncFinalize deploy/prod.json", "carol", true, true, true},
		{14, "frank", "review added AsyncFinalize", "", false, false, false},
		{15, "grace", "section modified 4.3.1", "", true, false, false},
		{0, "frank", "flag enabled ECDSAForAll deploy/prod.json", "", true, false, false},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("events (-got +want):\n%s", diff)
	}
	if len(rep.Unreviewed) != 3 {
		t.Errorf("unreviewed: %d events, want 3", len(rep.Unreviewed))
	}
	for _, f := range rep.Flags {
		if f.Name != "AsyncFinalize" {
			continue
		}
		if f.LastReview == nil || !f.LastReview.Stale || !slicesEqual(f.LastReview.ChangedSince, []string{"4.3.1"}) {
			t.Errorf("AsyncFinalize last review: %+v, want stale since 4.3.1 changed", f.LastReview)
		}
	}
	if diff := cmp.Diff(rep.Versions, []struct{ Version, Since string }{{"2.1", "2026-01-01"}, {"2.2", "2026-03-02"}}); diff != "" {
		t.Errorf("versions (-got +want):\n%s", diff)
	}
}

func slicesEqual(a, b []string) bool { return cmp.Equal(a, b) }

// TestReportReproducible: the same range gives byte-identical output, on
// stdout and with -o, and a ref range gives the same events as the dates.
func TestReportReproducible(t *testing.T) {
	dir := t.TempDir()
	writeReportRepo(t, dir)
	args := []string{"--from", "2026-01-01", "--to", "2026-03-31", "--format", "html"}
	_, first, _ := runReport(dir, args...)
	_, second, _ := runReport(dir, args...)
	if first != second {
		t.Fatal("two runs over the same range differ")
	}
	out := filepath.Join(t.TempDir(), "report.html")
	if code, stdout, stderr := runReport(dir, append(args, "-o", out)...); code != ExitDeny || stdout != "" {
		t.Fatalf("-o: exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != first {
		t.Error("-o wrote something else than stdout")
	}
}

package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// chromium returns the path of a headless-capable Chromium, skipping the
// test when there is none unless CPSGATE_REQUIRE_CHROMIUM=1 (as in CI).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CPSGATE_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("chromium is not on PATH and CPSGATE_REQUIRE_CHROMIUM=1")
	}
	t.Skip("chromium is not on PATH (set CPSGATE_REQUIRE_CHROMIUM=1 to make this a failure)")
	return ""
}

// runChromium runs headless Chromium with HOME in a temporary directory and
// returns its standard output.
func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	home := t.TempDir()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--user-data-dir=" + filepath.Join(home, "profile")}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+home)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes()
}

// TestReportHTMLInChromium opens the HTML report in headless Chromium: the
// screenshot decodes and is not blank, and the DOM holds the tables.
func TestReportHTMLInChromium(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	writeReportRepo(t, dir)
	out := t.TempDir()
	page := filepath.Join(out, "report.html")
	if code, _, stderr := runReport(dir, "--from", "2026-01-01", "--to", "2026-03-31", "--format", "html", "-o", page); code != ExitDeny {
		t.Fatalf("report: exit %d\n%s", code, stderr)
	}
	shot := filepath.Join(out, "report.png")
	if keep := os.Getenv("CPSGATE_SCREENSHOT"); keep != "" {
		shot = keep
	}
	screenshotNotBlank(t, bin, shot, "1280,2000", "file://"+page)

	dom := string(runChromium(t, bin, "--dump-dom", "file://"+page))
	for _, want := range []string{
		"<h2>Events</h2>", "<h2>Flags</h2>", "<h2>Unreviewed changes</h2>", "<h2>Traceability matrix</h2>",
		`<table class="matrix">`, `<table class="events">`, "ECDSAForAll enabled in deploy/prod.json",
		"<svg", `class="bar"`,
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the DOM lacks %q", want)
		}
	}
	if n := strings.Count(dom, "<table"); n < 6 {
		t.Errorf("the DOM has %d tables, want at least 6", n)
	}
}

// TestReportTraceabilityInChromium renders, in headless Chromium, the
// traceability matrix of a period whose repository links Go tests to CPS
// sections: the DOM holds each linked test in its section's row with the
// last result that --test-results gives, and the coverage figure.
func TestReportTraceabilityInChromium(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	writeReportRepo(t, dir)
	reportReplace(t, dir, ".cpsgate.yaml", "policies: []", "  - kind: go-test\n    glob: \"ca/**/*_test.go\"\npolicies: []")
	if err := os.MkdirAll(filepath.Join(dir, "ca"), 0o755); err != nil {
		t.Fatal(err)
	}
	reportWrite(t, dir, "ca/caa_test.go", "package ca\n\nimport \"testing\"\n\n// cps: 3.2.2\nfunc TestCAARecheck(t *testing.T) {}\n\n"+
		"// cps: 4.3.1\nfunc TestIssueAfterLint(t *testing.T) { t.Skip(\"fixture\") }\n\nfunc TestKeySizes(t *testing.T) {}\n")
	reportAppend(t, dir, "flags/registry.yaml", "sections:\n  - id: \"6.1.5\"\n    requires_test: true\n    tests: [\"TestKeySize*\"]\n")
	reportGit(t, dir, "2026-04-20T10:00:00Z", "carol", "add", "-A")
	reportGit(t, dir, "2026-04-20T10:00:00Z", "carol", "commit", "-q", "-m", "Link the tests to the CPS (#20)")
	out := t.TempDir()
	results := filepath.Join(out, "results.json")
	reportWrite(t, out, "results.json", `{"Action":"pass","Package":"example.org/ca/ca","Test":"TestCAARecheck","Elapsed":0.1}`+"\n"+
		`{"Action":"fail","Package":"example.org/ca/ca","Test":"TestKeySizes","Elapsed":0.2}`+"\n")
	page := filepath.Join(out, "report.html")
	if code, _, stderr := runReport(dir, "--from", "2026-04-01", "--to", "2026-06-30", "--format", "html", "-o", page, "--test-results", results); code == ExitError {
		t.Fatalf("report: exit %d\n%s", code, stderr)
	}
	dom := string(runChromium(t, bin, "--dump-dom", "file://"+page))
	for _, want := range []string{
		`<h2 id="traceability">Traceability: sections → flags, parameters, tests, reviews</h2>`,
		`<table class="trace">`,
		`<span class="test ok">TestCAARecheck (pass)</span>`,
		`<span class="test bad">TestIssueAfterLint (not run, calls t.Skip)</span>`,
		`<span class="test bad">TestKeySizes (fail)</span>`,
		`<p class="note coverage">No CPS section states a requirement (MUST, SHALL or REQUIRED).</p>`,
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the DOM lacks %q", want)
		}
	}
	// Each test sits in the row of its section.
	trace := dom[max(strings.Index(dom, `<table class="trace">`), 0):]
	for _, row := range []struct{ section, test string }{{"3.2.2", "TestCAARecheck"}, {"4.3.1", "TestIssueAfterLint"}, {"6.1.5", "TestKeySizes"}} {
		i := strings.Index(trace, "<td class=\"nowrap\">§"+row.section+"<")
		j := strings.Index(trace[max(i, 0):], "</tr>")
		if i < 0 || j < 0 || !strings.Contains(trace[i:i+j], row.test) {
			t.Errorf("the row of §%s does not hold %s", row.section, row.test)
		}
	}
	shot := filepath.Join(out, "trace.png")
	if keep := os.Getenv("CPSGATE_TRACE_SCREENSHOT"); keep != "" {
		shot = keep
	}
	screenshotNotBlank(t, bin, shot, "1280,4000", "file://"+page+"#traceability")
}

// distinctColours counts the colours of a grid of samples, every step pixels.
func distinctColours(img image.Image, step int) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += step {
		for x := b.Min.X; x < b.Max.X; x += step {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}

// screenshotNotBlank has Chromium take a screenshot of url into shot, and
// fails when it is not a PNG or looks blank.
func screenshotNotBlank(t *testing.T, bin, shot, size, url string) {
	t.Helper()
	runChromium(t, bin, "--hide-scrollbars", "--window-size="+size, "--screenshot="+shot, url)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if colours := distinctColours(img, 16); colours < 8 {
		t.Errorf("screenshot has %d distinct colours (sampled): blank?", colours)
	}
}

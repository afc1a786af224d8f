package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The period of the generated histories.
const (
	yearFirstDate = "2025-01-01"
	yearLastDate  = "2025-12-31"
)

// yearShape is the shape of a generated history: commits first-parent
// commits over 2025, of which relevant touch flags, registry or CPS.
type yearShape struct{ commits, relevant int }

// year is the history of BenchmarkReportYear.
var year = yearShape{commits: 7000, relevant: 200}

func (s yearShape) String() string {
	return fmt.Sprintf("commits=%d/relevant=%d", s.commits, s.relevant)
}

// reportBenchPaths are the paths the report reads in the generated
// repository, for the git log -p yardstick.
var reportBenchPaths = []string{".cpsgate.yaml", "deploy", "docs/CPS.md", "features", "flags/registry.yaml"}

// writeYearRepo generates, with one git fast-import, the boulder-scale
// repository of writeBenchRepo followed by a year of history: s.commits
// commits, every s.commits/s.relevant-th of which edits a CPS section,
// flips a flag in a deployment config, records a review in the registry or
// rewords a flag's doc comment; the others edit unrelated code. It returns
// the id of the commit before the year.
func writeYearRepo(tb testing.TB, dir string, s yearShape) (base string) {
	tb.Helper()
	git := func(stdin io.Reader, args ...string) string {
		tb.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Stdin = stdin
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			tb.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	git(nil, "init", "-q", "-b", "main")

	pr, pw := io.Pipe()
	done := make(chan string, 1)
	go func() {
		var out strings.Builder
		cmd := exec.Command("git", "fast-import", "--quiet", "--done")
		cmd.Dir, cmd.Stdin, cmd.Stdout, cmd.Stderr = dir, pr, &out, &out
		if err := cmd.Run(); err != nil {
			done <- fmt.Sprintf("git fast-import: %v\n%s", err, out.String())
			pr.CloseWithError(err)
			return
		}
		done <- ""
	}()
	w := bufio.NewWriterSize(pw, 1<<20)
	ids := benchSectionIDs()
	extra := map[string]int{}     // section -> sentences added
	enabled := map[[2]int]bool{}  // {env, flag} -> turned on
	reviews := map[int][]string{} // flag -> extra review dates
	reworded := map[int]int{}     // flag -> doc rewordings
	file := func(name, content string) {
		fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n%s\n", name, len(content), content)
	}
	commit := func(mark int, when time.Time, msg string) {
		fmt.Fprintf(w, "commit refs/heads/main\nmark :%d\n", mark)
		fmt.Fprintf(w, "author bench <bench@example.org> %d +0000\ncommitter bench <bench@example.org> %d +0000\n", when.Unix(), when.Unix())
		fmt.Fprintf(w, "data %d\n%s\n", len(msg), msg)
	}

	start, _ := time.Parse(time.DateOnly, yearFirstDate)
	commit(1, start.AddDate(0, -1, 0), "base")
	file(".cpsgate.yaml", "cps:\n  - path: docs/CPS.md\nregistry: flags/registry.yaml\nsources:\n"+
		"  - kind: go-struct\n    path: features/features.go\n    type: Config\n"+
		"  - kind: config\n    glob: \"deploy/**/*.json\"\n    key: features\n")
	file("docs/CPS.md", yearCPS(ids, extra))
	file("features/features.go", yearFeatures(reworded))
	for env := range benchConfigs {
		file(fmt.Sprintf("deploy/env%02d/config.json", env), yearConfig(env, enabled))
	}
	file("flags/registry.yaml", yearRegistry(ids, reviews))
	for i := range 40 {
		file(fmt.Sprintf("pkg/p%02d/p.go", i), fmt.Sprintf("package p%02d\n\nfunc F() int { return %d }\n", i, i))
	}

	step := 365 * 24 * time.Hour / time.Duration(s.commits)
	every := s.commits / s.relevant
	for i := range s.commits {
		when := start.Add(time.Duration(i) * step)
		mark := i + 2
		if i%every != every-1 {
			commit(mark, when, fmt.Sprintf("Refactor package p%02d, change %d", i%40, i))
			file(fmt.Sprintf("pkg/p%02d/p.go", i%40), fmt.Sprintf("package p%02d\n\nfunc F() int { return %d }\n", i%40, i))
			continue
		}
		k := i / every // 0..s.relevant-1
		flag := (k * 7) % benchFlags
		switch k % 4 {
		case 0:
			id := ids[(flag*5)%len(ids)] // a section the flag links
			extra[id]++
			commit(mark, when, fmt.Sprintf("CPS: clarify %s (#%d)", id, 1000+k))
			file("docs/CPS.md", yearCPS(ids, extra))
		case 1:
			env := k % benchConfigs
			enabled[[2]int{env, flag}] = !enabled[[2]int{env, flag}]
			msg := fmt.Sprintf("Flip Flag%02d in env%02d (#%d)", flag, env, 1000+k)
			if k%8 == 1 {
				msg += fmt.Sprintf("\n\n```cps-review\nflag: Flag%02d\nreviewer: dana\nsections: [%q, %q, %q]\nverdict: compliant\n```\n",
					flag, ids[(flag*5)%len(ids)], ids[(flag*5+1)%len(ids)], ids[(flag*5+2)%len(ids)])
			}
			commit(mark, when, msg)
			file(fmt.Sprintf("deploy/env%02d/config.json", env), yearConfig(env, enabled))
		case 2:
			reviews[flag] = append(reviews[flag], when.Format(time.DateOnly))
			commit(mark, when, fmt.Sprintf("Record the review of Flag%02d (#%d)", flag, 1000+k))
			file("flags/registry.yaml", yearRegistry(ids, reviews))
		case 3:
			reworded[flag]++
			commit(mark, when, fmt.Sprintf("Reword Flag%02d (#%d)", flag, 1000+k))
			file("features/features.go", yearFeatures(reworded))
		}
	}
	fmt.Fprintf(w, "done\n")
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	pw.Close()
	if msg := <-done; msg != "" {
		tb.Fatal(msg)
	}
	git(nil, "reset", "-q", "--hard", "main")
	return git(nil, "rev-parse", "main~"+fmt.Sprint(s.commits))
}

func yearCPS(ids []string, extra map[string]int) string {
	var b strings.Builder
	b.WriteString("# Generated CP/CPS\n\nThis document is generated for benchmarks.\n\n")
	for _, id := range ids {
		level := strings.Count(id, ".") + 1
		fmt.Fprintf(&b, "%s %s Section title for %s\n\n", strings.Repeat("#", level), id, id)
		fmt.Fprintf(&b, "The CA performs the practice described in section %s as follows. It keeps records of every\n"+
			"action, reviews them monthly, and reports any deviation to the Policy Management Authority\n"+
			"within seven days. Subscribers are notified where the practice affects them directly.\n\n", id)
		for n := range extra[id] {
			fmt.Fprintf(&b, "Clarification %d: the CA also publishes a summary of these records.\n\n", n+1)
		}
	}
	return b.String()
}

func yearFeatures(reworded map[int]int) string {
	var b strings.Builder
	b.WriteString("// Package features holds the generated flags.\npackage features\n\n// Config holds the feature flags.\ntype Config struct {\n")
	for i := range benchFlags {
		name := fmt.Sprintf("Flag%02d", i)
		fmt.Fprintf(&b, "\t// %s changes behaviour number %d of the CA (revision %d).\n\t%s bool\n\n", name, i, reworded[i], name)
	}
	b.WriteString("\tName string\n}\n")
	return b.String()
}

func yearConfig(env int, enabled map[[2]int]bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{\n  \"env\": \"env%02d\",\n  \"ra\": {\n    \"maxNames\": 100,\n    \"features\": {\n", env)
	var entries []string
	for i := range benchFlags {
		on := i%3 == 0
		if enabled[[2]int{env, i}] {
			on = !on
		}
		entries = append(entries, fmt.Sprintf("      \"Flag%02d\": %t", i, on))
	}
	b.WriteString(strings.Join(entries, ",\n"))
	b.WriteString("\n    }\n  }\n}\n")
	return b.String()
}

func yearRegistry(ids []string, reviews map[int][]string) string {
	var b strings.Builder
	b.WriteString("flags:\n")
	for i := range benchFlags {
		links := []string{ids[(i*5)%len(ids)], ids[(i*5+1)%len(ids)], ids[(i*5+2)%len(ids)]}
		fmt.Fprintf(&b, "  - name: Flag%02d\n    description: Generated flag %d.\n    owner: \"@ca/dev\"\n    status: active\n    cps: [%q, %q, %q]\n", i, i, links[0], links[1], links[2])
		fmt.Fprintf(&b, "    reviews:\n      - date: 2024-11-%02d\n        reviewer: carol\n        sections: [%q, %q, %q]\n        verdict: compliant\n", i%28+1, links[0], links[1], links[2])
		for _, date := range reviews[i] {
			fmt.Fprintf(&b, "      - date: %s\n        reviewer: erin\n        sections: [%q, %q, %q]\n        verdict: compliant\n", date, links[0], links[1], links[2])
		}
	}
	return b.String()
}

// BenchmarkReportYear measures the report over one year of a generated
// history of 7,000 commits (200 touching flags, registry or CPS) side by
// side with `git log -p --first-parent` over the same paths and range. The
// target: the report takes at most twice as long; the side-by-side
// sub-benchmark reports the ratio. Run it with
//
//	go test ./cmd/cpsgate -run '^$' -bench ReportYear -benchtime 5x
func BenchmarkReportYear(b *testing.B) {
	asTheBinary(b)
	dir := filepath.Join(b.TempDir(), "repo")
	base := writeYearRepo(b, dir, year)
	args := []string{"-C", dir, "report", "--from", yearFirstDate, "--to", yearLastDate, "--format", "md"}
	if code := Main(args, nil, io.Discard, os.Stderr); code != ExitDeny && code != ExitPass {
		b.Fatalf("report exited %d", code)
	}
	gitArgs := append([]string{"log", "-p", "--first-parent", base + "..main", "--"}, reportBenchPaths...)
	var reportTime, gitTime time.Duration
	b.Run("report", func(b *testing.B) {
		for b.Loop() {
			if code := Main(args, nil, io.Discard, io.Discard); code == ExitError {
				b.Fatal("report failed")
			}
		}
		reportTime = b.Elapsed() / time.Duration(b.N)
	})
	b.Run("git-log-p", func(b *testing.B) {
		for b.Loop() {
			cmd := exec.Command("git", gitArgs...)
			cmd.Dir = dir
			cmd.Stdout = io.Discard
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
		}
		gitTime = b.Elapsed() / time.Duration(b.N)
	})
	if gitTime > 0 {
		b.Logf("report %v, git log -p %v, ratio %.2f (target <= 2)", reportTime, gitTime, float64(reportTime)/float64(gitTime))
	}
	// The two interleaved, iteration by iteration, so that the load of a
	// shared machine weighs on both alike: the ratio to compare with 2.
	b.Run("side-by-side", func(b *testing.B) {
		var rep, log time.Duration
		for b.Loop() {
			t0 := time.Now()
			if code := Main(args, nil, io.Discard, io.Discard); code == ExitError {
				b.Fatal("report failed")
			}
			t1 := time.Now()
			cmd := exec.Command("git", gitArgs...)
			cmd.Dir = dir
			cmd.Stdout = io.Discard
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
			rep, log = rep+t1.Sub(t0), log+time.Since(t1)
		}
		n := float64(b.N)
		b.ReportMetric(float64(rep.Milliseconds())/n, "report-ms/op")
		b.ReportMetric(float64(log.Milliseconds())/n, "gitlog-ms/op")
		b.ReportMetric(float64(rep)/float64(log), "ratio")
	})
}

// BenchmarkReportScale runs the built binary's report as a process over
// generated histories of 7,000 and 70,000 commits, with 200 in 7,000 or
// one in ten touching flags, registry or CPS, interleaved iteration by
// iteration with `git log -p --first-parent` over the same range and paths,
// and reports both wall times, their ratio (issue 15's target: <= 1.5 at
// 70,000 commits) and the report's peak RSS (target: <= 256 MB). Run it with
//
//	go test ./cmd/cpsgate -run '^$' -bench ReportScale -benchtime 3x -timeout 60m
func BenchmarkReportScale(b *testing.B) {
	bin := buildBinary(b)
	for _, s := range []yearShape{
		{commits: 7000, relevant: 200},
		{commits: 7000, relevant: 700},
		{commits: 70000, relevant: 2000},
		{commits: 70000, relevant: 7000},
	} {
		b.Run(s.String(), func(b *testing.B) {
			dir := filepath.Join(b.TempDir(), "repo")
			base := writeYearRepo(b, dir, s)
			args := []string{"-C", dir, "report", "--from", yearFirstDate, "--to", yearLastDate, "--format", "md"}
			gitArgs := append([]string{"log", "-p", "--first-parent", base + "..main", "--"}, reportBenchPaths...)
			var rep, log, cpu time.Duration
			var maxRSS int64
			b.ResetTimer()
			for b.Loop() {
				cmd := exec.Command(bin, args...)
				var stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = io.Discard, &stderr
				t0 := time.Now()
				err := cmd.Run()
				t1 := time.Now()
				if code := cmd.ProcessState.ExitCode(); code != ExitPass && code != ExitDeny {
					b.Fatalf("report exited %d: %v\n%s", code, err, stderr.String())
				}
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > maxRSS {
					maxRSS = ru.Maxrss
				}
				g := exec.Command("git", gitArgs...)
				g.Dir, g.Stdout = dir, io.Discard
				if err := g.Run(); err != nil {
					b.Fatal(err)
				}
				rep, log = rep+t1.Sub(t0), log+time.Since(t1)
			}
			n := float64(b.N)
			b.ReportMetric(rep.Seconds()/n, "report-s/op")
			b.ReportMetric(cpu.Seconds()/n, "report-cpu-s/op")
			b.ReportMetric(log.Seconds()/n, "gitlog-s/op")
			b.ReportMetric(float64(rep)/float64(log), "ratio")
			b.ReportMetric(float64(maxRSS)/1024, "MB-peak-rss")
		})
	}
}

// BenchmarkReportYearDir runs the report in process over the history that
// TestWriteYearRepo wrote, for profiling (-cpuprofile, -memprofile):
//
//	CPSGATE_YEAR_REPO=/tmp/year70k CPSGATE_YEAR_SHAPE=70000,2000 go test ./cmd/cpsgate -run WriteYearRepo
//	CPSGATE_YEAR_REPO=/tmp/year70k go test ./cmd/cpsgate -run '^$' -bench ReportYearDir -cpuprofile cpu.out
func BenchmarkReportYearDir(b *testing.B) {
	dir := os.Getenv("CPSGATE_YEAR_REPO")
	if dir == "" {
		b.Skip("CPSGATE_YEAR_REPO not set")
	}
	asTheBinary(b)
	args := []string{"-C", dir, "report", "--from", yearFirstDate, "--to", yearLastDate, "--format", "md"}
	for b.Loop() {
		if code := Main(args, nil, io.Discard, os.Stderr); code != ExitPass && code != ExitDeny {
			b.Fatalf("report exited %d", code)
		}
	}
}

// TestWriteYearRepo writes the benchmark's history to $CPSGATE_YEAR_REPO,
// to inspect it, time git on it by hand or profile the report on it
// (BenchmarkReportYearDir); $CPSGATE_YEAR_SHAPE (commits,relevant) sets
// its shape (default 7000,200). It is skipped without $CPSGATE_YEAR_REPO.
func TestWriteYearRepo(t *testing.T) {
	dir := os.Getenv("CPSGATE_YEAR_REPO")
	if dir == "" {
		t.Skip("set CPSGATE_YEAR_REPO to a new directory to write the benchmark history there")
	}
	s := year
	if spec := os.Getenv("CPSGATE_YEAR_SHAPE"); spec != "" {
		if _, err := fmt.Sscanf(spec, "%d,%d", &s.commits, &s.relevant); err != nil || s.relevant <= 0 || s.relevant > s.commits {
			t.Fatalf("CPSGATE_YEAR_SHAPE=%q: want commits,relevant (0 < relevant <= commits)", spec)
		}
	}
	base := writeYearRepo(t, dir, s)
	t.Logf("wrote %s (%v); the year starts after %s", dir, s, base)
}

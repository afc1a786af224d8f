package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/cpsgate/cpsgate/internal/gctune"
)

// boulderScale describes the generated repository of the benchmarks: a CPS of
// about 85 KB with about 280 sections, 50 flags in a Go struct, 30 JSON
// configuration files and a registry linking every flag to 2-3 sections.
const (
	benchFlags   = 50
	benchConfigs = 30
)

// writeBenchRepo generates the repository in dir with two commits on main
// and a change on branch "change"; it returns the file of a PR body with
// reviews for part of the change.
func writeBenchRepo(tb testing.TB, dir string) (body string) {
	tb.Helper()
	git := func(args ...string) {
		tb.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@example.org",
			"GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@example.org")
		if out, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(name, content string) {
		tb.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	ids := benchSectionIDs()
	write(".cpsgate.yaml", "cps:\n  - path: docs/CPS.md\nregistry: flags/registry.yaml\nsources:\n"+
		"  - kind: go-struct\n    path: features/features.go\n    type: Config\n"+
		"  - kind: config\n    glob: \"deploy/**/*.json\"\n    key: features\n")
	write("docs/CPS.md", benchCPS(ids, ""))
	write("features/features.go", benchFeatures(""))
	for i := range benchConfigs {
		write(fmt.Sprintf("deploy/env%02d/config.json", i), benchConfig(i, -1))
	}
	write("flags/registry.yaml", benchRegistry(ids))
	for i := range 40 { // unrelated code, as a real repository has
		write(fmt.Sprintf("pkg/p%02d/p.go", i), fmt.Sprintf("package p%02d\n\nfunc F() int { return %d }\n", i, i))
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "base")
	git("checkout", "-q", "-b", "change")
	write("docs/CPS.md", benchCPS(ids, ids[100]))
	write("features/features.go", benchFeatures("Flag07"))
	for i := range 3 {
		write(fmt.Sprintf("deploy/env%02d/config.json", i), benchConfig(i, 13)) // off at base
	}
	git("commit", "-q", "-am", "change")
	body = filepath.Join(dir, "..", "body.md")
	var b strings.Builder
	for _, f := range []int{7, 13} {
		fmt.Fprintf(&b, "```cps-review\nflag: Flag%02d\nreviewer: alice\nsections: [%q, %q, %q]\nverdict: compliant\n```\n\n",
			f, ids[(f*5)%len(ids)], ids[(f*5+1)%len(ids)], ids[(f*5+2)%len(ids)])
	}
	write(filepath.Join("..", "body.md"), b.String())
	return body
}

func benchSectionIDs() []string {
	var ids []string
	for ch := 1; len(ids) < 280; ch++ {
		ids = append(ids, fmt.Sprint(ch))
		for s := 1; s <= 6; s++ {
			ids = append(ids, fmt.Sprintf("%d.%d", ch, s))
			for ss := 1; ss <= 4; ss++ {
				ids = append(ids, fmt.Sprintf("%d.%d.%d", ch, s, ss))
			}
		}
	}
	return ids[:280]
}

// benchCPS writes ~300 bytes of prose per section; the section named
// changed gets one more sentence.
func benchCPS(ids []string, changed string) string {
	return yearCPS(ids, map[string]int{changed: 1})
}

func benchFeatures(reworded string) string {
	var b strings.Builder
	b.WriteString("// Package features holds the generated flags.\npackage features\n\n// Config holds the feature flags.\ntype Config struct {\n")
	for i := range benchFlags {
		name := fmt.Sprintf("Flag%02d", i)
		doc := fmt.Sprintf("%s changes behaviour number %d of the CA.", name, i)
		if name == reworded {
			doc += " It now also affects issuance."
		}
		fmt.Fprintf(&b, "\t// %s\n\t%s bool\n\n", doc, name)
	}
	b.WriteString("\tName string\n}\n")
	return b.String()
}

// benchConfig enables every third flag, plus flag `extra` when >= 0.
func benchConfig(env, extra int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{\n  \"env\": \"env%02d\",\n  \"ra\": {\n    \"maxNames\": 100,\n    \"features\": {\n", env)
	var entries []string
	for i := range benchFlags {
		if i%3 == 0 || i == extra {
			entries = append(entries, fmt.Sprintf("      \"Flag%02d\": true", i))
		}
	}
	b.WriteString(strings.Join(entries, ",\n"))
	b.WriteString("\n    }\n  }\n}\n")
	return b.String()
}

func benchRegistry(ids []string) string {
	var b strings.Builder
	b.WriteString("flags:\n")
	for i := range benchFlags {
		links := []string{ids[(i*5)%len(ids)], ids[(i*5+1)%len(ids)], ids[(i*5+2)%len(ids)]}
		fmt.Fprintf(&b, "  - name: Flag%02d\n    description: Generated flag %d.\n    owner: \"@ca/dev\"\n    status: active\n    cps: [%q, %q, %q]\n", i, i, links[0], links[1], links[2])
		fmt.Fprintf(&b, "    reviews:\n      - date: 2025-01-%02d\n        reviewer: carol\n        sections: [%q, %q, %q]\n        verdict: compliant\n", i%28+1, links[0], links[1], links[2])
	}
	return b.String()
}

// BenchmarkCheckInProcess measures `check` between two commits of the
// boulder-scale repository, in process.
func BenchmarkCheckInProcess(b *testing.B) {
	asTheBinary(b)
	dir := filepath.Join(b.TempDir(), "repo")
	body := writeBenchRepo(b, dir)
	args := []string{"-C", dir, "check", "--base", "main", "--head", "change", "--pr-body", body}
	if code := Main(args, nil, io.Discard, os.Stderr); code != ExitDeny {
		b.Fatalf("check exited %d, want %d", code, ExitDeny)
	}
	b.ResetTimer()
	for b.Loop() {
		Main(args, nil, io.Discard, io.Discard)
	}
}

// BenchmarkCheckProcess measures `check` as a whole process, as CI runs it.
func BenchmarkCheckProcess(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "repo")
	body := writeBenchRepo(b, dir)
	benchProcess(b, dir, "check", "--base", "main", "--head", "change", "--pr-body", body)
}

// BenchmarkCheckStagedProcess measures `check --staged` as a whole process, as
// the pre-commit hook runs it: the index of a branch that stages a flag
// change against HEAD.
func BenchmarkCheckStagedProcess(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "repo")
	writeBenchRepo(b, dir)
	cfg := filepath.Join(dir, "deploy", "env05", "config.json")
	if err := os.WriteFile(cfg, []byte(benchConfig(5, 31)), 0o644); err != nil {
		b.Fatal(err)
	}
	if out, err := exec.Command("git", "-C", dir, "add", "deploy").CombinedOutput(); err != nil {
		b.Fatalf("git add: %v\n%s", err, out)
	}
	benchProcess(b, dir, "check", "--staged")
}

// benchProcess runs the built binary in dir with args; every run must deny.
func benchProcess(b *testing.B, dir string, args ...string) {
	bin := buildBinary(b)
	args = append([]string{"-C", dir}, args...)
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(bin, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); cmd.ProcessState.ExitCode() != ExitDeny {
			b.Fatalf("check: %v\n%s", err, stderr.String())
		}
	}
}

// BenchmarkOPAEval measures the opa CLI evaluating the built-in policies on
// the input that cpsgate dumped for the same check: the yardstick for the
// whole-process figure.
func BenchmarkOPAEval(b *testing.B) {
	_, _, opa := opaYardstick(b)
	b.ResetTimer()
	for b.Loop() {
		runOK(b, opa)
	}
}

// BenchmarkCheckVsOPAEval runs the check as a process and opa eval on its
// input in turn, iteration by iteration, so that the load of a shared
// machine weighs on both alike; ratio is check time over opa eval time (the
// target is at most 1).
func BenchmarkCheckVsOPAEval(b *testing.B) {
	dir, body, opa := opaYardstick(b)
	check := exec.Command(buildBinary(b), "-C", dir, "check", "--base", "main", "--head", "change", "--pr-body", body)
	interleave(b, check, opa, "opa")
}

// interleave runs check (which must deny) and the yardstick other in turn,
// iteration by iteration, so that the load of a shared machine weighs on
// both alike, and reports their times and ratio (check over other).
func interleave(b *testing.B, check, other *exec.Cmd, name string) {
	var checkTime, otherTime time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		cmd := *check
		if err := cmd.Run(); cmd.ProcessState.ExitCode() != ExitDeny {
			b.Fatalf("check: %v", err)
		}
		t1 := time.Now()
		runOK(b, other)
		checkTime, otherTime = checkTime+t1.Sub(t0), otherTime+time.Since(t1)
	}
	n := float64(b.N)
	b.ReportMetric(float64(checkTime.Microseconds())/1000/n, "check-ms/op")
	b.ReportMetric(float64(otherTime.Microseconds())/1000/n, name+"-ms/op")
	b.ReportMetric(float64(checkTime)/float64(otherTime), "ratio")
}

// opaYardstick writes the benchmark repository, dumps the policy input of
// its check, and returns the repository, the PR body and the opa eval
// command over the built-in policies and that input.
func opaYardstick(b *testing.B) (dir, body string, opa *exec.Cmd) {
	bin, err := exec.LookPath("opa")
	if err != nil {
		b.Skip("opa not on PATH")
	}
	tmp := b.TempDir()
	dir = filepath.Join(tmp, "repo")
	body = writeBenchRepo(b, dir)
	input := filepath.Join(tmp, "input.json")
	args := []string{"-C", dir, "check", "--base", "main", "--head", "change", "--pr-body", body, "--dump-input", input}
	if code := Main(args, nil, io.Discard, os.Stderr); code != ExitDeny {
		b.Fatalf("check exited %d", code)
	}
	policyDir := filepath.Join("..", "..", "policies")
	return dir, body, exec.Command(bin, "eval", "--ignore", "*_test.rego", "--ignore", "testdata", "-d", policyDir, "-i", input, "data.cpsgate")
}

// runOK runs a copy of cmd and fails the benchmark when it fails.
func runOK(b *testing.B, cmd *exec.Cmd) {
	c := *cmd
	if out, err := c.CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", c.Path, err, out)
	}
}

// asTheBinary sets the garbage collector as main sets it, for benchmarks
// that run Main in process, until the benchmark ends.
func asTheBinary(b *testing.B) {
	before := debug.SetGCPercent(gctune.Percent)
	b.Cleanup(func() { debug.SetGCPercent(before) })
}

// buildBinary builds cpsgate as the release does (.goreleaser.yaml): static
// and trimmed.
func buildBinary(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "cpsgate")
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// BenchmarkCheckVsFloor runs the check as a process and the floor program
// (cmd/floor: both trees listed, every distinct watched blob read with
// one cat-file --batch and parsed once, nothing else) in turn, iteration by
// iteration, on the boulder-scale repository; ratio is check time over floor
// time (issue 15's target: at most 1.5).
//
//	go test ./cmd/cpsgate -run '^$' -bench CheckVsFloor -benchtime 20x
func BenchmarkCheckVsFloor(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "repo")
	body := writeBenchRepo(b, dir)
	floorBin := filepath.Join(b.TempDir(), "floor")
	if out, err := exec.Command("go", "build", "-o", floorBin, "../floor").CombinedOutput(); err != nil {
		b.Fatalf("go build floor: %v\n%s", err, out)
	}
	check := exec.Command(buildBinary(b), "-C", dir, "check", "--base", "main", "--head", "change", "--pr-body", body)
	floor := exec.Command(floorBin, dir, "main", "change", ".cpsgate.yaml", "docs/", "features/", "deploy/", "flags/")
	interleave(b, check, floor, "floor")
}

package main

import (
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

// scaleRepo describes a generated repository of a large CA (issue 15): flags
// in a Go struct and the registry (each linking 2 sections, reviewed once),
// a CPS of sections sections, configs JSON files each enabling pct percent
// of the flags. The change either enables one more flag in one file
// (flipAll false) or flips every flag in every file (flipAll true).
type scaleRepo struct {
	flags, sections, configs int
	pct                      float64
	flipAll                  bool
	params                   int // parameters, each set in every config file
	paramFiles               int // when not 0: each parameter is set in this many config files only
}

func (s scaleRepo) String() string {
	change := "one"
	if s.flipAll {
		change = "flip-all"
	}
	params := fmt.Sprint(s.params)
	if s.paramFiles > 0 {
		params += fmt.Sprintf("-in-%d-files", s.paramFiles)
	}
	return fmt.Sprintf("flags=%d/sections=%d/configs=%d/enabled=%g%%/params=%s/change=%s", s.flags, s.sections, s.configs, s.pct, params, change)
}

func (s scaleRepo) ids() []string {
	var ids []string
	for ch := 1; len(ids) < s.sections; ch++ {
		ids = append(ids, fmt.Sprint(ch))
		for sec := 1; sec <= 20 && len(ids) < s.sections; sec++ {
			ids = append(ids, fmt.Sprintf("%d.%d", ch, sec))
			for sub := 1; sub <= 12 && len(ids) < s.sections; sub++ {
				ids = append(ids, fmt.Sprintf("%d.%d.%d", ch, sec, sub))
			}
		}
	}
	return ids
}

// enabled reports whether flag f is on in config c at base.
func (s scaleRepo) enabled(c, f int) bool {
	per := int(float64(s.flags) * s.pct / 100)
	if per == 0 {
		return false
	}
	return (f+c*7)%s.flags < per
}

// write generates the repository in dir: a base commit on main and the
// change on branch change; it returns a PR body reviewing a third of the
// change's flags.
func (s scaleRepo) write(tb testing.TB, dir string) string {
	tb.Helper()
	write := func(name, content string) {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@example.org",
			"GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@example.org",
			"GIT_AUTHOR_DATE=2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z")
		if out, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	ids := s.ids()
	write(".cpsgate.yaml", "cps:\n  - path: docs/CPS.md\nregistry: flags/registry.yaml\nsources:\n"+
		"  - kind: go-struct\n    path: features/features.go\n    type: Config\n"+
		"  - kind: config\n    glob: \"deploy/**/*.json\"\n    key: features\n")
	write("docs/CPS.md", yearCPS(ids, nil))
	var b strings.Builder
	b.WriteString("// Package features holds the generated flags.\npackage features\n\n// Config holds the feature flags.\ntype Config struct {\n")
	for f := range s.flags {
		fmt.Fprintf(&b, "\t// Flag%05d changes behaviour number %d of the CA.\n\tFlag%05d bool\n\n", f, f, f)
	}
	b.WriteString("}\n")
	write("features/features.go", b.String())
	b.Reset()
	b.WriteString("flags:\n")
	for f := range s.flags {
		l1, l2 := ids[(f*5)%len(ids)], ids[(f*5+1)%len(ids)]
		fmt.Fprintf(&b, "  - name: Flag%05d\n    description: Generated flag %d.\n    owner: \"@ca/dev\"\n    status: active\n    cps: [%q, %q]\n", f, f, l1, l2)
		fmt.Fprintf(&b, "    reviews:\n      - date: 2025-01-%02d\n        reviewer: carol\n        sections: [%q, %q]\n        verdict: compliant\n", f%28+1, l1, l2)
	}
	if s.params > 0 {
		b.WriteString("parameters:\n")
		for p := range s.params {
			fmt.Fprintf(&b, "  - name: p%04d.lifetime\n    description: Generated parameter %d.\n    owner: \"@ca/dev\"\n    cps: [%q]\n    type: duration\n"+
				"    config:\n      - glob: \"deploy/**/*.json\"\n        path: params.p%04d\n    max: 2400h\n", p, p, ids[(p*3)%len(ids)], p)
		}
	}
	write("flags/registry.yaml", b.String())
	config := func(c int, on func(f int) bool) string {
		var b strings.Builder
		fmt.Fprintf(&b, "{\n  \"env\": \"env%03d\",\n", c)
		if s.params > 0 {
			b.WriteString("  \"params\": {\n")
			sep := ""
			for p := range s.params {
				// Spread: parameter p lives in the files c with c = p (mod configs/paramFiles).
				if s.paramFiles > 0 && (c-p)%(s.configs/s.paramFiles) != 0 {
					continue
				}
				fmt.Fprintf(&b, "%s    \"p%04d\": \"%dh\"", sep, p, 24+p%100)
				sep = ",\n"
			}
			b.WriteString("\n  },\n")
		}
		b.WriteString("  \"features\": {\n")
		first := true
		for f := range s.flags {
			if !on(f) {
				continue
			}
			if !first {
				b.WriteString(",\n")
			}
			first = false
			fmt.Fprintf(&b, "    \"Flag%05d\": true", f)
		}
		b.WriteString("\n  }\n}\n")
		return b.String()
	}
	for c := range s.configs {
		write(fmt.Sprintf("deploy/env%03d/config.json", c), config(c, func(f int) bool { return s.enabled(c, f) }))
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "base")
	git("checkout", "-q", "-b", "change")
	var reviewed []int
	if s.flipAll {
		for c := range s.configs {
			write(fmt.Sprintf("deploy/env%03d/config.json", c), config(c, func(f int) bool { return !s.enabled(c, f) }))
		}
		for f := 0; f < s.flags; f += 3 {
			reviewed = append(reviewed, f)
		}
	} else {
		extra := 0
		for s.enabled(0, extra) {
			extra++
		}
		write("deploy/env000/config.json", config(0, func(f int) bool { return s.enabled(0, f) || f == extra }))
		reviewed = []int{extra}
	}
	git("commit", "-q", "-am", "change")
	git("repack", "-adq") // objects in a pack, as in a clone
	git("prune")
	b.Reset()
	for _, f := range reviewed {
		fmt.Fprintf(&b, "```cps-review\nflag: Flag%05d\nreviewer: alice\ndate: 2026-11-20\nsections: [%q, %q]\nverdict: compliant\nnotes: Checked.\n```\n\n",
			f, ids[(f*5)%len(ids)], ids[(f*5+1)%len(ids)])
	}
	body := filepath.Join(dir, "..", "body.md")
	if err := os.WriteFile(body, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return body
}

// BenchmarkCheckScale runs `check` as a process on generated repositories of
// a large CA and reports wall time and peak RSS per run (issue 15's goals:
// 10,000 flags, 2,000 sections, 500 configs enabling 1% of flags <= 1 s and
// 256 MB; a third enabled <= 2 s and 512 MB; flipping every flag at 5,000
// flags <= 2 s; doubling an input <= 2.2x the time).
//
//	go test ./cmd/cpsgate -run '^$' -bench CheckScale -benchtime 3x
func BenchmarkCheckScale(b *testing.B) {
	for _, s := range []scaleRepo{
		{flags: 5000, sections: 2000, configs: 500, pct: 1},
		{flags: 10000, sections: 2000, configs: 500, pct: 1},
		{flags: 10000, sections: 4000, configs: 500, pct: 1},
		{flags: 10000, sections: 2000, configs: 1000, pct: 1},
		{flags: 10000, sections: 2000, configs: 500, pct: 33.3},
		{flags: 2500, sections: 2000, configs: 10, pct: 1, flipAll: true},
		{flags: 5000, sections: 2000, configs: 10, pct: 1, flipAll: true},
		// Parameters (issue 14's target is BenchmarkParamsOverhead).
		{flags: 1000, sections: 2000, configs: 100, pct: 1},
		{flags: 1000, sections: 2000, configs: 100, pct: 1, params: 200},
	} {
		b.Run(s.String(), func(b *testing.B) {
			dir := filepath.Join(b.TempDir(), "repo")
			body := s.write(b, dir)
			bin := buildBinary(b)
			args := []string{"-C", dir, "check", "--base", "main", "--head", "change", "--pr-body", body, "--author", "bob", "--approver", "alice", "--format", "json"}
			var maxRSS int64
			var wall, cpu time.Duration
			b.ResetTimer()
			for b.Loop() {
				cmd := exec.Command(bin, args...)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				start := time.Now()
				err := cmd.Run()
				wall += time.Since(start)
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				if code := cmd.ProcessState.ExitCode(); code != ExitPass && code != ExitDeny {
					b.Fatalf("check exited %d: %v\n%s", code, err, stderr.String())
				}
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > maxRSS {
					maxRSS = ru.Maxrss
				}
			}
			b.ReportMetric(float64(maxRSS)/1024, "MB-peak-rss")
			b.ReportMetric(wall.Seconds()/float64(b.N), "s/check")
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/check")
		})
	}
}

// BenchmarkParamsOverhead measures issue 14's target: 1,000 parameters over
// 500 configuration files add at most 20% to a check of the same repository
// without them (1,000 flags, 2,000 sections, 500 files enabling 1% of the
// flags). The two checks run as processes in turn, iteration by iteration,
// so that the load of a shared machine weighs on both alike; it reports
// both wall and CPU times and their ratios. Two spreads: each parameter set
// in one file (1,000 values, two parameters per file) and in ten (10,000
// values). (Every parameter in every file, 500,000 values, is not a case
// cpsgate handles: the policy evaluation exceeds its 10 s limit and the
// check exits 2.)
func BenchmarkParamsOverhead(b *testing.B) {
	bin := buildBinary(b)
	without := scaleRepo{flags: 1000, sections: 2000, configs: 500, pct: 1}
	for _, files := range []int{1, 10} {
		with := without
		with.params, with.paramFiles = 1000, files
		b.Run(fmt.Sprintf("params=1000-in-%d-files", files), func(b *testing.B) {
			var cmds [2]*exec.Cmd
			for i, s := range []scaleRepo{without, with} {
				dir := filepath.Join(b.TempDir(), "repo")
				body := s.write(b, dir)
				cmds[i] = exec.Command(bin, "-C", dir, "check", "--base", "main", "--head", "change", "--pr-body", body,
					"--author", "bob", "--approver", "alice", "--format", "json")
			}
			var wall, cpu [2]time.Duration
			b.ResetTimer()
			for b.Loop() {
				for i, c := range cmds {
					cmd := *c
					start := time.Now()
					err := cmd.Run()
					wall[i] += time.Since(start)
					if code := cmd.ProcessState.ExitCode(); code != ExitPass {
						b.Fatalf("check exited %d: %v", code, err)
					}
					cpu[i] += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				}
			}
			n := float64(b.N)
			b.ReportMetric(wall[0].Seconds()/n, "s/check-without")
			b.ReportMetric(wall[1].Seconds()/n, "s/check-with")
			b.ReportMetric(float64(wall[1])/float64(wall[0]), "wall-ratio")
			b.ReportMetric(float64(cpu[1])/float64(cpu[0]), "cpu-ratio")
		})
	}
}

// TestWriteScaleRepo writes one generated repository for profiling by hand:
//
//	CPSGATE_SCALE_DIR=/tmp/scale CPSGATE_SCALE=10000,2000,500,1 go test ./cmd/cpsgate -run WriteScaleRepo
//
// (flags, sections, configs, percent enabled[, flip-all 0|1[, params[, param files]]]).
func TestWriteScaleRepo(t *testing.T) {
	dir, spec := os.Getenv("CPSGATE_SCALE_DIR"), os.Getenv("CPSGATE_SCALE")
	if dir == "" || spec == "" {
		t.Skip("CPSGATE_SCALE_DIR and CPSGATE_SCALE not set")
	}
	var s scaleRepo
	var flip int
	if _, err := fmt.Sscanf(strings.ReplaceAll(spec, ",", " ")+" 0 0 0", "%d %d %d %g %d %d %d", &s.flags, &s.sections, &s.configs, &s.pct, &flip, &s.params, &s.paramFiles); err != nil {
		t.Fatal(err)
	}
	s.flipAll = flip == 1
	body := s.write(t, filepath.Join(dir, "repo"))
	t.Logf("repo %s, body %s: %v", filepath.Join(dir, "repo"), body, s)
}

// BenchmarkCheckScaleDir runs `check` in process on a repository written by
// TestWriteScaleRepo, for profiling (-cpuprofile, -memprofile):
//
//	CPSGATE_SCALE_DIR=/tmp/scale go test ./cmd/cpsgate -run '^$' -bench CheckScaleDir -cpuprofile cpu.out
func BenchmarkCheckScaleDir(b *testing.B) {
	dir := os.Getenv("CPSGATE_SCALE_DIR")
	if dir == "" {
		b.Skip("CPSGATE_SCALE_DIR not set")
	}
	asTheBinary(b)
	args := []string{"-C", filepath.Join(dir, "repo"), "check", "--base", "main", "--head", "change", "--pr-body", filepath.Join(dir, "body.md"), "--author", "bob", "--approver", "alice", "--format", "json"}
	for b.Loop() {
		if code := Main(args, nil, io.Discard, os.Stderr); code != ExitPass && code != ExitDeny {
			b.Fatalf("check exited %d", code)
		}
	}
}

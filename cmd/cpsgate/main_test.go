package main

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite golden files and cmp targets in scripts")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"cpsgate": func() { os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script: the CLI in
// process against real git repositories made in each script's $WORK.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("HOME", e.WorkDir)
			e.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			e.Setenv("GIT_AUTHOR_NAME", "Test Author")
			e.Setenv("GIT_AUTHOR_EMAIL", "author@example.org")
			e.Setenv("GIT_COMMITTER_NAME", "Test Committer")
			e.Setenv("GIT_COMMITTER_EMAIL", "committer@example.org")
			e.Setenv("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
			e.Setenv("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
			e.Setenv("CPSGATE_TODAY", "2026-12-01") // the bound of a review's date
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"example": cmdExample,
			"commit":  cmdCommit,
			"git":     cmdGit,
			"replace": cmdReplace,
			"exits":   cmdExits,
			"gen":     cmdGen,
			"convert": cmdConvert,
		},
	})
}

// cmdExample writes the demo's example repository into $WORK and commits
// it on branch main: `example`. The files the script's archive put in $WORK
// are git-ignored, so commits (and their ids) hold only the repository.
func cmdExample(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: example")
	}
	archive, err := os.ReadDir(ts.MkAbs("."))
	ts.Check(err)
	sub, err := fs.Sub(demoFiles, "demo")
	ts.Check(err)
	ts.Check(os.CopyFS(ts.MkAbs("."), sub))
	runGit(ts, "init", "-q", "-b", "main")
	var exclude strings.Builder
	for _, e := range archive {
		exclude.WriteString("/" + e.Name() + "\n")
	}
	ts.Check(os.WriteFile(ts.MkAbs(".git/info/exclude"), []byte(exclude.String()), 0o644))
	runGit(ts, "add", "-A")
	runGit(ts, "commit", "-q", "-m", "example CA")
}

// cmdCommit stages everything and commits: `commit message...`.
func cmdCommit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: commit message")
	}
	runGit(ts, "add", "-A")
	runGit(ts, "commit", "-q", "-m", strings.Join(args, " "))
}

// cmdReplace replaces the one occurrence of old by new in a file, with \n,
// \t and \xHH escapes: `replace file old new`.
func cmdReplace(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: replace file old new")
	}
	path := ts.MkAbs(args[0])
	data, err := os.ReadFile(path)
	ts.Check(err)
	old, new := unescape(args[1]), unescape(args[2])
	if n := strings.Count(string(data), old); n != 1 {
		ts.Fatalf("replace: %q occurs %d times in %s, want once", old, n, args[0])
	}
	ts.Check(os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
}

// cmdGit runs git in the script's directory: `git args...`.
func cmdGit(ts *testscript.TestScript, neg bool, args []string) {
	err := gitErr(ts, args...)
	if neg && err == nil {
		ts.Fatalf("git %s succeeded unexpectedly", strings.Join(args, " "))
	}
	if !neg && err != nil {
		ts.Fatalf("%v", err)
	}
}

func runGit(ts *testscript.TestScript, args ...string) {
	ts.Check(gitErr(ts, args...))
}

func gitErr(ts *testscript.TestScript, args ...string) error {
	cmd := exec.Command("git", args...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = os.Environ()
	for _, k := range []string{"HOME", "GIT_CONFIG_NOSYSTEM", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"} {
		cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return &gitError{args: args, out: out.String(), err: err}
	}
	ts.Logf("git %s\n%s", strings.Join(args, " "), out.String())
	return nil
}

type gitError struct {
	args []string
	out  string
	err  error
}

func (e *gitError) Error() string {
	return "git " + strings.Join(e.args, " ") + ": " + e.err.Error() + "\n" + e.out
}

// cmdExits runs a program like exec and asserts its exact exit code, which
// `! exec` cannot (1 is a finding, 2 "could not decide"), and that it did
// not panic: `exits CODE program args...`. Its stdout and stderr are then
// inspected with stdout and stderr as after exec.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE program args...")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			ts.Fatalf("exits: %v", err)
		}
		got = exitErr.ExitCode()
	}
	stderr := ts.ReadFile("stderr")
	if strings.Contains(stderr, "panic:") || strings.Contains(stderr, "goroutine ") {
		ts.Fatalf("%s panicked:\n%s", args[1], stderr)
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// cmdGen writes a generated file, for inputs too large to keep in a script:
// `gen [-a] file count text` writes text count times (appends with -a).
// text takes \n and \t escapes, and {indent} stands for 2*i spaces in the
// i-th copy (from 0), for nesting by indentation, and {i} for i. With {i}
// in the file name, it writes count files of text instead.
func cmdGen(ts *testscript.TestScript, neg bool, args []string) {
	appendTo := len(args) > 0 && args[0] == "-a"
	if appendTo {
		args = args[1:]
	}
	if neg || len(args) != 3 {
		ts.Fatalf("usage: gen [-a] file count text")
	}
	count, err := strconv.Atoi(args[1])
	if err != nil || count < 0 {
		ts.Fatalf("gen: bad count %q", args[1])
	}
	text := unescape(args[2])
	if strings.Contains(args[0], "{i}") {
		for i := range count {
			name := strings.ReplaceAll(args[0], "{i}", strconv.Itoa(i))
			ts.Check(os.MkdirAll(filepath.Dir(ts.MkAbs(name)), 0o755))
			ts.Check(os.WriteFile(ts.MkAbs(name), []byte(strings.ReplaceAll(text, "{i}", strconv.Itoa(i))), 0o644))
		}
		return
	}
	var b bytes.Buffer
	if appendTo {
		data, err := os.ReadFile(ts.MkAbs(args[0]))
		ts.Check(err)
		b.Write(data)
	}
	vary := strings.Contains(text, "{indent}") || strings.Contains(text, "{i}")
	for i := range count {
		if vary {
			b.WriteString(strings.NewReplacer("{indent}", strings.Repeat("  ", i), "{i}", strconv.Itoa(i)).Replace(text))
		} else {
			b.WriteString(text)
		}
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), b.Bytes(), 0o644))
}

// unescape turns \n, \t and \xHH (any byte, also invalid UTF-8) in a script
// argument into what they stand for.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			case 't':
				b.WriteByte('\t')
				i++
				continue
			case 'x':
				if n, err := strconv.ParseUint(s[i+2:min(i+4, len(s))], 16, 8); err == nil && i+4 <= len(s) {
					b.WriteByte(byte(n))
					i += 3
					continue
				}
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// cmdConvert rewrites files with CRLF line ends or with a UTF-8 byte order
// mark: `convert crlf|bom file...`.
func cmdConvert(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || (args[0] != "crlf" && args[0] != "bom") {
		ts.Fatalf("usage: convert crlf|bom file...")
	}
	for _, f := range args[1:] {
		data, err := os.ReadFile(ts.MkAbs(f))
		ts.Check(err)
		if args[0] == "crlf" {
			data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
		} else {
			data = append([]byte("\uFEFF"), data...)
		}
		ts.Check(os.WriteFile(ts.MkAbs(f), data, 0o644))
	}
}

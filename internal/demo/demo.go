// Package demo is `cpsgate demo`: it builds a throwaway repository from the
// example CA, makes a change that enables a flag in production, and runs the
// check as CI would, before and after the review, telling the story on the
// way. The command layer gives it the files and a way to run cpsgate.
package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cpsgate/cpsgate/output"
	"github.com/cpsgate/cpsgate/result"
	"github.com/cpsgate/cpsgate/review"
)

// Exit codes of the runs the demo expects.
const (
	exitPass = 0
	exitDeny = 1
)

// Runner runs cpsgate with args (without the program name), writing its
// output to out, and returns the exit code.
type Runner func(args []string, out, errs io.Writer) int

// Run builds the demo repository from files (the example CA) in dir and
// runs the story, writing it to w.
func Run(ctx context.Context, dir string, keep bool, files fs.FS, w io.Writer, run Runner) error {
	e := &demo{stdout: w, run: run, keep: keep}
	return e.runDemo(ctx, dir, files)
}

type demo struct {
	stdout io.Writer
	run    Runner
	keep   bool // the repository stays after the demo
}

func (e *demo) runDemo(ctx context.Context, dir string, files fs.FS) error {
	g := &demoGit{ctx: ctx, dir: dir}
	say := func(format string, args ...any) { fmt.Fprintf(e.stdout, format, args...) }
	if err := os.CopyFS(dir, files); err != nil {
		return err
	}
	g.run("init", "-q", "-b", "main")
	g.run("add", "-A")
	g.commit("carol", "Example CA: CPS, flag registry, features and deployments")
	g.run("checkout", "-q", "-b", "enable-async-finalize")
	prod := filepath.Join(dir, "deploy", "prod.json")
	if err := replaceInFile(prod, `"AsyncFinalize": false`, `"AsyncFinalize": true`); err != nil {
		return err
	}
	g.run("commit", "-q", "-am", "Enable AsyncFinalize in production")
	if g.err != nil {
		return g.err
	}
	if e.keep {
		say("cpsgate demo, in a repository kept at %s\n\n", dir)
	} else {
		say("cpsgate demo, in a throwaway repository at %s\n\n", dir)
	}
	say("1. Branch main holds an example CA: docs/CPS.md (RFC 3647 outline), flags/registry.yaml\n" +
		"   linking each flag to CPS sections, features/features.go and deploy/*.json.\n" +
		"2. Bob's change on branch enable-async-finalize turns AsyncFinalize on in deploy/prod.json.\n" +
		"   CI runs the check:\n\n")
	args := []string{"-C", dir, "check", "--base", "main", "--head", "enable-async-finalize", "--author", "bob"}
	code := e.demoCheck(args)
	if code != exitDeny {
		return fmt.Errorf("demo: the unreviewed change should fail with exit %d, got %d", exitDeny, code)
	}
	block, err := e.demoReviewBlock(args)
	if err != nil {
		return err
	}
	block = strings.ReplaceAll(block, review.TemplateReviewer, "alice")
	block = strings.ReplaceAll(block, review.TemplateDate, time.Now().UTC().Format(time.DateOnly))
	block = strings.ReplaceAll(block, "How the flag's behaviour, on and off, matches these sections.",
		"The order becomes valid only after issuance and CT logging, on and off; 4.3.1 and 4.3.2 hold.")
	body := "Turn on AsyncFinalize in production.\n\n" + block
	if err := os.WriteFile(filepath.Join(dir, "pr-body.md"), []byte(body), 0o644); err != nil {
		return err
	}
	say("\n3. Alice reads CPS 4.3.1 and 4.3.2 and finds the flag compliant. Bob puts the block the\n"+
		"   check printed, filled in with her name, into the pull-request description (pr-body.md):\n\n%s\n", indent(block))
	say("4. CI runs the check again with the description. The block is Bob's claim until Alice\n" +
		"   approves the change:\n\n")
	withBody := append(slices.Clone(args), "--pr-body", "pr-body.md")
	code = e.demoCheck(withBody)
	if code != exitDeny {
		return fmt.Errorf("demo: the review nobody approved should fail with exit %d, got %d", exitDeny, code)
	}
	say("\n5. Alice approves the pull request; CI vouches for it (on GitHub, check --github reads\n" +
		"   her approval of the head commit; elsewhere CI passes --approver):\n\n")
	code = e.demoCheck(append(withBody, "--approver", "alice"))
	if code != exitPass {
		return fmt.Errorf("demo: the approved review should pass with exit %d, got %d", exitPass, code)
	}
	if err := e.paramsAct(g, dir); err != nil {
		return err
	}
	say("\nThe unreviewed change failed (exit 1); the review alone was only the author's claim (exit 1);\n" +
		"with the reviewer's approval it passes (exit 0). The swapped template reference was denied\n" +
		"by the parameters' relation (exit 1); fixed and reviewed, it passes (exit 0).\n")
	return nil
}

// demoCheck runs cpsgate in-process, echoing the command and its output.
func (e *demo) demoCheck(args []string) int {
	var out bytes.Buffer
	shown := append([]string{"cpsgate"}, args[2:]...)
	fmt.Fprintf(e.stdout, "   $ %s\n", strings.Join(shown, " "))
	code := e.run(args, &out, &out)
	fmt.Fprint(e.stdout, indent(out.String()))
	fmt.Fprintf(e.stdout, "   (exit %d)\n", code)
	return code
}

// demoReviewBlock runs the check for JSON and renders the review block the
// text output printed, from the same missing reviews.
func (e *demo) demoReviewBlock(args []string) (string, error) {
	var out, errs bytes.Buffer
	e.run(append(args, "--format", "json"), &out, &errs)
	var res result.Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return "", fmt.Errorf("demo: decoding check result: %v: %s", err, errs.String())
	}
	return output.ReviewBlock(res.Missing), nil
}

func indent(s string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("   " + line + "\n")
	}
	return b.String()
}

func replaceInFile(path, old, new string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !bytes.Contains(data, []byte(old)) {
		return fmt.Errorf("%s does not contain %q", path, old)
	}
	return os.WriteFile(path, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644)
}

// demoGit runs git in the demo repository, keeping the first error.
type demoGit struct {
	ctx context.Context
	dir string
	err error
}

func (g *demoGit) run(args ...string) {
	if g.err != nil {
		return
	}
	cmd := exec.CommandContext(g.ctx, "git", args...)
	cmd.Dir = g.dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=demo", "GIT_AUTHOR_EMAIL=demo@example.org",
		"GIT_COMMITTER_NAME=demo", "GIT_COMMITTER_EMAIL=demo@example.org")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	if err := cmd.Run(); err != nil {
		g.err = fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
}

func (g *demoGit) commit(author, msg string) {
	g.run("-c", "user.name="+author, "-c", "user.email="+author+"@example.org", "commit", "-q", "-m", msg)
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/cpsgate/cpsgate/internal/gctune"

	"github.com/spf13/cobra"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/gitrepo"
	"github.com/cpsgate/cpsgate/internal/clone"
	"github.com/cpsgate/cpsgate/output"
	"github.com/cpsgate/cpsgate/review"
	"github.com/cpsgate/cpsgate/revision"
)

type checkOptions struct {
	base, head string
	staged     bool
	prBody     string
	author     string
	approvers  []string
	format     string
	config     string
	dumpInput  string
	gh         gitHubOptions
	checkouts  []string
	sarif      string
}

func (e *env) checkCommand() *cobra.Command {
	o := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Compare base and head and evaluate the policies",
		Long: `check compares a base revision with a head (a commit, the index with --staged,
or by default the work tree) and evaluates the built-in and configured Rego
policies. Configuration and policies are read from the base revision, so a
change cannot weaken its own check.

Reviews attached to the change are read from --pr-body FILE: fenced
` + "```cps-review" + ` blocks and "CPS Compliance Review:" paragraphs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.gh.formatSet = cmd.Flags().Changed("format")
			o.gh.summarySet = cmd.Flags().Changed("summary")
			return e.runCheck(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.base, "base", "", "base `ref` (default: the merge base with the default branch)")
	f.StringVar(&o.head, "head", "", "head `ref` (default: the work tree)")
	f.BoolVar(&o.staged, "staged", false, "check the index against HEAD (pre-commit)")
	f.StringVar(&o.prBody, "pr-body", "", "`file` holding the change's description with its reviews")
	f.StringVar(&o.author, "author", "", "the change's author, as CI knows them (login or e-mail); without it, reviews attached to the change do not count")
	f.StringArrayVar(&o.approvers, "approver", nil, "a person other than the author who approved the change, as CI vouches for them (repeatable); a review counts only when it names an approver")
	f.StringVar(&o.format, "format", "text", "output format: "+fmt.Sprint(output.Names()))
	f.StringVar(&o.config, "config", config.DefaultFile, "configuration `path`, relative to the repository root")
	f.StringVar(&o.dumpInput, "dump-input", "", "write the policy input document to `file` (for opa eval)")
	f.BoolVar(&o.gh.enabled, "github", false, "take base, head, author, description and approvals from the GitHub Actions event and API")
	f.BoolVar(&o.gh.comment, "comment", false, "with --github: keep one pull-request comment with the verdict")
	f.BoolVar(&o.gh.checkRun, "check-run", false, "with --github: record the verdict as a check run named cpsgate")
	f.BoolVar(&o.gh.summary, "summary", false, "append the markdown report to $GITHUB_STEP_SUMMARY (default with --github when it is set)")
	f.StringArrayVar(&o.checkouts, "cps-checkout", nil, clone.FlagUsage)
	f.StringVar(&o.sarif, "sarif", "", "also write the result as SARIF 2.1.0 to `file`")
	cmd.MarkFlagsMutuallyExclusive("head", "staged")
	for _, other := range []string{"base", "head", "staged", "pr-body", "author", "approver"} {
		cmd.MarkFlagsMutuallyExclusive("github", other)
	}
	return cmd
}

func (e *env) runCheck(ctx context.Context, o *checkOptions) error {
	gctune.HugePages(e.getenv) // a check's heap is tens of MB, written once
	if o.gh.enabled {
		return e.runGitHub(ctx, o)
	}
	if o.gh.comment || o.gh.checkRun {
		return errors.New("--comment and --check-run need --github")
	}
	reporter, err := output.For(o.format)
	if err != nil {
		return err
	}
	if o.format == "text" && isTerminal(e.stdout) && e.getenv("NO_COLOR") == "" {
		reporter = output.Text{Color: true}
	}
	builtins := check.CompileBuiltins(ctx)
	repo, err := gitrepo.Open(ctx, e.dir)
	if err != nil {
		return err
	}
	defer repo.Close()
	base, head, err := revision.Select(repo, o.base, o.head, o.staged)
	if err != nil {
		return err
	}
	ch, err := e.change(o)
	if err != nil {
		return err
	}
	if err := e.changeDates(repo, base, &ch); err != nil {
		return err
	}
	ch.NoApprovals = o.staged
	dirs, err := e.parseCheckouts(o.checkouts)
	if err != nil {
		return err
	}
	out, err := check.Evaluate(ctx, base, head, o.config, ch, clone.Reader(ctx, dirs, repo.Root()), builtins)
	if err != nil {
		return err
	}
	if _, err := e.emit(o, reporter, out, o.gh.summary, "", false); err != nil {
		return err
	}
	if !out.Result.Pass {
		return errDeny
	}
	return nil
}

// emit writes the result: to stdout with reporter, the policy input with
// --dump-input, SARIF with --sarif, and with summary the markdown report
// (and the extra line) to the job summary. It returns the markdown report
// when summary or wantMD is set ("" otherwise: a large change's report takes
// a while to render).
func (e *env) emit(o *checkOptions, reporter output.Reporter, out *check.Outcome, summary bool, extra string, wantMD bool) (string, error) {
	if o.dumpInput != "" {
		if err := writeJSON(e.path(o.dumpInput), out.Input); err != nil {
			return "", err
		}
	}
	if err := reporter.Report(e.stdout, out.Result); err != nil {
		return "", err
	}
	if o.sarif != "" {
		sarif, err := output.Render(output.SARIF{}, out.Result)
		if err == nil {
			err = os.WriteFile(e.path(o.sarif), sarif, 0o644)
		}
		if err != nil {
			return "", fmt.Errorf("--sarif: %w", err)
		}
	}
	if !summary && !wantMD {
		return "", nil
	}
	b, err := output.Render(output.Markdown{}, out.Result)
	if err != nil {
		return "", err
	}
	md := string(b)
	if summary {
		text := md
		if extra != "" {
			// Only here: the comment keeps the report's own size limit.
			text += "\n\n" + extra + "\n"
		}
		if err := e.appendEnvFile("GITHUB_STEP_SUMMARY", text); err != nil {
			return "", err
		}
	}
	return md, nil
}

// change reads what is known about the change besides its files. The
// author and approvers are identities that CI vouches for; a blank or
// malformed one is an error, never "someone else".
func (e *env) change(o *checkOptions) (check.Change, error) {
	ch, err := check.NewChange(o.config, o.author, o.approvers)
	if err != nil {
		return ch, err
	}
	if o.prBody == "" {
		return ch, nil
	}
	body, err := readLimited(e.path(o.prBody), review.MaxBodySize)
	if err != nil {
		return ch, fmt.Errorf("--pr-body: %w", err)
	}
	ch.Reviews, ch.Paragraphs, err = review.ParseBody(o.prBody, body)
	return ch, err
}

// changeDates sets the bounds of a review's date: today (UTC, or
// CPSGATE_TODAY=YYYY-MM-DD) and the base commit's committer date.
func (e *env) changeDates(repo *gitrepo.Repo, base check.Snapshot, ch *check.Change) error {
	var err error
	if ch.Today, err = check.Today(e.getenv("CPSGATE_TODAY"), time.Now()); err != nil {
		return err
	}
	ch.BaseDate, err = revision.BaseDate(repo, base)
	return err
}

// path resolves a user-given file path against -C.
func (e *env) path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(e.dir, p)
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.Size() > limit {
		return nil, fmt.Errorf("%s:1: file is %d bytes, over the limit of %d", path, info.Size(), limit)
	}
	buf := make([]byte, info.Size())
	_, err = io.ReadFull(f, buf)
	return buf, err
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// isTerminal reports whether w is a character device (colour allowed).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

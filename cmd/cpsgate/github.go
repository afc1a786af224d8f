package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/ci/github"
	"github.com/cpsgate/cpsgate/gitrepo"
	"github.com/cpsgate/cpsgate/internal/clone"
	"github.com/cpsgate/cpsgate/internal/inert"
	"github.com/cpsgate/cpsgate/output"
	"github.com/cpsgate/cpsgate/revision"
)

// gitHubOptions are the flags of check that concern GitHub.
type gitHubOptions struct {
	enabled    bool // --github
	comment    bool // --comment: the sticky pull-request comment
	checkRun   bool // --check-run
	summary    bool // --summary: append the markdown report to GITHUB_STEP_SUMMARY
	summarySet bool // --summary given explicitly
	formatSet  bool // --format given explicitly
}

// runGitHub is check --github: base, head, author, description, approvals
// and comment reviews come from the event and the API; the verdict goes to
// stdout, the job summary, the step outputs and, when asked, a sticky
// comment and a check run.
func (e *env) runGitHub(ctx context.Context, o *checkOptions) (err error) {
	ge, err := github.ReadEnv(e.getenv, readLimited)
	defer func() { err = github.Redact(err, ge.Token) }()
	if err != nil {
		return err
	}
	gctx, err := github.ParseEvent(ge)
	if err != nil {
		return err
	}
	builtins := check.CompileBuiltins(ctx) // while git and the API are asked
	format := o.format
	if !o.gh.formatSet {
		format = "github"
	}
	reporter, err := output.For(format)
	if err != nil {
		return err
	}
	repo, err := gitrepo.Open(ctx, e.dir)
	if err != nil {
		return err
	}
	defer repo.Close()
	base, head, err := github.Revisions(repo, gctx)
	if err != nil {
		return err
	}
	client, err := github.NewClient(e.httpClient, &github.Retry{}, ge.APIURL, ge.Token, gctx.Owner, gctx.Repo)
	if err != nil {
		return err
	}
	// The configuration of the base revision says who may review in a
	// comment; evaluate reads it again, from the same revision.
	cfg, _, err := revision.LoadConfig(base, head, o.config)
	if err != nil {
		return err
	}
	ch, watched, err := github.BuildChange(ctx, client, gctx, cfg, o.config, e.notice)
	if err != nil {
		return err
	}
	if err := e.changeDates(repo, base, &ch); err != nil {
		return err
	}
	dirs, err := e.parseCheckouts(o.checkouts)
	if err != nil {
		return err
	}
	out, err := check.Evaluate(ctx, base, head, o.config, ch, clone.APIOrClone(dirs, clone.Reader(ctx, dirs, repo.Root()), client.DocReader(ctx)), builtins)
	if err != nil {
		return err
	}
	res := out.Result
	summary := o.gh.summary || (!o.gh.summarySet && e.getenv("GITHUB_STEP_SUMMARY") != "")
	md, err := e.emit(o, reporter, out, summary, watched, o.gh.comment || o.gh.checkRun)
	if err != nil {
		return err
	}
	if err := e.appendEnvFile("GITHUB_OUTPUT", github.StepOutputs(res)); err != nil {
		return err
	}
	if o.gh.comment {
		if err := github.StickyComment(ctx, client, gctx, res, md, e.notice); err != nil {
			return err
		}
	}
	if o.gh.checkRun {
		if err := github.RecordCheckRun(ctx, client, gctx, res, md, e.notice); err != nil {
			return err
		}
	}
	if !res.Pass {
		return errDeny
	}
	return nil
}

// appendEnvFile appends text to the file the environment variable names;
// nothing when it is unset.
func (e *env) appendEnvFile(name, text string) error {
	path := e.getenv(name)
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	_, err = io.WriteString(f, text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// notice writes a GitHub Actions notice to stderr, its text made inert.
func (e *env) notice(format string, args ...any) {
	msg := inert.Value(fmt.Sprintf(format, args...))
	fmt.Fprintln(e.stderr, inert.WorkflowCommand("notice", []inert.Property{{Key: "title", Value: "cpsgate"}}, msg))
}

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/ci/github"
	"github.com/cpsgate/cpsgate/gitrepo"
	"github.com/cpsgate/cpsgate/internal/clone"
	"github.com/cpsgate/cpsgate/internal/inert"
	"github.com/cpsgate/cpsgate/output"
	"github.com/cpsgate/cpsgate/result"
	"github.com/cpsgate/cpsgate/revision"
)

// maxEventSize is the largest event payload read (GitHub caps webhooks at 25 MB).
const maxEventSize = 25 << 20

// gitHubOptions are the flags of check that concern GitHub.
type gitHubOptions struct {
	enabled    bool // --github
	comment    bool // --comment: the sticky pull-request comment
	checkRun   bool // --check-run
	summary    bool // --summary: append the markdown report to GITHUB_STEP_SUMMARY
	summarySet bool // --summary given explicitly
	formatSet  bool // --format given explicitly
}

// gitHubEnv reads what GitHub Actions tells a step: the only place the
// GitHub integration touches the environment and the event file.
func (e *env) gitHubEnv() (github.Env, error) {
	ge := github.Env{
		EventName:  e.getenv("GITHUB_EVENT_NAME"),
		Repository: e.getenv("GITHUB_REPOSITORY"),
		SHA:        e.getenv("GITHUB_SHA"),
		Token:      e.getenv("GITHUB_TOKEN"),
		APIURL:     e.getenv("GITHUB_API_URL"),
	}
	path := e.getenv("GITHUB_EVENT_PATH")
	if path == "" {
		return ge, errors.New("GITHUB_EVENT_PATH is not set: check --github runs in a GitHub Actions job")
	}
	data, err := readLimited(path, maxEventSize)
	if err != nil {
		return ge, fmt.Errorf("reading the event payload (GITHUB_EVENT_PATH): %w", err)
	}
	ge.Event = data
	if ge.Token == "" {
		return ge, errors.New("GITHUB_TOKEN is not set: give the step `env: GITHUB_TOKEN: ${{ github.token }}` " +
			"(permissions: contents: read; pull-requests: write for --comment; checks: write for --check-run)")
	}
	return ge, nil
}

// runGitHub is check --github: base, head, author, description, approvals
// and comment reviews come from the event and the API; the verdict goes to
// stdout, the job summary, the step outputs and, when asked, a sticky
// comment and a check run.
func (e *env) runGitHub(ctx context.Context, o *checkOptions) (err error) {
	ge, err := e.gitHubEnv()
	defer func() {
		if err != nil && ge.Token != "" {
			err = redacted{err, ge.Token}
		}
	}()
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
	if o.dumpInput != "" {
		if err := writeJSON(e.path(o.dumpInput), out.Input); err != nil {
			return err
		}
	}
	if err := reporter.Report(e.stdout, res); err != nil {
		return err
	}
	if err := e.writeSARIF(o.sarif, res); err != nil {
		return err
	}
	md, err := markdownReport(res)
	if err != nil {
		return err
	}
	summary := o.gh.summary || (!o.gh.summarySet && e.getenv("GITHUB_STEP_SUMMARY") != "")
	if summary {
		text := md
		if watched != "" {
			// Only here: the comment keeps the report's own size limit.
			text += "\n\n" + watched + "\n"
		}
		if err := e.appendEnvFile("GITHUB_STEP_SUMMARY", text); err != nil {
			return err
		}
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

// markdownReport renders the result for the job summary and the comment.
func markdownReport(res *result.Result) (string, error) {
	var b bytes.Buffer
	if err := (output.Markdown{}).Report(&b, res); err != nil {
		return "", err
	}
	return b.String(), nil
}

// writeSARIF writes the result as SARIF to path (--sarif), besides the
// normal output.
func (e *env) writeSARIF(path string, res *result.Result) error {
	if path == "" {
		return nil
	}
	var b bytes.Buffer
	if err := (output.SARIF{}).Report(&b, res); err != nil {
		return err
	}
	if err := os.WriteFile(e.path(path), b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("--sarif: %w", err)
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

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// redacted hides a token in an error's message.
type redacted struct {
	err   error
	token string
}

func (r redacted) Error() string { return strings.ReplaceAll(r.err.Error(), r.token, "***") }
func (r redacted) Unwrap() error { return r.err }

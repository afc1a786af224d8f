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
	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/gitrepo"
	"github.com/cpsgate/cpsgate/internal/inert"
	"github.com/cpsgate/cpsgate/output"
	"github.com/cpsgate/cpsgate/result"
	"github.com/cpsgate/cpsgate/review"
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
	base, head, err := gitHubRevisions(repo, gctx)
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
	ch, watched, err := e.gitHubChange(ctx, client, gctx, cfg, o.config)
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
	out, err := check.Evaluate(ctx, base, head, o.config, ch, docReader(dirs, checkoutReader(ctx, dirs, repo.Root()), client.DocReader(ctx)), builtins)
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
	if err := e.appendEnvFile("GITHUB_OUTPUT", stepOutputs(res)); err != nil {
		return err
	}
	if o.gh.comment {
		if err := e.stickyComment(ctx, client, gctx, res, md); err != nil {
			return err
		}
	}
	if o.gh.checkRun {
		if err := e.checkRun(ctx, client, gctx, res, md); err != nil {
			return err
		}
	}
	if !res.Pass {
		return errDeny
	}
	return nil
}

// gitHubRevisions picks base and head from the event. For a pull_request
// event whose test merge commit is checked out, that commit is the head and
// its first parent (the base branch) the base: the change as it will merge.
// A commit missing from the clone is an error, never a pass.
func gitHubRevisions(repo *gitrepo.Repo, gctx *github.Context) (base, head check.Snapshot, err error) {
	resolve := func(what, sha string) (string, error) {
		got, err := repo.Resolve(sha)
		if err != nil {
			return "", fmt.Errorf("the %s commit %s of the %s event is not in the local clone (%v): check out the full history with `fetch-depth: 0` in actions/checkout", what, sha, gctx.Event, err)
		}
		return got, nil
	}
	baseSHA, err := resolve("base", gctx.BaseSHA)
	if err != nil {
		return nil, nil, err
	}
	headSHA, err := resolve("head", gctx.HeadSHA)
	if err != nil {
		return nil, nil, err
	}
	if gctx.MergeSHA != "" {
		p2, err2 := repo.Resolve(gctx.MergeSHA + "^2")
		p1, err1 := repo.Resolve(gctx.MergeSHA + "^1")
		if err1 == nil && err2 == nil && p2 == headSHA {
			merge, _ := repo.Resolve(gctx.MergeSHA)
			return repo.Commit(p1), repo.Commit(merge), nil
		}
	}
	return repo.Commit(baseSHA), repo.Commit(headSHA), nil
}

// gitHubChange reads the change from the API: the current description, the
// approvals, the cps-review blocks of comments by configured reviewers, and
// the changed files (to say how many of them the check watches).
func (e *env) gitHubChange(ctx context.Context, client *github.Client, gctx *github.Context, cfg *config.Config, cfgPath string) (check.Change, string, error) {
	ch := check.Change{Author: gctx.Author, Config: cfgPath}
	body, bodyName := gctx.Body, "commit message"
	var watched string
	if gctx.Number > 0 {
		bodyName = fmt.Sprintf("pull request #%d description", gctx.Number)
		pr, err := client.PullRequest(ctx, gctx.Number)
		if err != nil {
			return ch, "", err
		}
		body = pr.Body
		if pr.Author != "" {
			ch.Author = pr.Author
		}
		if gctx.Event != "merge_group" && pr.HeadSHA != "" && pr.HeadSHA != gctx.HeadSHA {
			e.notice("the pull request's head is now %s; this run checks %s, the head when the event fired", short(pr.HeadSHA), short(gctx.HeadSHA))
		}
		// An approval vouches for the change only when given on the
		// commit this run checks (in a merge queue: the pull request's
		// head), after the description's last edit, by a person with
		// write access other than the author.
		approved := gctx.HeadSHA
		if gctx.Event == "merge_group" {
			approved = pr.HeadSHA
		}
		approvals, err := client.Approvals(ctx, gctx.Number)
		if err != nil {
			return ch, "", err
		}
		edited, err := client.DescriptionEdited(ctx, gctx.Number)
		if err != nil {
			return ch, "", err
		}
		reviewers := client.NewReviewers(cfg.Reviewers)
		verified, err := github.VerifyApprovals(ctx, approvals, approved, ch.Author, edited, reviewers.Allowed)
		if err != nil {
			return ch, "", err
		}
		ch.Approvers = verified.Approvers
		for _, why := range verified.Rejected {
			e.notice("%s", why)
		}
		comments, err := client.Comments(ctx, gctx.Number)
		if err != nil {
			return ch, "", err
		}
		ch.Reviews, err = github.CommentReviews(ctx, comments, reviewers.Allowed)
		if err != nil {
			return ch, "", fmt.Errorf("reviews in pull-request comments:\n%w", err)
		}
		for _, n := range reviewers.Notices {
			e.notice("%s", n)
		}
		files, err := client.Files(ctx, gctx.Number)
		if err != nil {
			return ch, "", err
		}
		watched = watchedLine(cfg, files)
	}
	if err := review.CheckIdentity(ch.Author); err != nil {
		return ch, "", fmt.Errorf("the %s event names no author of the change: %w", gctx.Event, err)
	}
	reviews, paragraphs, err := review.ParseBody(bodyName, []byte(body))
	if err != nil {
		return ch, "", err
	}
	ch.Reviews = append(reviews, ch.Reviews...)
	ch.Paragraphs = paragraphs
	return ch, watched, nil
}

// docReader reads a CPS in another repository from its local checkout when
// --cps-checkout names one, else through the contents API.
func docReader(dirs map[string]string, local, api check.DocReader) check.DocReader {
	return func(doc config.Document) ([]byte, error) {
		if _, ok := dirs[doc.Repo]; ok {
			return local(doc)
		}
		return api(doc)
	}
}

// watchedLine says how many of the changed files are inputs of the check.
func watchedLine(cfg *config.Config, files []github.ChangedFile) string {
	exact, globs := cfg.Paths()
	n := 0
	for _, f := range files {
		for _, p := range []string{f.Path, f.Previous} {
			if p != "" && watches(exact, globs, p) {
				n++
				break
			}
		}
	}
	return fmt.Sprintf("<sub>cpsgate reads %d of the %d files this pull request changes.</sub>", n, len(files))
}

func watches(exact, globs []string, p string) bool {
	for _, x := range exact {
		if p == x || strings.HasPrefix(p, strings.TrimSuffix(x, "/")+"/") {
			return true
		}
	}
	for _, g := range globs {
		if gitrepo.Match(g, p) {
			return true
		}
	}
	return false
}

// stickyComment writes the report into the pull request's one cpsgate
// comment, or the short pass note when the check passes.
func (e *env) stickyComment(ctx context.Context, client *github.Client, gctx *github.Context, res *result.Result, md string) error {
	if gctx.Number == 0 {
		e.notice("--comment: a %s event has no pull request; no comment written", gctx.Event)
		return nil
	}
	self, err := client.Self(ctx)
	if err != nil {
		return err
	}
	body := md
	if res.Pass {
		body = github.PassNote(res.Head)
	}
	_, err = client.Sticky(ctx, gctx.Number, self, body, res.Pass)
	if github.IsReadOnly(err) {
		e.notice("the token may not write to %s/%s (a pull request from a fork?): the pull-request comment was skipped; the verdict stands", gctx.Owner, gctx.Repo)
		return nil
	}
	return err
}

// checkRun records the verdict as a check run on the change's head.
func (e *env) checkRun(ctx context.Context, client *github.Client, gctx *github.Context, res *result.Result, md string) error {
	conclusion, title := "success", "cpsgate: pass"
	if !res.Pass {
		conclusion, title = "failure", fmt.Sprintf("cpsgate: %d to fix", countSeverity(res, result.Deny))
	}
	_, err := client.CheckRun(ctx, gctx.HeadSHA, conclusion, title, md, github.Annotations(res))
	if github.IsReadOnly(err) {
		e.notice("the token may not create check runs in %s/%s (a pull request from a fork, or no checks: write permission): the check run was skipped; the verdict stands", gctx.Owner, gctx.Repo)
		return nil
	}
	return err
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

// stepOutputs are the step's outputs in the GITHUB_OUTPUT format.
func stepOutputs(res *result.Result) string {
	return fmt.Sprintf("pass=%t\ndeny=%d\nwarn=%d\n", res.Pass, countSeverity(res, result.Deny), countSeverity(res, result.Warn))
}

func countSeverity(res *result.Result, sev string) int {
	n := 0
	for _, f := range res.Findings {
		if f.Severity == sev {
			n++
		}
	}
	return n
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

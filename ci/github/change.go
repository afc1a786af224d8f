package github

import (
	"context"
	"fmt"
	"strings"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/gitrepo"
	"github.com/cpsgate/cpsgate/result"
	"github.com/cpsgate/cpsgate/review"
	"github.com/cpsgate/cpsgate/revision"
)

// Revisions picks base and head from the event. For a pull_request
// event whose test merge commit is checked out, that commit is the head and
// its first parent (the base branch) the base: the change as it will merge.
// A commit missing from the clone is an error, never a pass.
func Revisions(repo *gitrepo.Repo, gctx *Context) (base, head revision.Snapshot, err error) {
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

// BuildChange reads the change from the API: the current description, the
// approvals, the cps-review blocks of comments by configured reviewers, and
// the changed files (to say how many of them the check watches: the
// second result, a line for the job summary). notice tells the user what
// was left out and why.
func BuildChange(ctx context.Context, client *Client, gctx *Context, cfg *config.Config, cfgPath string, notice func(format string, args ...any)) (check.Change, string, error) {
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
			notice("the pull request's head is now %s; this run checks %s, the head when the event fired", short(pr.HeadSHA), short(gctx.HeadSHA))
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
		verified, err := VerifyApprovals(ctx, approvals, approved, ch.Author, edited, reviewers.Allowed)
		if err != nil {
			return ch, "", err
		}
		ch.Approvers = verified.Approvers
		for _, why := range verified.Rejected {
			notice("%s", why)
		}
		comments, err := client.Comments(ctx, gctx.Number)
		if err != nil {
			return ch, "", err
		}
		ch.Reviews, err = CommentReviews(ctx, comments, reviewers.Allowed)
		if err != nil {
			return ch, "", fmt.Errorf("reviews in pull-request comments:\n%w", err)
		}
		for _, n := range reviewers.Notices {
			notice("%s", n)
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

// watchedLine says how many of the changed files are inputs of the check.
func watchedLine(cfg *config.Config, files []ChangedFile) string {
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

// StickyComment writes the report into the pull request's one cpsgate
// comment, or the short pass note when the check passes.
func StickyComment(ctx context.Context, client *Client, gctx *Context, res *result.Result, md string, notice func(format string, args ...any)) error {
	if gctx.Number == 0 {
		notice("--comment: a %s event has no pull request; no comment written", gctx.Event)
		return nil
	}
	self, err := client.Self(ctx)
	if err != nil {
		return err
	}
	body := md
	if res.Pass {
		body = PassNote(res.Head)
	}
	_, err = client.Sticky(ctx, gctx.Number, self, body, res.Pass)
	if IsReadOnly(err) {
		notice("the token may not write to %s/%s (a pull request from a fork?): the pull-request comment was skipped; the verdict stands", gctx.Owner, gctx.Repo)
		return nil
	}
	return err
}

// RecordCheckRun records the verdict as a check run on the change's head.
func RecordCheckRun(ctx context.Context, client *Client, gctx *Context, res *result.Result, md string, notice func(format string, args ...any)) error {
	conclusion, title := "success", "cpsgate: pass"
	if !res.Pass {
		conclusion, title = "failure", fmt.Sprintf("cpsgate: %d to fix", CountSeverity(res, result.Deny))
	}
	_, err := client.CheckRun(ctx, gctx.HeadSHA, conclusion, title, md, Annotations(res))
	if IsReadOnly(err) {
		notice("the token may not create check runs in %s/%s (a pull request from a fork, or no checks: write permission): the check run was skipped; the verdict stands", gctx.Owner, gctx.Repo)
		return nil
	}
	return err
}

// StepOutputs are the step's outputs in the GITHUB_OUTPUT format.
func StepOutputs(res *result.Result) string {
	return fmt.Sprintf("pass=%t\ndeny=%d\nwarn=%d\n", res.Pass, CountSeverity(res, result.Deny), CountSeverity(res, result.Warn))
}

// CountSeverity counts the findings of a severity.
func CountSeverity(res *result.Result, sev string) int {
	n := 0
	for _, f := range res.Findings {
		if f.Severity == sev {
			n++
		}
	}
	return n
}

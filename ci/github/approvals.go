package github

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"
)

// Approval is a reviewer's latest decision on a pull request, when that
// decision is an approval.
type Approval struct {
	Login     string
	Bot       bool      // the reviewer is a bot or an app
	CommitID  string    // the commit the approval was given on
	Submitted time.Time // when it was submitted
}

// Approvals returns the approvals of pull request number: for each login
// whose latest decision is APPROVED, that review, sorted by login. A later
// "changes requested" or a dismissal withdraws an approval; a plain comment
// does not.
func (c *Client) Approvals(ctx context.Context, number int) ([]Approval, error) {
	latest := map[string]*gh.PullRequestReview{}
	opts := &gh.ListOptions{PerPage: perPage}
	for {
		reviews, resp, err := c.gh.PullRequests.ListReviews(ctx, c.Owner, c.Repo, number, opts)
		if err != nil {
			return nil, c.wrap("GET", fmt.Sprintf("/repos/%s/%s/pulls/%d/reviews", c.Owner, c.Repo, number), err)
		}
		for _, r := range reviews {
			switch r.GetState() {
			case "APPROVED", "CHANGES_REQUESTED", "DISMISSED":
				if login := r.GetUser().GetLogin(); login != "" {
					latest[login] = r
				}
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	var out []Approval
	for login, r := range latest {
		if r.GetState() != "APPROVED" {
			continue
		}
		u := r.GetUser()
		out = append(out, Approval{
			Login:     login,
			Bot:       u.GetType() == "Bot" || strings.HasSuffix(login, "[bot]"),
			CommitID:  r.GetCommitID(),
			Submitted: r.GetSubmittedAt().Time,
		})
	}
	slices.SortFunc(out, func(a, b Approval) int { return strings.Compare(a.Login, b.Login) })
	return out, nil
}

// Approvers returns the logins of Approvals, sorted.
func (c *Client) Approvers(ctx context.Context, number int) ([]string, error) {
	approvals, err := c.Approvals(ctx, number)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(approvals))
	for i, a := range approvals {
		out[i] = a.Login
	}
	return out, nil
}

// writePermissions are the repository permissions that let a person merge,
// and so vouch for a change.
var writePermissions = []string{"admin", "maintain", "write"}

// CanWrite reports whether login may push to the repository (collaborator
// permission admin, maintain or write). Someone who is not a collaborator
// cannot.
func (c *Client) CanWrite(ctx context.Context, login string) (bool, error) {
	p, _, err := c.gh.Repositories.GetPermissionLevel(ctx, c.Owner, c.Repo, login)
	if err != nil {
		err = c.wrap("GET", fmt.Sprintf("/repos/%s/%s/collaborators/%s/permission", c.Owner, c.Repo, login), err)
		if IsNotFound(err) {
			return false, nil
		}
		return false, err
	}
	return slices.Contains(writePermissions, p.GetPermission()), nil
}

// DescriptionEdited returns when the description of pull request number was
// last edited, or the zero time when it never was. The REST API does not
// say; GraphQL's PullRequest.lastEditedAt does.
func (c *Client) DescriptionEdited(ctx context.Context, number int) (time.Time, error) {
	query := `query($owner: String!, $name: String!, $number: Int!) { repository(owner: $owner, name: $name) { pullRequest(number: $number) { lastEditedAt } } }`
	body, err := json.Marshal(map[string]any{
		"query":     query,
		"variables": map[string]any{"owner": c.Owner, "name": c.Repo, "number": number},
	})
	if err != nil {
		return time.Time{}, err
	}
	u := c.graphQLURL()
	req, err := c.gh.NewRequest(http.MethodPost, u, json.RawMessage(body))
	if err != nil {
		return time.Time{}, err
	}
	var out struct {
		Data struct {
			Repository *struct {
				PullRequest *struct {
					LastEditedAt *time.Time `json:"lastEditedAt"`
				} `json:"pullRequest"`
			} `json:"repository"`
		} `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	var raw bytes.Buffer
	if _, err := c.gh.Do(ctx, req, &raw); err != nil {
		return time.Time{}, c.wrap("POST", "/graphql", err)
	}
	if err := json.Unmarshal(raw.Bytes(), &out); err != nil {
		return time.Time{}, fmt.Errorf("POST /graphql: %w", err)
	}
	if len(out.Errors) > 0 {
		return time.Time{}, fmt.Errorf("POST /graphql: %s", c.redact(out.Errors[0].Message))
	}
	if out.Data.Repository == nil || out.Data.Repository.PullRequest == nil {
		return time.Time{}, fmt.Errorf("POST /graphql: no pull request %d in %s/%s", number, c.Owner, c.Repo)
	}
	if t := out.Data.Repository.PullRequest.LastEditedAt; t != nil {
		return *t, nil
	}
	return time.Time{}, nil
}

// graphQLURL is the GraphQL endpoint beside the REST root: /graphql on
// api.github.com, /api/graphql on GitHub Enterprise Server (REST at /api/v3).
func (c *Client) graphQLURL() string {
	base := c.gh.BaseURL.String()
	if root, ok := strings.CutSuffix(base, "/api/v3/"); ok {
		return root + "/api/graphql"
	}
	return base + "graphql"
}

// Verified is the outcome of VerifyApprovals.
type Verified struct {
	Approvers []string // verified approvers other than the author, sorted
	Rejected  []string // why each other approval does not count, for the log
}

// VerifyApprovals keeps the approvals that vouch for a change by author
// whose head is commit head: given on head itself (an approval of an older
// commit approved other code), after the description was last edited
// (edited, zero when never: the approver did not see a later claim), by a
// person (not a bot or app) other than the author, who may approve
// (allowed: write access or listed in `reviewers:`).
func VerifyApprovals(ctx context.Context, approvals []Approval, head, author string, edited time.Time, allowed func(context.Context, string) (bool, error)) (Verified, error) {
	var v Verified
	reject := func(a Approval, why string) {
		v.Rejected = append(v.Rejected, fmt.Sprintf("the approval by %s does not count: %s", a.Login, why))
	}
	for _, a := range approvals {
		switch {
		case strings.EqualFold(a.Login, author):
			continue
		case a.Bot:
			reject(a, "it is by a bot or app, not a person")
			continue
		case a.CommitID != head:
			reject(a, fmt.Sprintf("it approves commit %s, not the head %s; %s must approve again", short(a.CommitID), short(head), a.Login))
			continue
		case !edited.IsZero() && a.Submitted.Before(edited):
			reject(a, fmt.Sprintf("the pull-request description was edited (%s) after it was given (%s); %s must approve again", edited.UTC().Format(time.RFC3339), a.Submitted.UTC().Format(time.RFC3339), a.Login))
			continue
		}
		ok, err := allowed(ctx, a.Login)
		if err != nil {
			return Verified{}, err
		}
		if !ok {
			reject(a, fmt.Sprintf("%s has no write access to the repository and is not in `reviewers:`", a.Login))
			continue
		}
		v.Approvers = append(v.Approvers, a.Login)
	}
	return v, nil
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v60/github"
)

// DefaultAPIURL is the API of github.com.
const DefaultAPIURL = "https://api.github.com"

// perPage is the page size of every list request (GitHub's largest).
const perPage = 100

// Client talks to the REST API for one repository.
type Client struct {
	gh          *gh.Client
	Owner, Repo string
	token       string
}

// NewClient returns a client for owner/repo at apiURL (empty for
// github.com; a GitHub Enterprise Server URL such as
// https://ghe.example.com/api/v3 otherwise) that authenticates with token.
// retry wraps the transport of hc (nil: no retries); hc nil is a plain
// http.Client.
func NewClient(hc *http.Client, retry *Retry, apiURL, token, owner, repo string) (*Client, error) {
	if hc == nil {
		hc = &http.Client{}
	}
	c := *hc
	if retry != nil {
		r := *retry
		if r.Next == nil {
			r.Next = c.Transport
		}
		c.Transport = &r
	}
	client := gh.NewClient(&c)
	client.UserAgent = "cpsgate"
	if token != "" {
		client = client.WithAuthToken(token)
	}
	apiURL = strings.TrimSuffix(apiURL, "/")
	if apiURL != "" && apiURL != DefaultAPIURL {
		u, err := url.Parse(apiURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("GITHUB_API_URL %q is not an http(s) URL", apiURL)
		}
		client, err = client.WithEnterpriseURLs(apiURL, apiURL)
		if err != nil {
			return nil, fmt.Errorf("GITHUB_API_URL %q: %w", apiURL, err)
		}
	}
	return &Client{gh: client, Owner: owner, Repo: repo, token: token}, nil
}

// BaseURL is the API root requests go to.
func (c *Client) BaseURL() string { return c.gh.BaseURL.String() }

// APIError is a failed request, named by method and path.
type APIError struct {
	Method   string
	Path     string // relative to the API root, with the query
	Status   int    // 0 for a network error
	Message  string // GitHub's message, or the network error
	Attempts int
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: ", e.Method, e.Path)
	if e.Status != 0 {
		b.WriteString(strconv.Itoa(e.Status))
		if t := http.StatusText(e.Status); t != "" {
			b.WriteString(" " + t)
		}
		if e.Message != "" {
			b.WriteString(": ")
		}
	}
	b.WriteString(e.Message)
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (gave up after %d attempts)", e.Attempts)
	}
	return b.String()
}

// ReadOnly reports whether the error is GitHub refusing a write to a token
// that may only read (the token of a pull request from a fork).
func (e *APIError) ReadOnly() bool {
	return e.Status == http.StatusForbidden && strings.Contains(e.Message, "Resource not accessible by")
}

// IsReadOnly reports whether err is an APIError for a read-only token.
func IsReadOnly(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.ReadOnly()
}

// IsNotFound reports whether err is an APIError with status 404.
func IsNotFound(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}

// wrap turns an error of go-github into an APIError that names the request
// and holds no token.
func (c *Client) wrap(method, path string, err error) error {
	if err == nil {
		return nil
	}
	ae := &APIError{Method: method, Path: path}
	var resp *http.Response
	var er *gh.ErrorResponse
	var rl *gh.RateLimitError
	var ab *gh.AbuseRateLimitError
	switch {
	case errors.As(err, &er):
		resp, ae.Message = er.Response, er.Message
		for _, e := range er.Errors {
			if e.Message != "" {
				ae.Message += "; " + e.Message
			}
		}
	case errors.As(err, &rl):
		resp, ae.Message = rl.Response, rl.Message
		ae.Message += fmt.Sprintf(" (rate limit resets at %s)", rl.Rate.Reset.UTC().Format("15:04:05 UTC"))
	case errors.As(err, &ab):
		resp, ae.Message = ab.Response, ab.Message
	default:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		ae.Message = err.Error()
	}
	if resp != nil {
		ae.Status = resp.StatusCode
		ae.Attempts, _ = strconv.Atoi(resp.Header.Get(attemptsHeader))
		if resp.Request != nil {
			ae.Method, ae.Path = resp.Request.Method, c.relPath(resp.Request.URL)
		}
	}
	ae.Message = c.redact(ae.Message)
	ae.Path = c.redact(ae.Path)
	return ae
}

// relPath is u's path below the API root, with its query.
func (c *Client) relPath(u *url.URL) string {
	p := strings.TrimPrefix(u.EscapedPath(), strings.TrimSuffix(c.gh.BaseURL.EscapedPath(), "/"))
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

func (c *Client) redact(s string) string {
	if c.token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.token, "***")
}

// PullRequest is the current state of a pull request.
type PullRequest struct {
	Number  int
	Author  string
	Body    string
	BaseSHA string
	HeadSHA string
}

// PullRequest fetches pull request number.
func (c *Client) PullRequest(ctx context.Context, number int) (*PullRequest, error) {
	pr, _, err := c.gh.PullRequests.Get(ctx, c.Owner, c.Repo, number)
	if err != nil {
		return nil, c.wrap("GET", fmt.Sprintf("/repos/%s/%s/pulls/%d", c.Owner, c.Repo, number), err)
	}
	return &PullRequest{
		Number: pr.GetNumber(), Author: pr.GetUser().GetLogin(), Body: pr.GetBody(),
		BaseSHA: pr.GetBase().GetSHA(), HeadSHA: pr.GetHead().GetSHA(),
	}, nil
}

// Comment is an issue comment on a pull request.
type Comment struct {
	ID       int64
	Author   string
	Bot      bool // the author is a bot or app
	Body     string
	URL      string
	Position string // how errors name the comment
}

// Comments returns every issue comment of pull request number, oldest first.
func (c *Client) Comments(ctx context.Context, number int) ([]Comment, error) {
	var out []Comment
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: perPage}}
	for {
		list, resp, err := c.gh.Issues.ListComments(ctx, c.Owner, c.Repo, number, opts)
		if err != nil {
			return nil, c.wrap("GET", fmt.Sprintf("/repos/%s/%s/issues/%d/comments", c.Owner, c.Repo, number), err)
		}
		for _, ic := range list {
			u := ic.GetUser()
			out = append(out, Comment{
				ID: ic.GetID(), Author: u.GetLogin(), Bot: u.GetType() == "Bot", Body: ic.GetBody(),
				URL: ic.GetHTMLURL(), Position: fmt.Sprintf("comment %d by %s", ic.GetID(), u.GetLogin()),
			})
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return out, nil
}

// ChangedFile is a file a pull request changes.
type ChangedFile struct {
	Path     string
	Status   string // added, removed, modified, renamed, copied, changed, unchanged
	Previous string // the old path of a renamed file
}

// Files returns the files pull request number changes (GitHub lists at most
// 3000).
func (c *Client) Files(ctx context.Context, number int) ([]ChangedFile, error) {
	var out []ChangedFile
	opts := &gh.ListOptions{PerPage: perPage}
	for {
		list, resp, err := c.gh.PullRequests.ListFiles(ctx, c.Owner, c.Repo, number, opts)
		if err != nil {
			return nil, c.wrap("GET", fmt.Sprintf("/repos/%s/%s/pulls/%d/files", c.Owner, c.Repo, number), err)
		}
		for _, f := range list {
			out = append(out, ChangedFile{Path: f.GetFilename(), Status: f.GetStatus(), Previous: f.GetPreviousFilename()})
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return out, nil
}

// Self returns the login the token belongs to, or "" when GitHub does not
// say (the installation token of GitHub Actions may not read /user).
func (c *Client) Self(ctx context.Context) (string, error) {
	u, _, err := c.gh.Users.Get(ctx, "")
	if err != nil {
		err = c.wrap("GET", "/user", err)
		var ae *APIError
		if errors.As(err, &ae) && (ae.Status == http.StatusForbidden || ae.Status == http.StatusNotFound || ae.Status == http.StatusUnauthorized) {
			return "", nil
		}
		return "", err
	}
	return u.GetLogin(), nil
}

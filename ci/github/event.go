// Package github is cpsgate's GitHub integration: it reads the event that
// started a GitHub Actions run, talks to the GitHub REST API through
// go-github (pull request, reviews, comments, changed files, the sticky
// comment, check runs, the contents API) with retries where GitHub asks for
// them, and never reads the process environment itself: the command layer
// hands it an Env and an *http.Client.
package github

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Env is what the GitHub Actions runner tells a step, read by the caller.
type Env struct {
	EventName  string // GITHUB_EVENT_NAME
	Event      []byte // the contents of the file GITHUB_EVENT_PATH names
	Repository string // GITHUB_REPOSITORY, owner/name
	SHA        string // GITHUB_SHA: for pull_request, the test merge commit
	Token      string // GITHUB_TOKEN
	APIURL     string // GITHUB_API_URL; empty means https://api.github.com
}

// Context is what cpsgate needs to know about the change an event is about.
type Context struct {
	Event   string // the event name
	Action  string // the payload's action, if any
	Owner   string // the repository the workflow runs in
	Repo    string
	Number  int    // the pull request; 0 for a push
	BaseSHA string // the revision configuration and policies come from
	HeadSHA string // the change's head
	// MergeSHA is GITHUB_SHA for pull_request and pull_request_review
	// events: the test merge commit GitHub made of HeadSHA and the base
	// branch. The caller uses it only when its parents prove it is one.
	MergeSHA string
	Author   string // login of the pull request's author, or the pusher
	Body     string // pull request description, or the head commit message for a push
	// Fork is set when the pull request comes from another repository; its
	// token is then read-only.
	Fork bool
}

// Events lists the event names ParseEvent understands.
var Events = []string{"pull_request", "pull_request_target", "pull_request_review", "merge_group", "push"}

type payloadUser struct {
	Login string `json:"login"`
}

type payloadRepo struct {
	FullName string `json:"full_name"`
}

type payloadRef struct {
	SHA  string       `json:"sha"`
	Repo *payloadRepo `json:"repo"`
}

type payload struct {
	Action      string `json:"action"`
	PullRequest *struct {
		Number int          `json:"number"`
		Body   *string      `json:"body"`
		User   *payloadUser `json:"user"`
		Base   *payloadRef  `json:"base"`
		Head   *payloadRef  `json:"head"`
	} `json:"pull_request"`
	MergeGroup *struct {
		BaseSHA    string `json:"base_sha"`
		HeadSHA    string `json:"head_sha"`
		HeadRef    string `json:"head_ref"`
		HeadCommit *struct {
			Message string `json:"message"`
		} `json:"head_commit"`
	} `json:"merge_group"`
	Before     string `json:"before"`
	After      string `json:"after"`
	HeadCommit *struct {
		Message string `json:"message"`
	} `json:"head_commit"`
	Pusher *struct {
		Name string `json:"name"`
	} `json:"pusher"`
	Sender     *payloadUser `json:"sender"`
	Repository *payloadRepo `json:"repository"`
}

// mergeGroupPR finds the pull request number in a merge queue branch,
// refs/heads/gh-readonly-queue/<base>/pr-<number>-<sha>.
var mergeGroupPR = regexp.MustCompile(`/pr-([0-9]+)-[0-9a-f]+$`)

var shaPattern = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)

// ParseEvent reads the event payload of env into a Context. An unsupported
// event, or a payload that lacks what the check needs, is an error.
func ParseEvent(env Env) (*Context, error) {
	if env.EventName == "" {
		return nil, fmt.Errorf("GITHUB_EVENT_NAME is not set: check --github runs inside GitHub Actions")
	}
	if !slices.Contains(Events, env.EventName) {
		return nil, fmt.Errorf("event %q is not supported by check --github (supported: %s)", env.EventName, strings.Join(Events, ", "))
	}
	if len(env.Event) == 0 {
		return nil, fmt.Errorf("%s event: the event payload (GITHUB_EVENT_PATH) is empty", env.EventName)
	}
	var p payload
	if err := json.Unmarshal(env.Event, &p); err != nil {
		return nil, fmt.Errorf("%s event payload: %w", env.EventName, err)
	}
	c := &Context{Event: env.EventName, Action: p.Action}
	missing := func(what string) error {
		return fmt.Errorf("%s event payload has no %s", env.EventName, what)
	}
	switch env.EventName {
	case "pull_request", "pull_request_target", "pull_request_review":
		pr := p.PullRequest
		switch {
		case pr == nil:
			return nil, missing("pull_request")
		case pr.Number <= 0:
			return nil, missing("pull_request.number")
		case pr.Base == nil || pr.Base.SHA == "":
			return nil, missing("pull_request.base.sha")
		case pr.Head == nil || pr.Head.SHA == "":
			return nil, missing("pull_request.head.sha")
		case pr.User == nil || pr.User.Login == "":
			return nil, missing("pull_request.user.login")
		}
		c.Number, c.BaseSHA, c.HeadSHA, c.Author = pr.Number, pr.Base.SHA, pr.Head.SHA, pr.User.Login
		if pr.Body != nil {
			c.Body = *pr.Body
		}
		if pr.Head.Repo != nil && pr.Base.Repo != nil && !strings.EqualFold(pr.Head.Repo.FullName, pr.Base.Repo.FullName) {
			c.Fork = true
		}
		if env.EventName != "pull_request_target" && env.SHA != "" && env.SHA != pr.Head.SHA {
			c.MergeSHA = env.SHA
		}
	case "merge_group":
		mg := p.MergeGroup
		switch {
		case mg == nil:
			return nil, missing("merge_group")
		case mg.BaseSHA == "":
			return nil, missing("merge_group.base_sha")
		case mg.HeadSHA == "":
			return nil, missing("merge_group.head_sha")
		}
		c.BaseSHA, c.HeadSHA = mg.BaseSHA, mg.HeadSHA
		if m := mergeGroupPR.FindStringSubmatch(mg.HeadRef); m != nil {
			c.Number, _ = strconv.Atoi(m[1])
		}
		if mg.HeadCommit != nil {
			c.Body = mg.HeadCommit.Message
		}
		if p.Sender != nil {
			c.Author = p.Sender.Login
		}
	case "push":
		switch {
		case p.After == "":
			return nil, missing("after")
		case p.Before == "":
			return nil, missing("before")
		case strings.Trim(p.Before, "0") == "":
			return nil, fmt.Errorf("push event creates a branch (before is %s): there is no base to compare with; run the check on pull requests", p.Before)
		case strings.Trim(p.After, "0") == "":
			return nil, fmt.Errorf("push event deletes a branch (after is %s): there is nothing to check", p.After)
		}
		c.BaseSHA, c.HeadSHA = p.Before, p.After
		if p.HeadCommit != nil {
			c.Body = p.HeadCommit.Message
		}
		switch {
		case p.Sender != nil && p.Sender.Login != "":
			c.Author = p.Sender.Login
		case p.Pusher != nil:
			c.Author = p.Pusher.Name
		}
	}
	for _, s := range []struct{ name, sha string }{{"base", c.BaseSHA}, {"head", c.HeadSHA}} {
		if !shaPattern.MatchString(s.sha) {
			return nil, fmt.Errorf("%s event payload: %s %q is not a commit id", env.EventName, s.name, s.sha)
		}
	}
	if c.MergeSHA != "" && !shaPattern.MatchString(c.MergeSHA) {
		c.MergeSHA = ""
	}
	full := env.Repository
	if p.Repository != nil && p.Repository.FullName != "" {
		full = p.Repository.FullName
	}
	owner, name, ok := strings.Cut(full, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return nil, fmt.Errorf("%s event: repository %q is not owner/name (payload repository.full_name or GITHUB_REPOSITORY)", env.EventName, full)
	}
	c.Owner, c.Repo = owner, name
	return c, nil
}

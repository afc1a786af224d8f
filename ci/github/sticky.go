package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v60/github"
)

// MaxCommentSize is the longest comment body GitHub accepts.
const MaxCommentSize = 65536

// Sticky actions.
const (
	StickyCreated   = "created"
	StickyUpdated   = "updated"
	StickyUnchanged = "unchanged"
	StickyNone      = "none" // a pass with no comment to edit
)

// PassNote is the sticky comment's text once every review is in.
func PassNote(head string) string {
	if len(head) > 12 {
		head = head[:12]
	}
	return "### cpsgate: all reviewed\n\nEvery flag change in this pull request has a review of its linked CPS sections" +
		fmt.Sprintf(" (checked at `%s`).\n", head)
}

// Sticky keeps one comment, identified by Marker at its start (added to
// body unless it starts with it), on pull request number:
// it edits the comment in place when there is one and creates it otherwise.
// On a pass (pass set) it only edits an existing comment, to body, and
// creates nothing. self is the login of the token (from Self); when it is
// empty, only comments by bots count as cpsgate's own, so that a marker
// pasted by a person is never taken over. It never creates a second comment.
func (c *Client) Sticky(ctx context.Context, number int, self, body string, pass bool) (string, error) {
	text := body
	if !strings.HasPrefix(body, Marker) {
		text = Marker + "\n" + body
	}
	if len(text) > MaxCommentSize {
		text = cut(text, MaxCommentSize-200) + "\n\n… (cut: the comment reached GitHub's size limit; the job summary has the whole report)\n"
	}
	existing, err := c.findSticky(ctx, number, self)
	if err != nil {
		return "", err
	}
	if existing != nil {
		return c.editSticky(ctx, existing, text)
	}
	if pass {
		return StickyNone, nil
	}
	path := fmt.Sprintf("/repos/%s/%s/issues/%d/comments", c.Owner, c.Repo, number)
	_, _, err = c.gh.Issues.CreateComment(noReplay(ctx), c.Owner, c.Repo, number, &gh.IssueComment{Body: gh.String(text)})
	err = c.wrap("POST", path, err)
	var ae *APIError
	if errors.As(err, &ae) && (ae.Status >= 500 || ae.Status == 0) {
		// The comment may exist although the response was lost: look
		// again before trying once more, never making a second one.
		existing, ferr := c.findSticky(ctx, number, self)
		if ferr != nil {
			return "", ferr
		}
		if existing != nil {
			return c.editSticky(ctx, existing, text)
		}
		_, _, err = c.gh.Issues.CreateComment(noReplay(ctx), c.Owner, c.Repo, number, &gh.IssueComment{Body: gh.String(text)})
		err = c.wrap("POST", path, err)
	}
	if err != nil {
		return "", err
	}
	return StickyCreated, nil
}

func (c *Client) editSticky(ctx context.Context, cm *Comment, text string) (string, error) {
	if cm.Body == text {
		return StickyUnchanged, nil
	}
	_, _, err := c.gh.Issues.EditComment(ctx, c.Owner, c.Repo, cm.ID, &gh.IssueComment{Body: gh.String(text)})
	if err != nil {
		return "", c.wrap(http.MethodPatch, fmt.Sprintf("/repos/%s/%s/issues/comments/%d", c.Owner, c.Repo, cm.ID), err)
	}
	return StickyUpdated, nil
}

// findSticky returns cpsgate's comment on the pull request, the oldest if
// there are several, or nil.
func (c *Client) findSticky(ctx context.Context, number int, self string) (*Comment, error) {
	comments, err := c.Comments(ctx, number)
	if err != nil {
		return nil, err
	}
	for i, cm := range comments {
		if !containsMarker(cm.Body) {
			continue
		}
		if (self != "" && cm.Author == self) || (self == "" && cm.Bot) {
			return &comments[i], nil
		}
	}
	return nil, nil
}

func containsMarker(body string) bool {
	return strings.HasPrefix(body, Marker)
}

// cut shortens markdown to at most n bytes, at the end of a line when one
// ends after the first: a line cut in its middle could lose the backticks
// that close a code span and leave repository text in it live (a mention, a
// link). A text of one line is cut at a UTF-8 character boundary.
func cut(text string, n int) string {
	if len(text) <= n {
		return text
	}
	first := strings.IndexByte(text, '\n')
	if i := strings.LastIndexByte(text[:n], '\n'); i > first {
		return text[:i+1]
	}
	for n > 0 && text[n]&0xC0 == 0x80 { // not inside a UTF-8 sequence
		n--
	}
	return text[:n]
}

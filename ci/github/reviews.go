package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/cpsgate/cpsgate/result"
	"github.com/cpsgate/cpsgate/review"
)

// Marker identifies cpsgate's sticky comment.
const Marker = result.CommentMarker

// Reviewers decides who may vouch for a change (approve it, or review it
// in a comment): people with write access to the repository, and those the
// configuration's `reviewers:` lists, as logins or teams written @org/team
// (members per the API).
type Reviewers struct {
	c       *Client
	logins  map[string]bool
	teams   [][2]string // org, slug
	cache   map[string]bool
	Notices []string // what could not be decided, for the log
}

// NewReviewers reads the configured reviewer list.
func (c *Client) NewReviewers(list []string) *Reviewers {
	r := &Reviewers{c: c, logins: map[string]bool{}, cache: map[string]bool{}}
	for _, s := range list {
		s = strings.TrimPrefix(strings.TrimSpace(s), "@")
		if org, team, ok := strings.Cut(s, "/"); ok {
			r.teams = append(r.teams, [2]string{org, team})
			continue
		}
		r.logins[strings.ToLower(s)] = true
	}
	return r
}

// Allowed reports whether login may review.
func (r *Reviewers) Allowed(ctx context.Context, login string) (bool, error) {
	key := strings.ToLower(login)
	if login == "" {
		return false, nil
	}
	if r.logins[key] {
		return true, nil
	}
	if ok, seen := r.cache[key]; seen {
		return ok, nil
	}
	member := false
	for _, t := range r.teams {
		m, _, err := r.c.gh.Teams.GetTeamMembershipBySlug(ctx, t[0], t[1], login)
		if err != nil {
			err = r.c.wrap("GET", fmt.Sprintf("/orgs/%s/teams/%s/memberships/%s", t[0], t[1], login), err)
			if ae, ok := err.(*APIError); ok && (ae.Status == http.StatusNotFound || ae.Status == http.StatusForbidden) {
				if ae.Status == http.StatusForbidden {
					r.Notices = append(r.Notices, fmt.Sprintf("cannot read the members of team @%s/%s with this token (it needs members: read on the organization): %v", t[0], t[1], err))
				}
				continue
			}
			return false, err
		}
		if m.GetState() == "active" {
			member = true
			break
		}
	}
	if !member {
		w, err := r.c.CanWrite(ctx, login)
		if err != nil {
			if ae, ok := err.(*APIError); ok && ae.Status == http.StatusForbidden {
				r.Notices = append(r.Notices, fmt.Sprintf("cannot read the repository permission of %s with this token: %v; list the people who may approve in `reviewers:`", login, err))
				w = false
			} else {
				return false, err
			}
		}
		member = w
	}
	r.cache[key] = member
	return member, nil
}

// CommentReviews returns the cps-review blocks of the comments whose
// authors may review (people: comments by bots and apps are skipped). Such a
// review is by the comment's author whatever its reviewer field says: GitHub
// vouches for who wrote the comment; it counts once that person approves
// the head commit. Quoted blocks are nobody's review (see
// review.ParseBody). The sticky comment and comments by others are skipped;
// paragraphs in comments do not count (only the description's).
func CommentReviews(ctx context.Context, comments []Comment, allowed func(context.Context, string) (bool, error)) ([]review.Review, error) {
	var out []review.Review
	var errs []error
	for _, cm := range comments {
		if cm.Bot || strings.Contains(cm.Body, Marker) || !strings.Contains(cm.Body, "cps-review") {
			continue
		}
		ok, err := allowed(ctx, cm.Author)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		reviews, _, err := review.ParseBody(cm.Position, []byte(cm.Body))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, rv := range reviews {
			rv.Origin = review.OriginComment
			rv.Reviewer = cm.Author
			if rv.Ref == "" {
				rv.Ref = cm.URL
			}
			out = append(out, rv)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

package github

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/review"
)

const pr = "/repos/octo-org/octo-repo/pulls/7"

func TestPullRequestGHES(t *testing.T) {
	resp := fixture(t, "api-pulls-get.json").(object)
	resp["number"] = 7
	resp["body"] = "current body"
	f := newFake(t, "/api/v3", call{method: "GET", path: pr, resp: resp})
	c := f.client(&sleeps{})
	if got, want := c.BaseURL(), f.srv.URL+"/api/v3/"; got != want {
		t.Errorf("BaseURL %q, want %q", got, want)
	}
	got, err := c.PullRequest(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	want := &PullRequest{Number: 7, Author: "octocat", Body: "current body",
		BaseSHA: "6dcb09b5b57875f334f61aebed695e2e4193db5e", HeadSHA: "6dcb09b5b57875f334f61aebed695e2e4193db5e"}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("mismatch (-got +want):\n%s", diff)
	}
}

func TestNewClientURLs(t *testing.T) {
	for _, tc := range []struct{ apiURL, want, err string }{
		{"", "https://api.github.com/", ""},
		{"https://api.github.com", "https://api.github.com/", ""},
		{"https://ghe.example.com/api/v3", "https://ghe.example.com/api/v3/", ""},
		{"https://ghe.example.com/api/v3/", "https://ghe.example.com/api/v3/", ""},
		{"https://ghe.example.com", "https://ghe.example.com/api/v3/", ""},
		{"ftp://x", "", `GITHUB_API_URL "ftp://x" is not an http(s) URL`},
		{"::", "", `GITHUB_API_URL "::" is not an http(s) URL`},
	} {
		c, err := NewClient(nil, nil, tc.apiURL, testToken, "o", "r")
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: error %v, want %q", tc.apiURL, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.apiURL, err)
			continue
		}
		if got := c.BaseURL(); got != tc.want {
			t.Errorf("%q: BaseURL %q, want %q", tc.apiURL, got, tc.want)
		}
	}
}

func TestApprovers(t *testing.T) {
	page1 := []any{
		reviewObj(t, 1, "alice", "APPROVED"),
		reviewObj(t, 2, "bob", "APPROVED"),
		reviewObj(t, 3, "carol", "COMMENTED"),
		reviewObj(t, 4, "dave", "CHANGES_REQUESTED"),
	}
	page2 := []any{
		reviewObj(t, 5, "bob", "CHANGES_REQUESTED"),
		reviewObj(t, 6, "dave", "APPROVED"),
		reviewObj(t, 7, "alice", "COMMENTED"),
		reviewObj(t, 8, "erin", "APPROVED"),
		reviewObj(t, 9, "erin", "DISMISSED"),
	}
	f := newFake(t, "",
		call{method: "GET", path: pr + "/reviews", query: "per_page=100", resp: page1, next: 2},
		call{method: "GET", path: pr + "/reviews", query: "page=2&per_page=100", resp: page2},
	)
	got, err := f.client(&sleeps{}).Approvers(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, []string{"alice", "dave"}); diff != "" {
		t.Errorf("mismatch (-got +want):\n%s", diff)
	}
}

// TestCommentsPagination reads 321 comments over four pages, and takes the
// cps-review blocks of the allowed reviewers only.
func TestCommentsPagination(t *testing.T) {
	all := comments(t, 1000, 321)
	block := "Reviewed.\n\n```cps-review\nflag: AsyncFinalize\nreviewer: somebody-else\ndate: 2026-11-20\nsections: [\"4.3.1\"]\nverdict: compliant\n```\n"
	all[5] = comment(t, 1005, "alice", "User", block)
	all[250] = comment(t, 1250, "mallory", "User", strings.ReplaceAll(block, "4.3.1", "4.3.2"))
	all[320] = comment(t, 1320, "github-actions[bot]", "Bot", Marker+"\n```cps-review\nflag: X\n```\n")
	f := newFake(t, "",
		call{method: "GET", path: "/repos/octo-org/octo-repo/issues/7/comments", query: "per_page=100", resp: all[0:100], next: 2},
		call{method: "GET", path: "/repos/octo-org/octo-repo/issues/7/comments", query: "page=2&per_page=100", resp: all[100:200], next: 3},
		call{method: "GET", path: "/repos/octo-org/octo-repo/issues/7/comments", query: "page=3&per_page=100", resp: all[200:300], next: 4},
		call{method: "GET", path: "/repos/octo-org/octo-repo/issues/7/comments", query: "page=4&per_page=100", resp: all[300:]},
		// mallory is not in reviewers: and may only read the repository.
		call{method: "GET", path: "/repos/octo-org/octo-repo/collaborators/mallory/permission", resp: permission(t, "mallory", "read")},
	)
	c := f.client(&sleeps{})
	ctx := context.Background()
	got, err := c.Comments(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 321 || got[0].ID != 1000 || got[320].ID != 1320 || !got[320].Bot || got[5].Author != "alice" {
		t.Fatalf("got %d comments, first %+v, last %+v", len(got), got[0], got[len(got)-1])
	}
	reviews, err := CommentReviews(ctx, got, c.NewReviewers([]string{"@Alice", "bob"}).Allowed)
	if err != nil {
		t.Fatal(err)
	}
	for i := range reviews {
		reviews[i].Pos.Col = 0
	}
	want := []review.Review{{
		Flag: "AsyncFinalize", Date: "2026-11-20", Reviewer: "alice", Sections: []string{"4.3.1"}, Verdict: "compliant",
		Origin: review.OriginComment, Ref: "https://github.com/octo-org/octo-repo/pull/7#issuecomment-1005",
	}}
	want[0].Pos.File, want[0].Pos.Line = "comment 1005 by alice", 4
	if diff := cmp.Diff(reviews, want); diff != "" {
		t.Errorf("reviews mismatch (-got +want):\n%s", diff)
	}
}

func TestCommentReviewErrors(t *testing.T) {
	cs := []Comment{{ID: 9, Author: "alice", Body: "```cps-review\nflag: A\nverdict: maybe\n```\n", Position: "comment 9 by alice"}}
	_, err := CommentReviews(context.Background(), cs, func(context.Context, string) (bool, error) { return true, nil })
	if err == nil || !strings.HasPrefix(err.Error(), "comment 9 by alice:3:") {
		t.Errorf("error %v, want one at comment 9 by alice:3", err)
	}
}

func TestTeamReviewers(t *testing.T) {
	member := fixture(t, "api-teams-get-membership-for-user-in-org.json")
	pending := fixture(t, "api-teams-get-membership-for-user-in-org.json").(object)
	pending["state"] = "pending"
	f := newFake(t, "",
		call{method: "GET", path: "/orgs/ca/teams/pma/memberships/carol", resp: member},
		call{method: "GET", path: "/orgs/ca/teams/pma/memberships/dan", status: 404, rawResp: `{"message":"Not Found"}`},
		// Not in the team: write access to the repository also lets one approve.
		call{method: "GET", path: "/repos/octo-org/octo-repo/collaborators/dan/permission", status: 404, rawResp: `{"message":"Not Found"}`},
		call{method: "GET", path: "/orgs/ca/teams/pma/memberships/erin", resp: pending},
		call{method: "GET", path: "/repos/octo-org/octo-repo/collaborators/erin/permission", resp: permission(t, "erin", "read")},
		call{method: "GET", path: "/orgs/ca/teams/pma/memberships/frank", status: 403, rawResp: `{"message":"Resource not accessible by integration"}`},
		call{method: "GET", path: "/repos/octo-org/octo-repo/collaborators/frank/permission", resp: permission(t, "frank", "write")},
	)
	r := f.client(&sleeps{}).NewReviewers([]string{"alice", "@ca/pma"})
	ctx := context.Background()
	var got []string
	for _, login := range []string{"alice", "carol", "dan", "erin", "frank", "carol"} {
		ok, err := r.Allowed(ctx, login)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s=%v", login, ok))
	}
	want := []string{"alice=true", "carol=true", "dan=false", "erin=false", "frank=true", "carol=true"}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("mismatch (-got +want):\n%s", diff)
	}
	if len(r.Notices) != 1 || !strings.Contains(r.Notices[0], "cannot read the members of team @ca/pma") {
		t.Errorf("notices %q", r.Notices)
	}
}

func TestFiles(t *testing.T) {
	file := func(name, status string) object {
		f := fixture(t, "api-pulls-list-files.json").([]any)[0].(object)
		f["filename"], f["status"] = name, status
		return f
	}
	var page1 []any
	for i := range 100 {
		page1 = append(page1, file(fmt.Sprintf("src/f%03d.go", i), "modified"))
	}
	renamed := file("deploy/prod.json", "renamed")
	renamed["previous_filename"] = "deploy/production.json"
	f := newFake(t, "",
		call{method: "GET", path: pr + "/files", query: "per_page=100", resp: page1, next: 2},
		call{method: "GET", path: pr + "/files", query: "page=2&per_page=100", resp: []any{renamed}},
	)
	got, err := f.client(&sleeps{}).Files(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 101 || got[0] != (ChangedFile{Path: "src/f000.go", Status: "modified"}) ||
		got[100] != (ChangedFile{Path: "deploy/prod.json", Status: "renamed", Previous: "deploy/production.json"}) {
		t.Errorf("got %d files: %+v ... %+v", len(got), got[0], got[len(got)-1])
	}
}

func TestSelf(t *testing.T) {
	f := newFake(t, "",
		call{method: "GET", path: "/user", resp: fixture(t, "api-users-get-authenticated.json")},
		call{method: "GET", path: "/user", status: 403, rawResp: `{"message":"Resource not accessible by integration"}`},
		call{method: "GET", path: "/user", status: 500, rawResp: `{"message":"boom"}`},
	)
	c := f.client(&sleeps{})
	ctx := context.Background()
	for _, want := range []string{"octocat", ""} {
		got, err := c.Self(ctx)
		if err != nil || got != want {
			t.Errorf("Self = %q, %v; want %q", got, err, want)
		}
	}
	noRetry, err := NewClient(f.httpClient(), &Retry{Attempts: 1}, "http://api.github.test", testToken, "o", "r")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := noRetry.Self(ctx); err == nil || err.Error() != "GET /user: 500 Internal Server Error: boom" {
		t.Errorf("Self error %v", err)
	}
}

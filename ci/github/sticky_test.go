package github

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const commentsPath = "/repos/octo-org/octo-repo/issues/7/comments"

func TestSticky(t *testing.T) {
	report := "### cpsgate: 2 to fix\n"
	mine := func(id int, body string) object { return comment(t, id, "github-actions[bot]", "Bot", body) }
	page1 := comments(t, 1, 100)
	page2 := append(comments(t, 101, 20), mine(121, Marker+"\nold report"))
	withHuman := append(comments(t, 1, 3), comment(t, 4, "mallory", "User", Marker+"\nI am cpsgate"))
	list := func(resp []any, query string, next int) call {
		return call{method: "GET", path: commentsPath, query: query, resp: resp, next: next}
	}
	bodyJSON := func(s string) string { return mustJSON(map[string]string{"body": Marker + "\n" + s}) }
	created := fixture(t, "api-issues-create-comment.json")
	updated := fixture(t, "api-issues-update-comment.json")
	for _, tc := range []struct {
		name  string
		self  string
		body  string
		pass  bool
		calls []call
		want  string
	}{
		{
			name: "fail, no comment yet: create",
			body: report,
			calls: []call{
				list(page1, "per_page=100", 2), list(comments(t, 101, 5), "page=2&per_page=100", 0),
				{method: "POST", path: commentsPath, body: bodyJSON(report), status: 201, resp: created},
			},
			want: StickyCreated,
		},
		{
			name: "fail, comment on the second page: update it",
			body: report,
			calls: []call{
				list(page1, "per_page=100", 2), list(page2, "page=2&per_page=100", 0),
				{method: "PATCH", path: "/repos/octo-org/octo-repo/issues/comments/121", body: bodyJSON(report), resp: updated},
			},
			want: StickyUpdated,
		},
		{
			name: "pass with a comment: edit it to the note",
			body: PassNote("0123456789abcdef"),
			pass: true,
			calls: []call{
				list(page1, "per_page=100", 2), list(page2, "page=2&per_page=100", 0),
				{method: "PATCH", path: "/repos/octo-org/octo-repo/issues/comments/121", body: bodyJSON(PassNote("0123456789abcdef")), resp: updated},
			},
			want: StickyUpdated,
		},
		{
			name:  "pass without a comment: nothing",
			body:  PassNote("0123456789abcdef"),
			pass:  true,
			calls: []call{list(page1, "per_page=100", 0)},
			want:  StickyNone,
		},
		{
			name:  "same text: no edit",
			body:  "old report",
			calls: []call{list(page1, "per_page=100", 2), list(page2, "page=2&per_page=100", 0)},
			want:  StickyUnchanged,
		},
		{
			name: "a person's comment with the marker is not taken over",
			body: report,
			calls: []call{
				list(withHuman, "per_page=100", 0),
				{method: "POST", path: commentsPath, body: bodyJSON(report), status: 201, resp: created},
			},
			want: StickyCreated,
		},
		{
			name: "known login: only its comment counts",
			self: "cpsgate-bot",
			body: report,
			calls: []call{
				list(append(withHuman, mine(5, Marker+"\nby actions"), comment(t, 6, "cpsgate-bot", "Bot", Marker+"\nmine")), "per_page=100", 0),
				{method: "PATCH", path: "/repos/octo-org/octo-repo/issues/comments/6", body: bodyJSON(report), resp: updated},
			},
			want: StickyUpdated,
		},
		{
			name: "create answered 502 but made: found and not duplicated",
			body: report,
			calls: []call{
				list(comments(t, 1, 2), "per_page=100", 0),
				{method: "POST", path: commentsPath, body: bodyJSON(report), status: 502, rawResp: `{"message":"Bad Gateway"}`},
				list(append(comments(t, 1, 2), mine(3, Marker+"\n"+report)), "per_page=100", 0),
			},
			want: StickyUnchanged,
		},
		{
			name: "create answered 502 and not made: created once more",
			body: report,
			calls: []call{
				list(comments(t, 1, 2), "per_page=100", 0),
				{method: "POST", path: commentsPath, body: bodyJSON(report), status: 502, rawResp: `{"message":"Bad Gateway"}`},
				list(comments(t, 1, 2), "per_page=100", 0),
				{method: "POST", path: commentsPath, body: bodyJSON(report), status: 201, resp: created},
			},
			want: StickyCreated,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, "", tc.calls...)
			got, err := f.client(&sleeps{}).Sticky(context.Background(), 7, tc.self, tc.body, tc.pass)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Sticky = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestStickyTooLong(t *testing.T) {
	long := strings.Repeat("é", MaxCommentSize)
	f := newFake(t, "", call{method: "GET", path: commentsPath, query: "per_page=100", resp: []any{}},
		call{method: "POST", path: commentsPath, status: 201, resp: fixture(t, "api-issues-create-comment.json"),
			body: mustJSON(map[string]string{"body": (Marker + "\n" + long)[:MaxCommentSize-201] + "\n\n… (cut: the comment reached GitHub's size limit; the job summary has the whole report)\n"})})
	if _, err := f.client(&sleeps{}).Sticky(context.Background(), 7, "", long, false); err != nil {
		t.Fatal(err)
	}
}

// TestReadOnly: with the token of a fork's pull request, writes fail with
// an error IsReadOnly recognises, and nothing is retried.
func TestReadOnly(t *testing.T) {
	denied := `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/issues/comments#create-an-issue-comment","status":"403"}`
	f := newFake(t, "",
		call{method: "GET", path: commentsPath, query: "per_page=100", resp: comments(t, 1, 3)},
		call{method: "POST", path: commentsPath, body: mustJSON(map[string]string{"body": Marker + "\nreport"}), status: 403, rawResp: denied},
		call{method: "POST", path: "/repos/octo-org/octo-repo/check-runs", status: 403, rawResp: denied,
			body: `{"name":"cpsgate","head_sha":"abc","status":"completed","conclusion":"failure","output":{"title":"t","summary":"s"}}`},
	)
	s := &sleeps{}
	c := f.client(s)
	ctx := context.Background()
	_, err := c.Sticky(ctx, 7, "", "report", false)
	if !IsReadOnly(err) {
		t.Errorf("Sticky error %v is not read-only", err)
	}
	_, err = c.CheckRun(ctx, "abc", "failure", "t", "s", nil)
	if !IsReadOnly(err) {
		t.Errorf("CheckRun error %v is not read-only", err)
	}
	if want := "POST /repos/octo-org/octo-repo/check-runs: 403 Forbidden: Resource not accessible by integration"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	if diff := cmp.Diff(s.waits, []time.Duration(nil)); diff != "" {
		t.Errorf("waits (-got +want):\n%s", diff)
	}
}

package github

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRetry(t *testing.T) {
	prResp := fixture(t, "api-pulls-get.json")
	get := func(status int, header map[string]string, raw string) call {
		return call{method: "GET", path: pr, status: status, header: header, rawResp: raw}
	}
	ok := call{method: "GET", path: pr, resp: prResp}
	reset := fmt.Sprint(fixedNow.Add(30 * time.Second).Unix())
	for _, tc := range []struct {
		name  string
		calls []call
		waits []time.Duration
		err   string
	}{
		{
			name:  "5xx then success",
			calls: []call{get(502, nil, `{"message":"Bad Gateway"}`), get(503, nil, ""), ok},
			waits: []time.Duration{time.Second, 2 * time.Second},
		},
		{
			name:  "secondary rate limit with Retry-After",
			calls: []call{get(403, map[string]string{"Retry-After": "7"}, `{"message":"You have exceeded a secondary rate limit.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`), ok},
			waits: []time.Duration{7 * time.Second},
		},
		{
			name:  "secondary rate limit without Retry-After",
			calls: []call{get(403, nil, `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`), ok},
			waits: []time.Duration{time.Minute},
		},
		{
			name:  "primary rate limit waits for the reset",
			calls: []call{get(403, map[string]string{"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": reset}, `{"message":"API rate limit exceeded"}`), ok},
			waits: []time.Duration{31 * time.Second},
		},
		{
			name:  "429 with Retry-After",
			calls: []call{get(429, map[string]string{"Retry-After": "3"}, `{"message":"Too Many Requests"}`), ok},
			waits: []time.Duration{3 * time.Second},
		},
		{
			name: "retries exhausted",
			calls: []call{get(502, nil, `{"message":"Server Error"}`), get(502, nil, `{"message":"Server Error"}`),
				get(500, nil, `{"message":"Server Error"}`), get(502, nil, `{"message":"Server Error"}`)},
			waits: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second},
			err:   "GET /repos/octo-org/octo-repo/pulls/7: 502 Bad Gateway: Server Error (gave up after 4 attempts)",
		},
		{
			name:  "a wait too long is not taken",
			calls: []call{get(403, map[string]string{"Retry-After": "3600"}, `{"message":"You have exceeded a secondary rate limit."}`)},
			err:   "GET /repos/octo-org/octo-repo/pulls/7: 403 Forbidden: You have exceeded a secondary rate limit.",
		},
		{
			name:  "a plain 403 is not retried",
			calls: []call{get(403, nil, `{"message":"Must have admin rights to Repository."}`)},
			err:   "GET /repos/octo-org/octo-repo/pulls/7: 403 Forbidden: Must have admin rights to Repository.",
		},
		{
			name:  "a 404 is not retried",
			calls: []call{get(404, nil, `{"message":"Not Found"}`)},
			err:   "GET /repos/octo-org/octo-repo/pulls/7: 404 Not Found: Not Found",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, "", tc.calls...)
			s := &sleeps{}
			_, err := f.client(s).PullRequest(context.Background(), 7)
			switch {
			case tc.err == "" && err != nil:
				t.Fatal(err)
			case tc.err != "" && (err == nil || err.Error() != tc.err):
				t.Errorf("error %v, want %q", err, tc.err)
			}
			if diff := cmp.Diff(s.waits, tc.waits); diff != "" {
				t.Errorf("waits mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

// TestRetryBody repeats a PATCH with its body after a 5xx.
func TestRetryBody(t *testing.T) {
	body := `{"body":"` + Marker + `\nnew"}`
	f := newFake(t, "",
		call{method: "PATCH", path: "/repos/octo-org/octo-repo/issues/comments/5", body: body, status: 500, rawResp: `{}`},
		call{method: "PATCH", path: "/repos/octo-org/octo-repo/issues/comments/5", body: body, resp: fixture(t, "api-issues-update-comment.json")},
	)
	got, err := f.client(&sleeps{}).editSticky(context.Background(), &Comment{ID: 5, Body: "old"}, Marker+"\nnew")
	if err != nil || got != StickyUpdated {
		t.Errorf("editSticky = %q, %v", got, err)
	}
}

// TestTokenNeverInErrors makes GitHub echo the token back, and a network
// failure: no error shows it.
func TestTokenNeverInErrors(t *testing.T) {
	f := newFake(t, "",
		call{method: "GET", path: pr, status: 401, rawResp: `{"message":"Bad credentials: ` + testToken + `"}`},
	)
	c := f.client(&sleeps{})
	ctx := context.Background()
	_, err := c.PullRequest(ctx, 7)
	if err == nil {
		t.Fatal("no error")
	}
	if want := "GET /repos/octo-org/octo-repo/pulls/7: 401 Unauthorized: Bad credentials: ***"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	f.srv.Close()
	s := &sleeps{}
	c = f.client(s)
	for _, op := range []func() error{
		func() error { _, err := c.PullRequest(ctx, 7); return err },
		func() error { _, err := c.Sticky(ctx, 7, "", "body", false); return err },
		func() error { _, err := c.CheckRun(ctx, "abc", "failure", "t", "s", nil); return err },
		func() error { _, err := c.ReadFile(ctx, "ca/policy", "CPS.md", "main"); return err },
	} {
		err := op()
		if err == nil || strings.Contains(err.Error(), testToken) || !strings.Contains(err.Error(), "connection refused") {
			t.Errorf("error %v: want a connection error without the token", err)
		}
	}
	if len(s.waits) == 0 {
		t.Error("network errors were not retried")
	}
}

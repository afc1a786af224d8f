package github

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const (
	headSHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e"
	oldSHA  = "0123456789abcdef0123456789abcdef01234567"
)

var (
	t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	t1 = t0.Add(time.Hour)
)

func TestApprovals(t *testing.T) {
	f := newFake(t, "",
		call{method: "GET", path: pr + "/reviews", query: "per_page=100", resp: []any{
			approval(t, 1, "alice", "User", "APPROVED", headSHA, t0),
			approval(t, 2, "bob", "User", "APPROVED", headSHA, t0),
			approval(t, 3, "renovate[bot]", "Bot", "APPROVED", headSHA, t0),
			approval(t, 4, "carol", "User", "APPROVED", oldSHA, t0),
		}, next: 2},
		call{method: "GET", path: pr + "/reviews", query: "page=2&per_page=100", resp: []any{
			approval(t, 5, "bob", "User", "DISMISSED", headSHA, t1),
			approval(t, 6, "alice", "User", "COMMENTED", headSHA, t1),
			approval(t, 7, "carol", "User", "APPROVED", headSHA, t1),
		}},
	)
	got, err := f.client(&sleeps{}).Approvals(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	want := []Approval{
		{Login: "alice", CommitID: headSHA, Submitted: t0},
		{Login: "carol", CommitID: headSHA, Submitted: t1},
		{Login: "renovate[bot]", Bot: true, CommitID: headSHA, Submitted: t0},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("mismatch (-got +want):\n%s", diff)
	}
}

func TestVerifyApprovals(t *testing.T) {
	allowed := func(_ context.Context, login string) (bool, error) { return login != "outsider", nil }
	approvals := []Approval{
		{Login: "Bob", CommitID: headSHA, Submitted: t1},          // the author, in another case
		{Login: "alice", CommitID: headSHA, Submitted: t1},        // counts
		{Login: "carol", CommitID: oldSHA, Submitted: t1},         // an older commit
		{Login: "dependabot[bot]", Bot: true, CommitID: headSHA},  // a bot
		{Login: "erin", CommitID: headSHA, Submitted: t0},         // before the description's edit
		{Login: "outsider", CommitID: headSHA, Submitted: t1},     // no write access
		{Login: "frank", CommitID: headSHA, Submitted: t1.Add(1)}, // counts
	}
	edited := t0.Add(time.Minute)
	got, err := VerifyApprovals(context.Background(), approvals, headSHA, "bob", edited, allowed)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got.Approvers, []string{"alice", "frank"}); diff != "" {
		t.Errorf("approvers mismatch (-got +want):\n%s", diff)
	}
	wantRejected := []string{
		"carol does not count: it approves commit 0123456789ab, not the head 6dcb09b5b578",
		"dependabot[bot] does not count: it is by a bot",
		"erin does not count: the pull-request description was edited (2026-11-20T10:01:00Z) after it was given (2026-11-20T10:00:00Z)",
		"outsider does not count: outsider has no write access",
	}
	if len(got.Rejected) != len(wantRejected) {
		t.Fatalf("rejected %q", got.Rejected)
	}
	for i, w := range wantRejected {
		if !strings.Contains(got.Rejected[i], w) {
			t.Errorf("rejected[%d] = %q, want it to contain %q", i, got.Rejected[i], w)
		}
	}
	// Never edited: erin's approval counts.
	got, err = VerifyApprovals(context.Background(), approvals, headSHA, "bob", time.Time{}, allowed)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got.Approvers, []string{"alice", "erin", "frank"}); diff != "" {
		t.Errorf("approvers without an edit mismatch (-got +want):\n%s", diff)
	}
}

func TestDescriptionEdited(t *testing.T) {
	query := `{"query":"query($owner: String!, $name: String!, $number: Int!) { repository(owner: $owner, name: $name) { pullRequest(number: $number) { lastEditedAt } } }","variables":{"owner":"octo-org","name":"octo-repo","number":7}}`
	for _, tt := range []struct {
		name, prefix, resp string
		want               time.Time
		wantErr            string
	}{
		{name: "edited", resp: `{"data":{"repository":{"pullRequest":{"lastEditedAt":"2026-11-20T10:01:00Z"}}}}`, want: t0.Add(time.Minute)},
		{name: "never edited", resp: `{"data":{"repository":{"pullRequest":{"lastEditedAt":null}}}}`},
		{name: "GHES", prefix: "/api/v3", resp: `{"data":{"repository":{"pullRequest":{"lastEditedAt":"2026-11-20T10:00:00Z"}}}}`, want: t0},
		{name: "error", resp: `{"data":{"repository":null},"errors":[{"type":"NOT_FOUND","message":"Could not resolve to a Repository"}]}`, wantErr: "POST /graphql: Could not resolve to a Repository"},
		{name: "no pull request", resp: `{"data":{"repository":{"pullRequest":null}}}`, wantErr: "no pull request 7"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.prefix, call{method: "POST", path: "/graphql", body: query, rawResp: tt.resp})
			got, err := f.client(&sleeps{}).DescriptionEdited(context.Background(), 7)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

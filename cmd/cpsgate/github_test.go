package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/ci/github"
	"github.com/cpsgate/cpsgate/output"
)

const ghToken = "ghs_E2ETOKEN0123456789abcdefghij"

// ghCall is one request the fake GitHub of the end-to-end test expects.
type ghCall struct {
	method, path, query string
	check               func(t *testing.T, body map[string]any) // asserts the JSON body; nil: none expected
	status              int
	resp                any
	raw                 string
}

// ghFake serves GitHub's example payloads (ci/github/testdata) in the
// expected order and fails the test on any other call or a missing one.
type ghFake struct {
	t     *testing.T
	mu    sync.Mutex
	calls []ghCall
	next  int
}

func newGHFake(t *testing.T, calls []ghCall) *httptest.Server {
	f := &ghFake{t: t, calls: calls}
	srv := httptest.NewServer(f)
	t.Cleanup(func() {
		srv.Close()
		for _, c := range f.calls[f.next:] {
			t.Errorf("missing call: %s %s", c.method, c.path)
		}
	})
	return srv
}

func (f *ghFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.t
	data, _ := io.ReadAll(r.Body)
	path := strings.TrimPrefix(r.URL.Path, "/api/v3")
	if r.URL.Path == "/api/graphql" {
		path = "/graphql" // GraphQL beside the REST root of GitHub Enterprise Server
	}
	if f.next >= len(f.calls) {
		t.Errorf("unexpected call: %s %s %s", r.Method, path, data)
		w.WriteHeader(http.StatusTeapot)
		return
	}
	c := f.calls[f.next]
	f.next++
	if got, want := r.Method+" "+path+"?"+r.URL.Query().Encode(), c.method+" "+c.path+"?"+c.query; got != want {
		t.Errorf("call %d: got %s, want %s", f.next, got, want)
	}
	if r.Header.Get("Authorization") != "Bearer "+ghToken {
		t.Errorf("call %d: Authorization %q", f.next, r.Header.Get("Authorization"))
	}
	switch {
	case c.check == nil && len(data) > 0:
		t.Errorf("call %d %s: unexpected body %s", f.next, path, data)
	case c.check != nil:
		var body map[string]any
		if err := json.Unmarshal(data, &body); err != nil {
			t.Errorf("call %d %s: body %q: %v", f.next, path, data, err)
		}
		c.check(t, body)
	}
	status := c.status
	if status == 0 {
		status = http.StatusOK
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if c.resp != nil {
		json.NewEncoder(w).Encode(c.resp)
		return
	}
	io.WriteString(w, c.raw)
}

func ghFixture(t *testing.T, name string) any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "ci", "github", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

type jsonObject = map[string]any

func ghComment(t *testing.T, id int, login, userType, body string) jsonObject {
	c := ghFixture(t, "api-issues-list-comments.json").([]any)[0].(jsonObject)
	c["id"], c["body"] = id, body
	c["user"].(jsonObject)["login"] = login
	c["user"].(jsonObject)["type"] = userType
	return c
}

// gitRepo makes the demo repository with a base commit on main and a change
// that enables AsyncFinalize in production; cfgExtra is appended to the
// base's configuration.
func gitRepo(t *testing.T, cfgExtra string) (dir, base, head string) {
	t.Helper()
	dir = t.TempDir()
	sub, err := fs.Sub(demoFiles, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(dir, sub); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, ".cpsgate.yaml")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, append(data, cfgExtra...), 0o644); err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "HOME="+dir, "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=A", "GIT_AUTHOR_EMAIL=a@example.org", "GIT_COMMITTER_NAME=C", "GIT_COMMITTER_EMAIL=c@example.org",
			"GIT_AUTHOR_DATE=2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "example CA")
	base = git("rev-parse", "HEAD")
	git("checkout", "-q", "-b", "change")
	prod := filepath.Join(dir, "deploy", "prod.json")
	data, err = os.ReadFile(prod)
	if err != nil {
		t.Fatal(err)
	}
	enabled := strings.Replace(string(data), `"AsyncFinalize": false`, `"AsyncFinalize": true`, 1)
	if enabled == string(data) {
		t.Fatal("deploy/prod.json does not hold AsyncFinalize: false")
	}
	if err := os.WriteFile(prod, []byte(enabled), 0o644); err != nil {
		t.Fatal(err)
	}
	git("commit", "-q", "-am", "Enable AsyncFinalize in production")
	head = git("rev-parse", "HEAD")
	return dir, base, head
}

// prEvent is GitHub's example pull_request opened event, made about pull
// request 7 of octo-org/octo-repo from base to head.
func prEvent(t *testing.T, dir, base, head string) string {
	ev := ghFixture(t, "event-pull_request-opened.json").(jsonObject)
	p := ev["pull_request"].(jsonObject)
	p["number"] = 7
	p["base"].(jsonObject)["sha"] = base
	p["head"].(jsonObject)["sha"] = head
	p["base"].(jsonObject)["repo"].(jsonObject)["full_name"] = "octo-org/octo-repo"
	p["head"].(jsonObject)["repo"].(jsonObject)["full_name"] = "octo-org/octo-repo"
	return writeEvent(t, dir, ev)
}

// writeEvent writes an event payload beside the repository.
func writeEvent(t *testing.T, dir string, ev jsonObject) string {
	ev["repository"].(jsonObject)["full_name"] = "octo-org/octo-repo"
	data, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "event.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckGitHub(t *testing.T) {
	const (
		prPath   = "/repos/octo-org/octo-repo/pulls/7"
		comments = "/repos/octo-org/octo-repo/issues/7/comments"
		runs     = "/repos/octo-org/octo-repo/check-runs"
	)
	review := "```cps-review\nflag: AsyncFinalize\nreviewer: alice\ndate: 2026-11-20\nsections: [\"4.3.1\", \"4.3.2\"]\nverdict: compliant\n```\n"
	pull := func(t *testing.T, body string) ghCall {
		p := ghFixture(t, "api-pulls-get.json").(jsonObject)
		p["number"], p["body"] = 7, body
		p["user"].(jsonObject)["login"] = "carol"
		return ghCall{method: "GET", path: prPath, resp: p}
	}
	// approved lists the pull request's reviews: GitHub's example review,
	// an approval, once per (login, user type, commit, submitted).
	type approval struct{ login, userType, commit, submitted string }
	approved := func(t *testing.T, as ...approval) ghCall {
		var list []any
		for i, a := range as {
			r := ghFixture(t, "api-pulls-list-reviews.json").([]any)[0].(jsonObject)
			r["id"], r["state"], r["commit_id"], r["submitted_at"] = 80+i, "APPROVED", a.commit, a.submitted
			r["user"].(jsonObject)["login"], r["user"].(jsonObject)["type"] = a.login, a.userType
			list = append(list, r)
		}
		return ghCall{method: "GET", path: prPath + "/reviews", query: "per_page=100", resp: list}
	}
	at := func(login, commit string) approval { return approval{login, "User", commit, "2026-11-20T12:00:00Z"} }
	// edited answers the GraphQL query for the description's last edit.
	edited := func(when string) ghCall {
		if when == "" {
			when = "null"
		} else {
			when = `"` + when + `"`
		}
		return ghCall{method: "POST", path: "/graphql", raw: `{"data":{"repository":{"pullRequest":{"lastEditedAt":` + when + `}}}}`,
			check: func(t *testing.T, body map[string]any) {
				if q, _ := body["query"].(string); !strings.Contains(q, "lastEditedAt") {
					t.Errorf("GraphQL query %q", q)
				}
			}}
	}
	perm := func(t *testing.T, login, permission string) ghCall {
		p := ghFixture(t, "api-repos-get-collaborator-permission-level.json").(jsonObject)
		p["permission"], p["role_name"] = permission, permission
		p["user"].(jsonObject)["login"] = login
		return ghCall{method: "GET", path: "/repos/octo-org/octo-repo/collaborators/" + login + "/permission", resp: p}
	}
	// bobApproves: bob, who may write, approved the head; his approval
	// vouches for no review (none names him).
	bobApproves := func(t *testing.T, head string) []ghCall {
		return []ghCall{approved(t, at("bob", head)), edited(""), perm(t, "bob", "write")}
	}
	aliceApproves := func(t *testing.T, head string) []ghCall {
		return []ghCall{approved(t, at("alice", head)), edited(""), perm(t, "alice", "write")}
	}
	list := func(cs ...any) ghCall {
		return ghCall{method: "GET", path: comments, query: "per_page=100", resp: append([]any{}, cs...)}
	}
	files := func(t *testing.T) ghCall {
		f := ghFixture(t, "api-pulls-list-files.json").([]any)
		f[0].(jsonObject)["filename"] = "deploy/prod.json"
		return ghCall{method: "GET", path: prPath + "/files", query: "per_page=100", resp: f}
	}
	user403 := ghCall{method: "GET", path: "/user", status: 403, raw: `{"message":"Resource not accessible by integration"}`}
	readOnly := `{"message":"Resource not accessible by integration"}`
	commentBody := func(want ...string) func(t *testing.T, body map[string]any) {
		return func(t *testing.T, body map[string]any) {
			s, _ := body["body"].(string)
			for _, w := range append([]string{github.Marker + "\n"}, want...) {
				if !strings.Contains(s, w) {
					t.Errorf("comment body lacks %q:\n%s", w, s)
				}
			}
			if strings.Contains(s, ghToken) {
				t.Error("comment body holds the token")
			}
			if !strings.HasPrefix(s, github.Marker+"\n") || strings.Count(s, github.Marker) != 1 {
				t.Errorf("comment body does not start with one marker:\n%s", s)
			}
		}
	}
	checkRun := func(conclusion string, annotations int) func(t *testing.T, body map[string]any) {
		return func(t *testing.T, body map[string]any) {
			out, _ := body["output"].(map[string]any)
			anns, _ := out["annotations"].([]any)
			got := fmt.Sprintf("%v %v %d", body["name"], body["conclusion"], len(anns))
			if want := fmt.Sprintf("cpsgate %s %d", conclusion, annotations); got != want {
				t.Errorf("check run %s, want %s", got, want)
			}
		}
	}
	for _, tc := range []struct {
		name      string
		cfgExtra  string
		args      []string
		event     func(t *testing.T, dir, base, head string) string
		calls     func(t *testing.T, base, head string) []ghCall
		code      int
		stdout    []string
		stderr    []string
		outputs   string
		summary   []string
		noSummary bool
		external  bool // the base's configuration reads the CPS from ca/policy
		sarif     bool // --sarif cpsgate.sarif writes SARIF
		eventName string
		// sha returns GITHUB_SHA (default: head).
		sha func(t *testing.T, dir, base, head string) string
	}{
		{
			name: "missing review: comment created, failing check run",
			args: []string{"--comment", "--check-run", "--sarif", "cpsgate.sarif"},
			calls: func(t *testing.T, base, head string) []ghCall {
				return []ghCall{
					pull(t, "Turns AsyncFinalize on."), approved(t, at("bob", head)), edited(""), perm(t, "bob", "write"), list(), files(t),
					user403, list(ghComment(t, 1, "dave", "User", "LGTM")),
					{method: "POST", path: comments, status: 201, resp: ghFixture(t, "api-issues-create-comment.json"),
						check: commentBody("missing_review", "AsyncFinalize")},
					{method: "POST", path: runs, status: 201, resp: ghFixture(t, "api-checks-create.json"), check: checkRun("failure", 2)},
				}
			},
			code:    1,
			stdout:  []string{"::error title=cpsgate missing_review%3A AsyncFinalize%2C CPS 4.3.1,file=deploy/prod.json,line=4::"},
			sarif:   true,
			outputs: "pass=false\ndeny=2\nwarn=0\n",
			summary: []string{"missing_review", "cpsgate reads 1 of the 1 files this pull request changes."},
		},
		{
			name:     "review in a comment by a configured reviewer: passes, comment edited to the note",
			cfgExtra: "reviewers: [alice]\n",
			args:     []string{"--comment", "--check-run"},
			calls: func(t *testing.T, base, head string) []ghCall {
				return []ghCall{
					pull(t, "Turns AsyncFinalize on."), approved(t, at("alice", head)), edited(""),
					list(ghComment(t, 11, "alice", "User", review)), files(t),
					user403, list(ghComment(t, 10, "github-actions[bot]", "Bot", github.Marker+"\nold report"), ghComment(t, 11, "alice", "User", review)),
					{method: "PATCH", path: "/repos/octo-org/octo-repo/issues/comments/10", resp: ghFixture(t, "api-issues-update-comment.json"),
						check: func(t *testing.T, body map[string]any) {
							if diff := cmp.Diff(body["body"], github.Marker+"\n"+github.PassNote(head)); diff != "" {
								t.Errorf("pass note (-got +want):\n%s", diff)
							}
						}},
					{method: "POST", path: runs, status: 201, resp: ghFixture(t, "api-checks-create.json"), check: checkRun("success", 0)},
				}
			},
			code:    0,
			outputs: "pass=true\ndeny=0\nwarn=0\n",
		},
		{
			name: "review in a comment by someone not configured: fails; fork token: writes skipped, verdict stands",
			args: []string{"--comment", "--check-run", "--summary=false"},
			calls: func(t *testing.T, base, head string) []ghCall {
				return []ghCall{
					pull(t, ""), approved(t, at("bob", head)), edited(""), perm(t, "bob", "write"),
					list(ghComment(t, 11, "mallory", "User", strings.ReplaceAll(review, "alice", "mallory"))), perm(t, "mallory", "read"), files(t),
					user403, list(),
					{method: "POST", path: comments, status: 403, raw: readOnly, check: commentBody("missing_review")},
					{method: "POST", path: runs, status: 403, raw: readOnly, check: checkRun("failure", 2)},
				}
			},
			code:      1,
			stderr:    []string{"::notice title=cpsgate::the token may not write to octo-org/octo-repo (a pull request from a fork?)", "the check run was skipped; the verdict stands"},
			outputs:   "pass=false\ndeny=2\nwarn=0\n",
			noSummary: true,
		},
		{
			name: "review in the current description, absent from the event's",
			calls: func(t *testing.T, base, head string) []ghCall {
				return append(append([]ghCall{pull(t, "Reviewed:\n\n"+review)}, aliceApproves(t, head)...), list(), files(t))
			},
			code:    0,
			outputs: "pass=true\ndeny=0\nwarn=0\n",
		},
		{
			name:     "CPS in another repository, read through the contents API",
			external: true,
			calls: func(t *testing.T, base, head string) []ghCall {
				cps, err := demoFiles.ReadFile("demo/docs/CPS.md")
				if err != nil {
					t.Fatal(err)
				}
				c := ghFixture(t, "api-repos-get-content.json").(jsonObject)
				c["content"], c["size"], c["path"] = base64.StdEncoding.EncodeToString(cps), len(cps), "docs/CP-CPS.md"
				return append(append([]ghCall{pull(t, "Reviewed:\n\n"+review)}, aliceApproves(t, head)...), list(), files(t),
					ghCall{method: "GET", path: "/repos/ca/policy/contents/docs/CP-CPS.md", query: "ref=v5.3", resp: c})
			},
			code:    0,
			outputs: "pass=true\ndeny=0\nwarn=0\n",
		},
		{
			name:      "push: base before, head after, the commit message as the description; no pull request to comment on",
			eventName: "push",
			args:      []string{"--comment"},
			event: func(t *testing.T, dir, base, head string) string {
				ev := ghFixture(t, "event-push.json").(jsonObject)
				ev["before"], ev["after"] = base, head
				ev["head_commit"].(jsonObject)["message"] = "Enable AsyncFinalize\n\n" + review
				return writeEvent(t, dir, ev)
			},
			calls:   func(t *testing.T, base, head string) []ghCall { return nil },
			code:    1, // a direct push has no approvals: its review is only the pusher's claim
			stdout:  []string{"unapproved_review%3A AsyncFinalize", "alice has not approved this change"},
			stderr:  []string{"::notice title=cpsgate::--comment: a push event has no pull request; no comment written"},
			outputs: "pass=false\ndeny=1\nwarn=0\n",
			summary: []string{"unapproved_review"},
		},
		{
			name: "pull_request with the test merge commit checked out: the change as it merges",
			args: []string{"--format", "json"},
			sha: func(t *testing.T, dir, base, head string) string {
				gitIn(t, dir, "checkout", "-q", "-b", "merge", base)
				gitIn(t, dir, "merge", "-q", "--no-ff", "-m", "Merge change into main", "change")
				return gitIn(t, dir, "rev-parse", "HEAD")
			},
			calls: func(t *testing.T, base, head string) []ghCall {
				return append(append([]ghCall{pull(t, "")}, bobApproves(t, head)...), list(), files(t))
			},
			code:    1,
			outputs: "pass=false\ndeny=2\nwarn=0\n",
			summary: []string{"missing_review"},
		},
		// Every way to pass on someone else's name is denied (issue 10).
		{
			name: "description names alice, who did not approve: a claim by the author",
			calls: func(t *testing.T, base, head string) []ghCall {
				return append(append([]ghCall{pull(t, review)}, bobApproves(t, head)...), list(), files(t))
			},
			code:    1,
			stdout:  []string{"AsyncFinalize names alice as its reviewer, but alice has not approved this change", "(carol)", "verified approvers of this change are: bob"},
			outputs: "pass=false\ndeny=1\nwarn=0\n",
		},
		{
			name: "alice approved an older commit: the approval is stale",
			calls: func(t *testing.T, base, head string) []ghCall {
				return []ghCall{pull(t, review), approved(t, at("alice", base)), edited(""), list(), files(t)}
			},
			code:    1,
			stdout:  []string{"unapproved_review%3A AsyncFinalize"},
			stderr:  []string{"the approval by alice does not count: it approves commit ", "alice must approve again"},
			outputs: "pass=false\ndeny=1\nwarn=0\n",
		},
		{
			name: "the description was edited after alice approved",
			calls: func(t *testing.T, base, head string) []ghCall {
				return []ghCall{pull(t, review), approved(t, at("alice", head)), edited("2026-11-20T12:30:00Z"), list(), files(t)}
			},
			code:    1,
			stdout:  []string{"unapproved_review%3A AsyncFinalize"},
			stderr:  []string{"the approval by alice does not count: the pull-request description was edited (2026-11-20T12:30:00Z) after it was given (2026-11-20T12:00:00Z)"},
			outputs: "pass=false\ndeny=1\nwarn=0\n",
		},
		{
			name: "alice may only read the repository and is not in reviewers:",
			calls: func(t *testing.T, base, head string) []ghCall {
				return []ghCall{pull(t, review), approved(t, at("alice", head)), edited(""), perm(t, "alice", "read"), list(), files(t)}
			},
			code:    1,
			stdout:  []string{"unapproved_review%3A AsyncFinalize"},
			stderr:  []string{"the approval by alice does not count: alice has no write access"},
			outputs: "pass=false\ndeny=1\nwarn=0\n",
		},
		{
			name: "a bot's approval vouches for nobody",
			calls: func(t *testing.T, base, head string) []ghCall {
				bot := strings.ReplaceAll(review, "reviewer: alice", "reviewer: renovate")
				return []ghCall{pull(t, bot), approved(t, approval{"renovate", "Bot", head, "2026-11-20T12:00:00Z"}), edited(""), list(), files(t)}
			},
			code:    1,
			stdout:  []string{"unapproved_review%3A AsyncFinalize"},
			stderr:  []string{"the approval by renovate does not count: it is by a bot or app"},
			outputs: "pass=false\ndeny=1\nwarn=0\n",
		},
		{
			name: "the author names themselves; another approval does not make it count",
			calls: func(t *testing.T, base, head string) []ghCall {
				self := strings.ReplaceAll(review, "reviewer: alice", "reviewer: carol")
				return append(append([]ghCall{pull(t, self)}, bobApproves(t, head)...), list(), files(t))
			},
			code:    1,
			stdout:  []string{"self_review%3A AsyncFinalize"},
			outputs: "pass=false\ndeny=2\nwarn=0\n",
		},
		{
			name:     "a reviewer quote-replies the author's block to reject it: nobody's review",
			cfgExtra: "reviewers: [alice]\n",
			calls: func(t *testing.T, base, head string) []ghCall {
				quoted := "> " + strings.ReplaceAll(strings.TrimSuffix(review, "\n"), "\n", "\n> ") + "\n\nNo: 4.3.2 forbids this."
				return []ghCall{pull(t, "Turns AsyncFinalize on."), approved(t, at("alice", head)), edited(""),
					list(ghComment(t, 12, "alice", "User", quoted)), files(t)}
			},
			code:    1,
			stdout:  []string{"missing_review%3A AsyncFinalize"},
			outputs: "pass=false\ndeny=2\nwarn=0\n",
		},
		{
			name: "the author is unknown to GitHub's event: exit 2",
			event: func(t *testing.T, dir, base, head string) string {
				ev := ghFixture(t, "event-push.json").(jsonObject)
				ev["before"], ev["after"] = base, head
				ev["sender"].(jsonObject)["login"] = "mallory, alice"
				return writeEvent(t, dir, ev)
			},
			eventName: "push",
			calls:     func(t *testing.T, base, head string) []ghCall { return nil },
			code:      2,
			stderr:    []string{"the push event names no author of the change"},
			noSummary: true,
		},
		{
			name: "the API fails: exit 2 naming the request, no token",
			calls: func(t *testing.T, base, head string) []ghCall {
				return []ghCall{{method: "GET", path: prPath, status: 404, raw: `{"message":"Not Found ` + ghToken + `"}`}}
			},
			code:      2,
			stderr:    []string{"cpsgate: GET /repos/octo-org/octo-repo/pulls/7: 404 Not Found: Not Found ***\n"},
			noSummary: true,
		},
		{
			name: "base commit not in the clone: exit 2, fetch-depth hint",
			event: func(t *testing.T, dir, base, head string) string {
				return prEvent(t, dir, "1111111111111111111111111111111111111111", head)
			},
			calls:     func(t *testing.T, base, head string) []ghCall { return nil },
			code:      2,
			stderr:    []string{"the base commit 1111111111111111111111111111111111111111 of the pull_request event is not in the local clone", "fetch-depth: 0"},
			noSummary: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, base, head := gitRepo(t, tc.cfgExtra)
			if tc.external {
				// The base's configuration names the CPS of ca/policy.
				rewriteBaseConfig(t, dir, "cps:\n  - path: docs/CP-CPS.md\n    repo: ca/policy\n    ref: v5.3\n")
				base, head = revParse(t, dir, "main"), revParse(t, dir, "change")
			}
			event := prEvent
			if tc.event != nil {
				event = tc.event
			}
			eventPath := event(t, dir, base, head)
			sha, eventName := head, "pull_request"
			if tc.sha != nil {
				sha = tc.sha(t, dir, base, head)
			}
			if tc.eventName != "" {
				eventName = tc.eventName
			}
			srv := newGHFake(t, tc.calls(t, base, head))
			summaryPath := filepath.Join(t.TempDir(), "summary.md")
			outputPath := filepath.Join(t.TempDir(), "output")
			vars := map[string]string{
				"GITHUB_EVENT_NAME": eventName, "GITHUB_EVENT_PATH": eventPath, "GITHUB_TOKEN": ghToken,
				"GITHUB_API_URL": srv.URL + "/api/v3", "GITHUB_REPOSITORY": "octo-org/octo-repo", "GITHUB_SHA": sha,
				"GITHUB_STEP_SUMMARY": summaryPath, "GITHUB_OUTPUT": outputPath, "CPSGATE_TODAY": "2026-12-01",
			}
			var stdout, stderr bytes.Buffer
			e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, dir: ".",
				getenv: func(k string) string { return vars[k] }, httpClient: srv.Client()}
			code := e.main(append([]string{"-C", dir, "check", "--github"}, tc.args...))
			if code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout.String(), stderr.String())
			}
			if tc.sha != nil {
				for _, w := range []string{`"head": "` + sha + `"`, `"base": "` + base + `"`} {
					if !strings.Contains(stdout.String(), w) {
						t.Errorf("stdout lacks %s:\n%s", w, stdout.String())
					}
				}
			}
			for _, w := range tc.stdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			for _, w := range tc.stderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
			if strings.Contains(stdout.String()+stderr.String(), ghToken) {
				t.Error("the token shows in the output")
			}
			outputs, _ := os.ReadFile(outputPath)
			if diff := cmp.Diff(string(outputs), tc.outputs); diff != "" {
				t.Errorf("GITHUB_OUTPUT (-got +want):\n%s", diff)
			}
			summary, err := os.ReadFile(summaryPath)
			switch {
			case tc.noSummary && err == nil:
				t.Errorf("a summary was written:\n%s", summary)
			case !tc.noSummary && err != nil:
				t.Errorf("no summary: %v", err)
			}
			sarif, err := os.ReadFile(filepath.Join(dir, "cpsgate.sarif"))
			switch {
			case tc.sarif && (err != nil || !bytes.Contains(sarif, []byte(`"ruleId": "missing_review"`))):
				t.Errorf("SARIF file: %v\n%s", err, sarif)
			case !tc.sarif && err == nil:
				t.Error("a SARIF file was written")
			}
			for _, w := range tc.summary {
				if !strings.Contains(string(summary), w) {
					t.Errorf("summary lacks %q:\n%s", w, summary)
				}
			}
		})
	}
}

// gitIn runs git in dir and returns its trimmed output.
func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+dir, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=A", "GIT_AUTHOR_EMAIL=a@example.org", "GIT_COMMITTER_NAME=C", "GIT_COMMITTER_EMAIL=c@example.org")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func revParse(t *testing.T, dir, rev string) string {
	out, err := exec.Command("git", "-C", dir, "rev-parse", rev).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// rewriteBaseConfig replaces the cps: entry of the configuration on both
// branches (an amended base, the change rebased on it) and removes the
// local CPS, so that only the other repository's copy can be read.
func rewriteBaseConfig(t *testing.T, dir, cps string) {
	t.Helper()
	run := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "HOME="+dir, "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=A", "GIT_AUTHOR_EMAIL=a@example.org", "GIT_COMMITTER_NAME=C", "GIT_COMMITTER_EMAIL=c@example.org",
			"GIT_AUTHOR_DATE=2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("checkout", "-q", "main")
	cfg := filepath.Join(dir, ".cpsgate.yaml")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(data), "cps:\n  - path: docs/CPS.md\n", cps, 1)
	if s == string(data) {
		t.Fatal("the demo configuration changed shape")
	}
	if err := os.WriteFile(cfg, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	run("rm", "-q", "docs/CPS.md")
	run("commit", "-q", "-am", "CPS moves to ca/policy")
	run("checkout", "-q", "change")
	run("rebase", "-q", "main")
}

// TestMarkers: the sticky comment is found by the marker the Markdown
// report starts with.
func TestMarkers(t *testing.T) {
	if github.Marker != output.CommentMarker {
		t.Errorf("github.Marker %q != output.CommentMarker %q", github.Marker, output.CommentMarker)
	}
}

// TestCheckGitHubBadSetup: what check --github cannot work without is exit
// 2 with a message saying what to do.
func TestCheckGitHubBadSetup(t *testing.T) {
	dir, base, head := gitRepo(t, "")
	eventPath := prEvent(t, dir, base, head)
	for _, tc := range []struct {
		name string
		args []string
		vars map[string]string
		want string
	}{
		{"no event path", []string{"--github"}, map[string]string{"GITHUB_TOKEN": ghToken},
			"cpsgate: GITHUB_EVENT_PATH is not set: check --github runs in a GitHub Actions job\n"},
		{"no token", []string{"--github"}, map[string]string{"GITHUB_EVENT_PATH": eventPath, "GITHUB_EVENT_NAME": "pull_request"},
			"cpsgate: GITHUB_TOKEN is not set: give the step `env: GITHUB_TOKEN: ${{ github.token }}` (permissions: contents: read; pull-requests: write for --comment; checks: write for --check-run)\n"},
		{"unsupported event", []string{"--github"}, map[string]string{"GITHUB_EVENT_PATH": eventPath, "GITHUB_EVENT_NAME": "issue_comment", "GITHUB_TOKEN": ghToken},
			"cpsgate: event \"issue_comment\" is not supported by check --github (supported: pull_request, pull_request_target, pull_request_review, merge_group, push)\n"},
		{"bad API URL", []string{"--github"}, map[string]string{"GITHUB_EVENT_PATH": eventPath, "GITHUB_EVENT_NAME": "pull_request", "GITHUB_TOKEN": ghToken, "GITHUB_API_URL": "ghe.example.com"},
			"cpsgate: GITHUB_API_URL \"ghe.example.com\" is not an http(s) URL\n"},
		{"--comment without --github", []string{"--comment"}, nil, "cpsgate: --comment and --check-run need --github\n"},
		{"--github with --base", []string{"--github", "--base", "main"}, nil,
			"cpsgate: if any flags in the group [github base] are set none of the others can be; [base github] were all set\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, dir: ".",
				getenv: func(k string) string { return tc.vars[k] }}
			code := e.main(append([]string{"-C", dir, "check"}, tc.args...))
			if code != ExitError {
				t.Errorf("exit code %d, want 2", code)
			}
			if diff := cmp.Diff(stderr.String(), tc.want); diff != "" {
				t.Errorf("stderr (-got +want):\n%s", diff)
			}
		})
	}
}

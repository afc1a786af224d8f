package github

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseEvent(t *testing.T) {
	const (
		base  = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"
		head  = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
		merge = "0123456789abcdef0123456789abcdef01234567"
	)
	body := "This is a pretty simple change that we need to pull into master."
	pushWithBase := func(t *testing.T) []byte {
		p := fixture(t, "event-push.json").(object)
		p["before"] = base
		data, _ := json.Marshal(p)
		return data
	}
	fork := func(t *testing.T) []byte {
		p := fixture(t, "event-pull_request-opened.json").(object)
		p["pull_request"].(object)["head"].(object)["repo"].(object)["full_name"] = "mallory/Hello-World"
		data, _ := json.Marshal(p)
		return data
	}
	for _, tc := range []struct {
		name  string
		env   func(t *testing.T) Env
		want  *Context
		isErr string
	}{
		{
			name: "pull_request opened",
			env: func(t *testing.T) Env {
				return Env{EventName: "pull_request", Event: fixtureBytes(t, "event-pull_request-opened.json"), SHA: merge}
			},
			want: &Context{Event: "pull_request", Action: "opened", Owner: "Codertocat", Repo: "Hello-World", Number: 2,
				BaseSHA: base, HeadSHA: head, MergeSHA: merge, Author: "Codertocat", Body: body},
		},
		{
			name: "pull_request synchronize",
			env: func(t *testing.T) Env {
				return Env{EventName: "pull_request", Event: fixtureBytes(t, "event-pull_request-synchronize.json"), SHA: head}
			},
			want: &Context{Event: "pull_request", Action: "synchronize", Owner: "Codertocat", Repo: "Hello-World", Number: 2,
				BaseSHA: base, HeadSHA: head, Author: "Codertocat", Body: body},
		},
		{
			name: "pull_request_target from a fork",
			env: func(t *testing.T) Env {
				return Env{EventName: "pull_request_target", Event: fork(t), SHA: base}
			},
			want: &Context{Event: "pull_request_target", Action: "opened", Owner: "Codertocat", Repo: "Hello-World", Number: 2,
				BaseSHA: base, HeadSHA: head, Author: "Codertocat", Body: body, Fork: true},
		},
		{
			name: "pull_request_review submitted",
			env: func(t *testing.T) Env {
				return Env{EventName: "pull_request_review", Event: fixtureBytes(t, "event-pull_request_review-submitted.json")}
			},
			want: &Context{Event: "pull_request_review", Action: "submitted", Owner: "Codertocat", Repo: "Hello-World", Number: 2,
				BaseSHA: base, HeadSHA: head, Author: "Codertocat", Body: body},
		},
		{
			name: "merge_group",
			env: func(t *testing.T) Env {
				return Env{EventName: "merge_group", Event: fixtureBytes(t, "event-merge_group.json")}
			},
			want: &Context{Event: "merge_group", Action: "checks_requested", Owner: "octo-org", Repo: "octo-repo", Number: 104,
				BaseSHA: "380387fbc80638b734a49e1be1c4dfec1c01b33c", HeadSHA: "2ffea6db159f6b6c47a24e778fb9ef40cf6b1c7d",
				Author: "Codertocat", Body: "Merge pull request #2048 from octo-repo/update-readme\n\nUpdate README.md"},
		},
		{
			name: "push",
			env: func(t *testing.T) Env {
				return Env{EventName: "push", Event: pushWithBase(t)}
			},
			want: &Context{Event: "push", Owner: "Codertocat", Repo: "Hello-World",
				BaseSHA: base, HeadSHA: "6113728f27ae82c7b1a177c8d03f9e96e0adf246", Author: "Codertocat", Body: "Adding a .gitignore file"},
		},
		{
			name: "push creating a branch",
			env: func(t *testing.T) Env {
				return Env{EventName: "push", Event: fixtureBytes(t, "event-push.json")}
			},
			isErr: "push event creates a branch (before is 0000000000000000000000000000000000000000): there is no base to compare with; run the check on pull requests",
		},
		{
			name:  "unsupported event",
			env:   func(t *testing.T) Env { return Env{EventName: "issues", Event: []byte(`{}`)} },
			isErr: `event "issues" is not supported by check --github (supported: pull_request, pull_request_target, pull_request_review, merge_group, push)`,
		},
		{
			name:  "no event name",
			env:   func(t *testing.T) Env { return Env{} },
			isErr: "GITHUB_EVENT_NAME is not set: check --github runs inside GitHub Actions",
		},
		{
			name:  "empty payload",
			env:   func(t *testing.T) Env { return Env{EventName: "pull_request"} },
			isErr: "pull_request event: the event payload (GITHUB_EVENT_PATH) is empty",
		},
		{
			name:  "not JSON",
			env:   func(t *testing.T) Env { return Env{EventName: "pull_request", Event: []byte("{")} },
			isErr: "pull_request event payload: unexpected end of JSON input",
		},
		{
			name: "pull_request missing",
			env: func(t *testing.T) Env {
				return Env{EventName: "pull_request", Event: fixtureBytes(t, "event-push.json")}
			},
			isErr: "pull_request event payload has no pull_request",
		},
		{
			name: "head sha missing",
			env: func(t *testing.T) Env {
				return Env{EventName: "pull_request", Event: []byte(`{"pull_request":{"number":3,"user":{"login":"a"},"base":{"sha":"` + base + `"},"head":{}}}`)}
			},
			isErr: "pull_request event payload has no pull_request.head.sha",
		},
		{
			name: "sha not a commit id",
			env: func(t *testing.T) Env {
				return Env{EventName: "merge_group", Event: []byte(`{"merge_group":{"base_sha":"--upload-pack=x","head_sha":"` + head + `"},"repository":{"full_name":"o/r"}}`)}
			},
			isErr: `merge_group event payload: base "--upload-pack=x" is not a commit id`,
		},
		{
			name: "no repository",
			env: func(t *testing.T) Env {
				return Env{EventName: "merge_group", Event: []byte(`{"merge_group":{"base_sha":"` + base + `","head_sha":"` + head + `"}}`)}
			},
			isErr: `merge_group event: repository "" is not owner/name (payload repository.full_name or GITHUB_REPOSITORY)`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseEvent(tc.env(t))
			if tc.isErr != "" {
				if err == nil {
					t.Fatalf("got %+v, want error %q", got, tc.isErr)
				}
				if diff := cmp.Diff(err.Error(), tc.isErr); diff != "" {
					t.Errorf("error mismatch (-got +want):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(got, tc.want); diff != "" {
				t.Errorf("mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

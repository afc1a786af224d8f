package check

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/gitrepo"
	"github.com/cpsgate/cpsgate/review"
)

// TestSourceKindEndToEnd checks, in a real git repository with the real
// policies, a repository whose only source is the kind toysource_test.go
// registers: changing a typed value is a `changed` flag change, denied
// without a review of the flag's CPS sections and passing with one.
func TestSourceKindEndToEnd(t *testing.T) {
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=bob", "GIT_AUTHOR_EMAIL=bob@example.org", "GIT_COMMITTER_NAME=bob",
			"GIT_COMMITTER_EMAIL=bob@example.org", "GIT_AUTHOR_DATE=2026-11-01T12:00:00Z", "GIT_COMMITTER_DATE=2026-11-01T12:00:00Z")
		var out, errs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errs
		if err := cmd.Run(); err != nil {
			t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, errs.String())
		}
		return strings.TrimSpace(out.String())
	}
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q", "-b", "main")
	write(".cpsgate.yaml", "cps:\n  - path: cps.md\nregistry: registry.yaml\nsources:\n  - kind: limits\n    files: \"limits/*.txt\"\n    environment: prod\npolicies: []\n")
	write("cps.md", "# 6. TECHNICAL SECURITY CONTROLS\n\n## 6.3 Other aspects\n\n### 6.3.2 Certificate operational periods\n\nSubscriber certificates are valid for at most 398 days.\n")
	write("registry.yaml", "flags:\n  - name: MaxValidityDays\n    description: the longest validity we issue\n    owner: pki\n    status: active\n    cps: [\"6.3.2\"]\n"+
		"  - name: Profile\n    description: the certificate profile\n    owner: pki\n    status: active\n    no_cps_impact: a name only\n")
	write("limits/issuance.txt", "MaxValidityDays = 398\nProfile = tls-server\n")
	git("add", "-A")
	git("commit", "-q", "-m", "base")
	base := git("rev-parse", "HEAD")
	write("limits/issuance.txt", "MaxValidityDays = 397\nProfile = tls-server\n")
	git("commit", "-q", "-am", "shorten validity")
	head := git("rev-parse", "HEAD")

	repo, err := gitrepo.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	body := "```cps-review\nflag: MaxValidityDays\nreviewer: alice\ndate: 2026-11-20\nsections: [\"6.3.2\"]\nverdict: compliant\nnotes: 397 days is within 6.3.2.\n```\n"
	reviews, _, err := review.ParseBody("description", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name     string
		reviews  []review.Review
		wantPass bool
		wantDeny []string
	}{
		{name: "no review", wantDeny: []string{"missing_review MaxValidityDays 6.3.2"}},
		{name: "reviewed", reviews: reviews, wantPass: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ch := Change{Config: ".cpsgate.yaml", Author: "bob", Approvers: []string{"alice"}, Reviews: tt.reviews, Today: "2026-11-21", BaseDate: "2026-11-01"}
			out, err := Evaluate(context.Background(), repo.Commit(base), repo.Commit(head), ".cpsgate.yaml", ch, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			var changes []string
			for _, c := range out.Input.FlagChanges {
				changes = append(changes, fmt.Sprintf("%s %s %s %s %s->%s %s:%d", c.Flag, c.Change, c.Environment, c.ValueType, c.Old, c.New, c.File, c.Line))
			}
			if diff := cmp.Diff(changes, []string{"MaxValidityDays changed prod number 398->397 limits/issuance.txt:1"}); diff != "" {
				t.Errorf("flag changes (-got +want):\n%s", diff)
			}
			var deny []string
			for _, f := range out.Result.Findings {
				if f.Severity == "deny" {
					deny = append(deny, fmt.Sprintf("%s %s %s", f.Rule, f.Flag, f.Section))
				}
			}
			if diff := cmp.Diff(deny, tt.wantDeny); diff != "" {
				t.Errorf("deny findings (-got +want):\n%s", diff)
			}
			if out.Result.Pass != tt.wantPass {
				t.Errorf("Pass = %t, want %t", out.Result.Pass, tt.wantPass)
			}
		})
	}
}

package policies

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/result"
)

// engineOnce returns a function that compiles an engine over the built-in
// rules and user once per test binary, and returns it (failing the test
// when it does not compile).
func engineOnce(user []Module) func(testing.TB) *Engine {
	compile := sync.OnceValues(func() (*Engine, error) { return New(context.Background(), user) })
	return func(t testing.TB) *Engine {
		t.Helper()
		e, err := compile()
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		return e
	}
}

// builtin returns an engine over the built-in rules.
var builtin = engineOnce(nil)

// newInput is a change by dave, approved by bob, to a head with two CPS
// sections and no flags, changes or reviews;
// edit applies a test case's additions.
func newInput(edit func(in *Input)) *Input {
	in := &Input{
		Base:      "base",
		Head:      "WORKTREE",
		Author:    "dave",
		Approvers: []string{"bob"}, // prReview's reviewers count when they approved
		Config:    ".cpsgate.yaml",
		Registry:  "flags/registry.yaml",
		Sections: map[string]Section{
			"4.3.1":  {ID: "4.3.1", Title: "CA actions during certificate issuance", Level: 3, File: "docs/cps.md", Line: 300, Hash: "sha256:431"},
			"4.9.12": {ID: "4.9.12", Title: "Special requirements re key compromise", Level: 3, File: "docs/cps.md", Line: 610, Hash: "sha256:4912"},
		},
		Flags:           map[string]Flag{},
		FlagChanges:     []FlagChange{},
		CPSChanges:      []CPSChange{},
		Reviews:         []Review{},
		RegistryChanges: []RegistryChange{},
		PolicyChanges:   []PolicyChange{},
	}
	if edit != nil {
		edit(in)
	}
	return in
}

// registered is a registered, active flag linking sections, with its entry
// at flags/registry.yaml:line.
func registered(name string, line int, sections ...string) Flag {
	return Flag{
		Name: name, Registered: true, InBase: true, InHead: true, Status: "active",
		CPS: append([]string{}, sections...), File: "flags/registry.yaml", Line: line,
		Sources: []FlagSource{{Kind: "go-struct", File: "features/features.go", Line: 10}},
	}
}

// oldReview is a registry review that existed at base.
func oldReview(flag, date string, line int, sections ...string) Review {
	return Review{
		Flag: flag, Sections: sections, Reviewer: "alice", Date: date, Verdict: "compliant",
		Origin: "registry", File: "flags/registry.yaml", Line: line,
	}
}

// prReview is a review attached to the change in the pull-request body.
func prReview(flag, reviewer string, sections ...string) Review {
	return Review{
		Flag: flag, Sections: sections, Reviewer: reviewer, Verdict: "compliant",
		Origin: "pr-body", New: true, File: "PR", Line: 3,
	}
}

func selfReviewMessage(section, author string) string {
	return "the review of flag Fast against CPS section " + section + " is by the change's own author (" + author + "), and an author cannot review their own change: someone else reads the section, is named as `reviewer:` in the `cps-review` block, and approves the change (on GitHub an approving review of the head commit; elsewhere CI passes --approver)"
}

func TestEvalBuiltinRules(t *testing.T) {
	tests := []struct {
		name       string
		in         *Input
		deny, warn []result.Finding
	}{
		{
			name: "empty input",
			in:   newInput(nil),
		},
		{
			name: "unregistered flag added",
			in: newInput(func(in *Input) {
				in.Flags["Fast"] = Flag{Name: "Fast", InHead: true, Sources: []FlagSource{
					{Kind: "go-struct", File: "features/features.go", Line: 42},
					{Kind: "config", File: "deploy/prod.json", Line: 3},
				}}
				in.FlagChanges = []FlagChange{{Flag: "Fast", Change: "added", File: "features/features.go", Line: 42}}
			}),
			deny: []result.Finding{{
				Severity: "deny", Rule: "unregistered_flag", Flag: "Fast", File: "features/features.go", Line: 42,
				Message: "flag Fast is declared in features/features.go:42 but has no entry in the flag registry flags/registry.yaml: add one with `cps:` links to the CPS sections it affects, or `no_cps_impact:` with the reason it affects none",
			}},
		},
		{
			name: "unregistered flag untouched is debt",
			in: newInput(func(in *Input) {
				in.Flags["Fast"] = Flag{Name: "Fast", InHead: true, Sources: []FlagSource{{Kind: "config", File: "deploy/prod.json", Line: 3}}}
			}),
			warn: []result.Finding{{Severity: "warn", Rule: "unregistered_flag", Flag: "Fast", File: "deploy/prod.json", Line: 3, Message: "flag Fast is declared in deploy/prod.json:3 but has no entry in the flag registry flags/registry.yaml: add one with `cps:` links to the CPS sections it affects, or `no_cps_impact:` with the reason it affects none"}},
		},
		{
			name: "unregistered flag without sources is not reported",
			in: newInput(func(in *Input) {
				in.Flags["Gone"] = Flag{Name: "Gone", InBase: true, Sources: []FlagSource{}}
			}),
		},
		{
			name: "unlinked flag modified",
			in: newInput(func(in *Input) {
				in.Flags["Fast"] = registered("Fast", 7)
				in.FlagChanges = []FlagChange{{Flag: "Fast", Change: "modified", Fields: []string{"cps"}, File: "flags/registry.yaml", Line: 7}}
			}),
			deny: []result.Finding{{Severity: "deny", Rule: "unlinked_flag", Flag: "Fast", File: "flags/registry.yaml", Line: 7, Message: "flag Fast links no CPS section: list the sections it affects under `cps:` in its registry entry, or state `no_cps_impact:` with the reason it affects none"}},
		},
		{
			name: "unlinked flag untouched is debt; no_cps_impact and removed flags are fine",
			in: newInput(func(in *Input) {
				in.Flags["Fast"] = registered("Fast", 7)
				quiet := registered("Quiet", 20)
				quiet.NoCPSImpact = "logging only"
				in.Flags["Quiet"] = quiet
				old := registered("Old", 30)
				old.Status = "removed"
				in.Flags["Old"] = old
			}),
			warn: []result.Finding{{Severity: "warn", Rule: "unlinked_flag", Flag: "Fast", File: "flags/registry.yaml", Line: 7, Message: "flag Fast links no CPS section: list the sections it affects under `cps:` in its registry entry, or state `no_cps_impact:` with the reason it affects none"}},
		},
		{
			name: "link to a section renumbered in this change",
			in: newInput(func(in *Input) {
				in.Flags["Fast"] = registered("Fast", 7, "4.9.9")
				in.CPSChanges = []CPSChange{{Section: "4.9.12", OldSection: "4.9.9", Change: "renumbered", File: "docs/cps.md", Line: 610}}
			}),
			deny: []result.Finding{{Severity: "deny", Rule: "unknown_section", Flag: "Fast", Section: "4.9.9", File: "flags/registry.yaml", Line: 7, Message: "flag Fast links CPS section 4.9.9, which was renumbered to 4.9.12 in this change; update the link"}},
		},
		{
			name: "link to a section removed in this change",
			in: newInput(func(in *Input) {
				in.Flags["Fast"] = registered("Fast", 7, "4.9.13")
				in.CPSChanges = []CPSChange{{Section: "4.9.13", Change: "removed", File: "docs/cps.md", Line: 620}}
			}),
			deny: []result.Finding{{Severity: "deny", Rule: "unknown_section", Flag: "Fast", Section: "4.9.13", File: "flags/registry.yaml", Line: 7, Message: "flag Fast links CPS section 4.9.13, which was removed from the CPS in this change; link the section that now covers this behaviour"}},
		},
		{
			name: "link to an unknown section untouched is debt",
			in: newInput(func(in *Input) {
				in.Flags["Fast"] = registered("Fast", 7, "4.3.1", "9.99")
				in.Reviews = []Review{oldReview("Fast", "2024-01-01", 9, "4.3.1")}
			}),
			warn: []result.Finding{{Severity: "warn", Rule: "unknown_section", Flag: "Fast", Section: "9.99", File: "flags/registry.yaml", Line: 7, Message: "flag Fast links CPS section 9.99, which does not exist in the CPS"}},
		},
		{
			name: "new review names an unknown section",
			in: newInput(func(in *Input) {
				in.Flags["Fast"] = registered("Fast", 7, "4.3.1")
				in.Reviews = []Review{oldReview("Fast", "2024-01-01", 9, "4.3.1"), prReview("Fast", "bob", "4.3.1", "4.3.9")}
			}),
			deny: []result.Finding{{Severity: "deny", Rule: "unknown_section", Flag: "Fast", Section: "4.3.9", File: "PR", Line: 3, Message: "the review of flag Fast names CPS section 4.3.9, which does not exist in the CPS"}},
		},
		{
			name: "enabled flag lacks a review of one of its sections",
			in: newInput(func(in *Input) {
				in.Flags["Fast"] = registered("Fast", 7, "4.3.1", "4.9.12")
				in.FlagChanges = []FlagChange{
					{Flag: "Fast", Change: "enabled", Environment: "staging", File: "deploy/staging.json", Line: 4},
					{Flag: "Fast", Change: "enabled", Environment: "prod", File: "deploy/prod.json", Line: 4},
				}
				in.Reviews = []Review{prReview("Fast", "bob", "4.3.1")}
			}),
			deny: []result.Finding{{Severity: "deny", Rule: "missing_review", Flag: "Fast", Section: "4.9.12", File: "deploy/prod.json", Line: 4, Message: "flag Fast was enabled in prod (and in 1 other place); CPS section 4.9.12 \"Special requirements re key compromise\" has no review of it in this change: attach a `cps-review` block for flag Fast, section 4.9.12 to the pull-request description, or add a review to the flag's registry entry"}},
		},
		{
			name: "added flag lacks all reviews; a removal needs one too",
			in: newInput(func(in *Input) {
				in.Flags["Fast"] = registered("Fast", 7, "4.3.1")
				in.Flags["Old"] = registered("Old", 30, "4.9.12")
				in.FlagChanges = []FlagChange{
					{Flag: "Fast", Change: "added", File: "features/features.go", Line: 10},
					{Flag: "Old", Change: "removed", File: "features/features.go", Line: 12},
				}
				in.Reviews = []Review{oldReview("Old", "2024-01-01", 31, "4.9.12")}
			}),
			deny: []result.Finding{
				{Severity: "deny", Rule: "missing_review", Flag: "Fast", Section: "4.3.1", File: "features/features.go", Line: 10, Message: "flag Fast was added in features/features.go:10; CPS section 4.3.1 \"CA actions during certificate issuance\" has no review of it in this change: attach a `cps-review` block for flag Fast, section 4.3.1 to the pull-request description, or add a review to the flag's registry entry"},
				{Severity: "deny", Rule: "missing_review", Flag: "Old", Section: "4.9.12", File: "features/features.go", Line: 12, Message: "flag Old was removed in features/features.go:12; CPS section 4.9.12 \"Special requirements re key compromise\" has no review of it in this change: attach a `cps-review` block for flag Old, section 4.9.12 to the pull-request description, or add a review to the flag's registry entry"},
			},
		},
		{
			name: "review with an invalid verdict does not count",
			in: newInput(func(in *Input) {
				in.Flags["Fast"] = registered("Fast", 7, "4.3.1")
				r := prReview("Fast", "bob", "4.3.1")
				r.Verdict = "looks-fine"
				in.Reviews = []Review{oldReview("Fast", "2024-01-01", 9, "4.3.1"), r}
			}),
			deny: []result.Finding{{Severity: "deny", Rule: "missing_review", Flag: "Fast", File: "PR", Line: 3, Message: "the review of flag Fast by bob has verdict \"looks-fine\", which is not one of compliant, cps-updated, not-applicable: it does not count"}},
		},
		{
			name: "flag never reviewed is debt",
			in: newInput(func(in *Input) {
				in.Flags["Fast"] = registered("Fast", 7, "4.3.1", "4.9.12")
				in.Reviews = []Review{oldReview("Fast", "2024-01-01", 9, "4.3.1")}
			}),
			warn: []result.Finding{{Severity: "warn", Rule: "missing_review", Flag: "Fast", Section: "4.9.12", File: "flags/registry.yaml", Line: 7, Message: "flag Fast links CPS section 4.9.12 \"Special requirements re key compromise\", and no review of it against that section is on record: add a review to the flag's registry entry"}},
		},
		{
			name: "section modified without a re-review",
			in: newInput(func(in *Input) {
				in.Flags["Fast"] = registered("Fast", 7, "4.3.1")
				in.Flags["Slow"] = registered("Slow", 20, "4.3.1")
				in.CPSChanges = []CPSChange{{Section: "4.3.1", Change: "modified", File: "docs/cps.md", Line: 300}}
				in.Reviews = []Review{oldReview("Fast", "2024-01-01", 9, "4.3.1"), oldReview("Slow", "2024-01-01", 22, "4.3.1"), prReview("Slow", "bob", "4.3.1")}
			}),
			deny: []result.Finding{{Severity: "deny", Rule: "stale_review", Flag: "Fast", Section: "4.3.1", File: "docs/cps.md", Line: 300, Message: "CPS section 4.3.1 \"CA actions during certificate issuance\" changed in this change; the review of flag Fast against 4.3.1 was made against the old text: re-review it and attach a `cps-review` block for flag Fast, section 4.3.1"}},
		},
		{
			name: "new review made against other text",
			in: newInput(func(in *Input) {
				in.Flags["Fast"] = registered("Fast", 7, "4.3.1")
				r := prReview("Fast", "bob", "4.3.1")
				r.SectionHashes = map[string]string{"4.3.1": "sha256:old"}
				in.Reviews = []Review{r}
			}),
			deny: []result.Finding{{Severity: "deny", Rule: "stale_review", Flag: "Fast", Section: "4.3.1", File: "PR", Line: 3, Message: "the review of flag Fast by bob was made against a different text of CPS section 4.3.1 \"CA actions during certificate issuance\" (sha256:old) than the CPS now has (sha256:431): re-review the current text and update section_hashes"}},
		},
		{
			name: "latest registry review made against other text is debt",
			in: newInput(func(in *Input) {
				in.Flags["Fast"] = registered("Fast", 7, "4.3.1", "4.9.12")
				stale := oldReview("Fast", "2024-05-01", 12, "4.3.1", "4.9.12")
				stale.SectionHashes = map[string]string{"4.3.1": "sha256:old", "4.9.12": "sha256:4912"}
				fresh := oldReview("Fast", "2024-01-01", 9, "4.3.1")
				fresh.SectionHashes = map[string]string{"4.3.1": "sha256:431"}
				in.Reviews = []Review{fresh, stale}
			}),
			warn: []result.Finding{{Severity: "warn", Rule: "stale_review", Flag: "Fast", Section: "4.3.1", File: "flags/registry.yaml", Line: 7, Message: "the latest review of flag Fast against CPS section 4.3.1 \"CA actions during certificate issuance\" (by alice on 2024-05-01) was made against different text than the CPS now has: re-review it and record the new section hash"}},
		},
		{
			name: "review by the change's author without approval",
			in: newInput(func(in *Input) {
				in.Author = "Bob"
				in.Approvers = []string{"bob"}
				in.Flags["Fast"] = registered("Fast", 7, "4.3.1", "4.9.12")
				in.FlagChanges = []FlagChange{{Flag: "Fast", Change: "added", File: "features/features.go", Line: 10}}
				in.Reviews = []Review{prReview("Fast", "bob", "4.3.1", "4.9.12"), prReview("Fast", "carol", "4.9.12")}
			}),
			deny: []result.Finding{
				{Severity: "deny", Rule: "self_review", Flag: "Fast", Section: "4.3.1", File: "PR", Line: 3, Message: selfReviewMessage("4.3.1 \"CA actions during certificate issuance\"", "Bob")},
				{Severity: "deny", Rule: "self_review", Flag: "Fast", Section: "4.9.12", File: "PR", Line: 3, Message: selfReviewMessage("4.9.12 \"Special requirements re key compromise\"", "Bob")},
				{Severity: "deny", Rule: "unapproved_review", Flag: "Fast", File: "PR", Line: 3, Message: "the review of flag Fast names carol as its reviewer, but carol has not approved this change: until then it is only a claim by the change's author (Bob). carol must approve the change (on GitHub: an approving review of the head commit, by someone with write access or listed in `reviewers:`; in other CI: --approver carol, which CI vouches for); nobody other than the author has approved it yet"},
			},
		},
		{
			name: "review by the change's author with another approver",
			in: newInput(func(in *Input) {
				in.Author = "bob"
				in.Approvers = []string{"bob", "carol"}
				in.Flags["Fast"] = registered("Fast", 7, "4.3.1")
				in.FlagChanges = []FlagChange{{Flag: "Fast", Change: "added", File: "features/features.go", Line: 10}}
				in.Reviews = []Review{prReview("Fast", "bob", "4.3.1")}
			}),
			deny: []result.Finding{{Severity: "deny", Rule: "self_review", Flag: "Fast", Section: "4.3.1", File: "PR", Line: 3, Message: selfReviewMessage("4.3.1 \"CA actions during certificate issuance\"", "bob")}},
		},
		{
			name: "review by an approver other than the author",
			in: newInput(func(in *Input) {
				in.Author = "bob"
				in.Approvers = []string{"bob", "Carol"}
				in.Flags["Fast"] = registered("Fast", 7, "4.3.1")
				in.FlagChanges = []FlagChange{{Flag: "Fast", Change: "added", File: "features/features.go", Line: 10}}
				in.Reviews = []Review{prReview("Fast", "carol", "4.3.1")}
			}),
		},
		{
			name: "policy and configuration changes",
			in: newInput(func(in *Input) {
				in.PolicyChanges = []PolicyChange{
					{File: ".cpsgate.yaml", Kind: "config", Change: "modified"},
					{File: "policy/extra.rego", Kind: "policy", Change: "added"},
					{File: "policy/old.rego", Kind: "policy", Change: "removed"},
				}
			}),
			deny: []result.Finding{
				{Severity: "deny", Rule: "policy_changed", File: ".cpsgate.yaml", Message: "configuration file .cpsgate.yaml was modified: the check reads its configuration and policies from the base revision; a change to them needs a separate, approved change (an administrator's review)"},
				{Severity: "deny", Rule: "policy_changed", File: "policy/old.rego", Message: "policy file policy/old.rego was removed: the check reads its configuration and policies from the base revision; a change to them needs a separate, approved change (an administrator's review)"},
			},
			warn: []result.Finding{{Severity: "warn", Rule: "policy_changed", File: "policy/extra.rego", Message: "policy file policy/extra.rego was added: new policies and a first configuration are only applied once this change is merged"}},
		},
		{
			name: "registry alterations",
			in: newInput(func(in *Input) {
				in.Flags["Fast"] = registered("Fast", 7, "4.3.1")
				in.Reviews = []Review{oldReview("Fast", "2024-01-01", 9, "4.3.1")}
				in.RegistryChanges = []RegistryChange{
					{Flag: "Fast", Change: "review_modified", Detail: "review by alice of 2024-01-01", File: "flags/registry.yaml", Line: 9},
					{Flag: "Fast", Change: "link_removed", Detail: "4.9.12", File: "flags/registry.yaml", Line: 8},
					{Flag: "Gone", Change: "entry_removed", File: "flags/registry.yaml", Line: 40},
				}
			}),
			deny: []result.Finding{
				{Severity: "deny", Rule: "registry_changed", Flag: "Fast", File: "flags/registry.yaml", Line: 8, Message: "flag Fast: CPS link removed (4.9.12): removing a link needs its own review: attach a `cps-review` block for the flag and the unlinked section explaining why it no longer applies, and have the change approved"},
				{Severity: "deny", Rule: "registry_changed", Flag: "Fast", File: "flags/registry.yaml", Line: 9, Message: "flag Fast: review modified (review by alice of 2024-01-01): reviews are an audit trail: append a new review instead"},
				{Severity: "deny", Rule: "registry_changed", Flag: "Gone", File: "flags/registry.yaml", Line: 40, Message: "flag Gone: registry entry removed: mark it `status: removed` instead of deleting its entry"},
			},
		},
		{
			name: "review of an unknown flag",
			in: newInput(func(in *Input) {
				in.Flags["async_finalize"] = registered("async_finalize", 7)
				in.Flags["async_finalize"] = func(f Flag) Flag { f.NoCPSImpact = "n/a"; return f }(in.Flags["async_finalize"])
				in.Reviews = []Review{prReview("AsyncFinalize", "bob", "4.3.1"), prReview("Nope", "bob", "4.3.1")}
			}),
			deny: []result.Finding{
				{Severity: "deny", Rule: "unknown_flag", Flag: "AsyncFinalize", File: "PR", Line: 3, Message: "the review names flag AsyncFinalize, which no source or registry entry declares: did you mean async_finalize?"},
				{Severity: "deny", Rule: "unknown_flag", Flag: "Nope", File: "PR", Line: 3, Message: "the review names flag Nope, which no source or registry entry declares"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deny, warn, err := builtin(t).Eval(context.Background(), tt.in)
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if diff := cmp.Diff(deny, tt.deny); diff != "" {
				t.Errorf("deny mismatch (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(warn, tt.warn); diff != "" {
				t.Errorf("warn mismatch (-got +want):\n%s", diff)
			}
			// EvalDeny, which the report runs per commit, finds the
			// same deny findings without the warn rules.
			denyOnly, err := builtin(t).EvalDeny(context.Background(), tt.in)
			if err != nil {
				t.Fatalf("EvalDeny: %v", err)
			}
			if diff := cmp.Diff(denyOnly, tt.deny); diff != "" {
				t.Errorf("EvalDeny mismatch (-got +want):\n%s", diff)
			}
			// An engine compiled with every stage of the compiler (a
			// user policy turns off the skipped checks, see checkStages)
			// finds the same.
			deny, warn, err = checked(t).Eval(context.Background(), tt.in)
			if err != nil {
				t.Fatalf("Eval, every stage: %v", err)
			}
			if diff := cmp.Diff(deny, tt.deny); diff != "" {
				t.Errorf("deny mismatch, every stage (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(warn, tt.warn); diff != "" {
				t.Errorf("warn mismatch, every stage (-got +want):\n%s", diff)
			}
		})
	}
}

// checked returns an engine over the built-in rules and a helper module
// that adds no rule of theirs, compiled with every stage of the compiler.
var checked = engineOnce([]Module{{File: "user/helper.rego", Src: []byte("package cpsgate.helper\n\nx := 1\n")}})

func TestEvalDenyErrors(t *testing.T) {
	var nilEngine *Engine
	if _, err := nilEngine.EvalDeny(context.Background(), newInput(nil)); err == nil {
		t.Error("EvalDeny on a nil engine: no error")
	}
	// A user policy's malformed deny finding is an error, as in Eval.
	eng, err := New(context.Background(), []Module{{File: "policy/bad.rego", Src: []byte("package cpsgate\n\ndeny contains {\"rule\": \"bad\"} if { true }\n")}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = eng.EvalDeny(context.Background(), newInput(nil))
	if err == nil || !strings.Contains(err.Error(), "policy/bad.rego:3") || !strings.Contains(err.Error(), "message must be a non-empty string") {
		t.Errorf("EvalDeny of a malformed finding: got %v, want an error at policy/bad.rego:3 about the message", err)
	}
}

// doneAfter is a context that is done from its n-th Err call on: it stops a
// compilation at the n-th point where New looks at its context.
type doneAfter struct {
	context.Context
	n     int
	calls int
}

func (c *doneAfter) Err() error {
	c.calls++
	if c.calls >= c.n {
		return context.Canceled
	}
	return nil
}

// TestNewStopped: a compilation whose context is done, before it starts,
// at any stage after which it looks, or once it completed, returns an error
// and no engine (a check whose gate has policies of its own stops compiling
// the built-in policies alone).
func TestNewStopped(t *testing.T) {
	user := []Module{{File: ".cpsgate/policies/own.rego", Src: []byte("package cpsgate\n\ndeny contains {\"rule\": \"own\", \"msg\": \"m\"} if input.never\n")}}
	// New looks before compiling, after each stage of stopAfter, after the
	// compilation and after preparing the query.
	looks := 1 + len(stopAfter) + 2
	for _, mods := range [][]Module{nil, user} {
		for n := 1; n <= looks; n++ {
			ctx := &doneAfter{Context: context.Background(), n: n}
			eng, err := New(ctx, mods)
			if diff := cmp.Diff(eng == nil, true); diff != "" {
				t.Errorf("user modules %d, done at look %d: engine returned (-got +want):\n%s", len(mods), n, diff)
			}
			if diff := cmp.Diff(errors.Is(err, context.Canceled), true); diff != "" {
				t.Errorf("user modules %d, done at look %d: error %v, want context.Canceled (-got +want):\n%s", len(mods), n, err, diff)
			}
			// It stops at once: at most the look after the compiler returns.
			if ctx.calls > n+1 {
				t.Errorf("user modules %d, done at look %d: looked %d times, want at most %d", len(mods), n, ctx.calls, n+1)
			}
		}
		never := &doneAfter{Context: context.Background(), n: 1 << 30}
		if _, err := New(never, mods); err != nil {
			t.Errorf("user modules %d, never done: %v", len(mods), err)
		}
		if diff := cmp.Diff(never.calls, looks); diff != "" {
			t.Errorf("user modules %d, never done: looks at its context (-got +want):\n%s", len(mods), diff)
		}
	}
}

// TestParseBuiltins: the modules parsed on two goroutines at once (a check
// runs ParseBuiltins alongside New) are those of Builtin, in order, each
// parsed as parseModule does (go test -race checks the sharing).
func TestParseBuiltins(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		ParseBuiltins()
	}()
	got, err := parsedBuiltins()
	<-done
	if err != nil {
		t.Fatal(err)
	}
	var gotText, wantText []string
	for i, m := range Builtin() {
		want, err := parseModule(m, capabilities())
		if err != nil {
			t.Fatal(err)
		}
		gotText, wantText = append(gotText, got[i].String()), append(wantText, want.String())
	}
	if diff := cmp.Diff(gotText, wantText); diff != "" {
		t.Errorf("parsed built-in modules (-got +want):\n%s", diff)
	}
}

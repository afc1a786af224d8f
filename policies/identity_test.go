package policies

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/cpsgate/cpsgate/review"
)

// TestIdentityConstantsAgree: the Rego helpers and package review hold the
// same identity pattern and template placeholders (one is used on the
// command line, the other on reviews in a change).
func TestIdentityConstantsAgree(t *testing.T) {
	opts := []func(*rego.Rego){rego.Query("x := [data.cpsgate.identity_pattern, data.cpsgate.template_notes, data.cpsgate.valid_identity(\"" + review.TemplateReviewer + "\")]")}
	for _, m := range Builtin() {
		opts = append(opts, rego.Module(m.File, string(m.Src)))
	}
	rs, err := rego.New(opts...).Eval(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) == 1 {
		t.Fatalf("valid_identity(%q) holds in Rego", review.TemplateReviewer)
	}
	rs, err = rego.New(append(opts[1:], rego.Query("x := [data.cpsgate.identity_pattern, data.cpsgate.template_notes, data.cpsgate.template_parameter_notes]"))...).Eval(context.Background())
	if err != nil || len(rs) != 1 {
		t.Fatalf("eval: %v %v", rs, err)
	}
	got := rs[0].Bindings["x"].([]any)
	if got[0] != review.IdentityPattern || got[1] != review.TemplateNotes || got[2] != review.TemplateParameterNotes {
		t.Errorf("Rego has %q, %q and %q, package review %q, %q and %q", got[0], got[1], got[2], review.IdentityPattern, review.TemplateNotes, review.TemplateParameterNotes)
	}
	for _, id := range []string{"alice", "dependabot[bot]", "a.b@example.org"} {
		if review.CheckIdentity(id) != nil {
			t.Errorf("CheckIdentity(%q) refuses a valid identity", id)
		}
	}
	for _, id := range []string{"", " ", "mallory,", "a b", "[bot]", "x[bot]y", review.TemplateReviewer} {
		if review.CheckIdentity(id) == nil {
			t.Errorf("CheckIdentity(%q) accepts it", id)
		}
	}
}

package check

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/change"
	"github.com/cpsgate/cpsgate/policies"
	"github.com/cpsgate/cpsgate/review"
)

// TestInputsAgree holds that Inputs builds the input BuildInputFrom builds,
// whether the change shares its CPS with its base (as the report's states
// do) or changes it, and when the same sections are asked for again.
func TestInputsAgree(t *testing.T) {
	const reviewed = "\"4.3.2\"]=>\"4.3.2\"]\n    reviews:\n      - date: 2024-04-12\n        reviewer: alice\n        sections: [\"4.3.1\"]\n        verdict: compliant"
	base := load(t, baseRev.with("base", map[string]string{"registry.yaml": reviewed}))
	attached, _, err := review.ParseBody("description", []byte("```cps-review\nflag: Async\nreviewer: bob\nsections: [\"4.3.2\"]\nverdict: compliant\n```\n"))
	if err != nil || len(attached) != 1 {
		t.Fatalf("attached review: %v %v", attached, err)
	}
	tests := []struct {
		name     string
		edits    map[string]string
		attached bool
		shares   bool    // head holds base's documents, index and registry
		want     [2]bool // the sections, the reviews shared
	}{
		{name: "flag enabled, CPS shared", edits: map[string]string{"deploy/prod.json": `"Async": false=>"Async": true`}, shares: true, want: [2]bool{true, true}},
		{name: "nothing changed, CPS shared", shares: true, want: [2]bool{true, true}},
		{name: "a review attached", attached: true, shares: true, want: [2]bool{true, false}},
		{name: "section text changed", edits: map[string]string{"cps.md": "after validation=>after validation and linting"}, want: [2]bool{false, true}},
		{name: "section renumbered", edits: map[string]string{"cps.md": "### 4.3.2 Notification=>### 4.3.3 Notification"}, want: [2]bool{false, true}},
		{name: "CPS and registry reloaded unchanged", edits: map[string]string{"deploy/prod.json": `"Async": false=>"Async": true`}, want: [2]bool{false, true}},
		{name: "a review added to the registry", edits: map[string]string{"registry.yaml": "verdict: compliant\n=>verdict: compliant\n      - date: 2024-05-01\n        reviewer: carol\n        sections: [\"4.3.2\"]\n        verdict: compliant\n"}},
	}
	var inputs Inputs
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := load(t, baseRev.with("head", map[string]string{"registry.yaml": reviewed}).with("head", tt.edits))
			if tt.shares {
				head.Docs, head.Sections, head.Registry = base.Docs, base.Sections, base.Registry
			}
			set := change.Between(base, head)
			ch := Change{Config: ".cpsgate.yaml", Author: "a"}
			if tt.attached {
				ch.Reviews = attached
			}
			want, err := json.Marshal(BuildInputFrom(base, head, set, ch))
			if err != nil {
				t.Fatal(err)
			}
			var ins []*policies.Input
			for range 2 {
				in := inputs.BuildInputFrom(base, head, set, ch)
				ins = append(ins, in)
				got, err := json.Marshal(in)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(got), string(want)); diff != "" {
					t.Errorf("input (-got +want):\n%s", diff)
				}
			}
			shared := [2]bool{
				reflect.ValueOf(ins[0].Sections).UnsafePointer() == reflect.ValueOf(ins[1].Sections).UnsafePointer(),
				len(ins[0].Reviews) > 0 && &ins[0].Reviews[0] == &ins[1].Reviews[0],
			}
			if shared != tt.want {
				t.Errorf("shared (sections, reviews): %v, want %v", shared, tt.want)
			}
		})
	}
}

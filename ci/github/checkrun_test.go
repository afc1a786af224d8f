package github

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/result"
)

func TestAnnotations(t *testing.T) {
	res := &result.Result{Findings: []result.Finding{
		{Severity: "deny", Rule: "missing_review", Message: "m1", File: "deploy/prod.json", Line: 4},
		{Severity: "warn", Rule: "stale_review", Message: "m2", File: "flags/registry.yaml"},
		{Severity: "deny", Rule: "policy_changed", Message: "m3"},
	}}
	want := []Annotation{
		{Path: "deploy/prod.json", Line: 4, Level: "failure", Title: "missing_review", Message: "m1"},
		{Path: "flags/registry.yaml", Line: 1, Level: "warning", Title: "stale_review", Message: "m2"},
	}
	if diff := cmp.Diff(Annotations(res), want); diff != "" {
		t.Errorf("mismatch (-got +want):\n%s", diff)
	}
}

// TestCheckRunBatches sends 120 annotations as 50 with the creation and 50
// and 20 in two updates.
func TestCheckRunBatches(t *testing.T) {
	var anns []Annotation
	var wire []any
	for i := range 120 {
		anns = append(anns, Annotation{Path: "deploy/prod.json", Line: i + 1, Level: "failure", Title: "missing_review", Message: fmt.Sprint("finding ", i)})
		wire = append(wire, map[string]any{"path": "deploy/prod.json", "start_line": i + 1, "end_line": i + 1,
			"annotation_level": "failure", "title": "missing_review", "message": fmt.Sprint("finding ", i)})
	}
	output := func(from, to int) map[string]any {
		return map[string]any{"title": "cpsgate: 120 to fix", "summary": "the report", "annotations": wire[from:to]}
	}
	created := fixture(t, "api-checks-create.json").(object)
	created["id"] = 4242
	f := newFake(t, "/api/v3",
		call{method: "POST", path: "/repos/octo-org/octo-repo/check-runs", status: 201, resp: created,
			body: mustJSON(map[string]any{"name": "cpsgate", "head_sha": "0123456789abcdef0123456789abcdef01234567",
				"status": "completed", "conclusion": "failure", "output": output(0, 50)})},
		call{method: "PATCH", path: "/repos/octo-org/octo-repo/check-runs/4242", resp: fixture(t, "api-checks-update.json"),
			body: mustJSON(map[string]any{"name": "cpsgate", "output": output(50, 100)})},
		call{method: "PATCH", path: "/repos/octo-org/octo-repo/check-runs/4242", resp: fixture(t, "api-checks-update.json"),
			body: mustJSON(map[string]any{"name": "cpsgate", "output": output(100, 120)})},
	)
	id, err := f.client(&sleeps{}).CheckRun(context.Background(), "0123456789abcdef0123456789abcdef01234567", "failure", "cpsgate: 120 to fix", "the report", anns)
	if err != nil || id != 4242 {
		t.Errorf("CheckRun = %d, %v", id, err)
	}
}

func TestCheckRunSuccessNoAnnotations(t *testing.T) {
	f := newFake(t, "",
		call{method: "POST", path: "/repos/octo-org/octo-repo/check-runs", status: 201, resp: fixture(t, "api-checks-create.json"),
			body: `{"name":"cpsgate","head_sha":"abc","status":"completed","conclusion":"success","output":{"title":"cpsgate: pass","summary":"ok"}}`},
	)
	if _, err := f.client(&sleeps{}).CheckRun(context.Background(), "abc", "success", "cpsgate: pass", "ok", nil); err != nil {
		t.Fatal(err)
	}
}

package check

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/change"
	"github.com/cpsgate/cpsgate/policies"
)

// TestInputsAgree holds that Inputs builds the input BuildInputFrom builds,
// whether the change shares its CPS with its base (as the report's states
// do) or changes it, and when the same sections are asked for again.
func TestInputsAgree(t *testing.T) {
	base := load(t, baseRev)
	tests := []struct {
		name   string
		edits  map[string]string
		shares bool // head holds base's documents and index
	}{
		{name: "flag enabled, CPS shared", edits: map[string]string{"deploy/prod.json": `"Async": false=>"Async": true`}, shares: true},
		{name: "nothing changed, CPS shared", shares: true},
		{name: "section text changed", edits: map[string]string{"cps.md": "after validation=>after validation and linting"}},
		{name: "section renumbered", edits: map[string]string{"cps.md": "### 4.3.2 Notification=>### 4.3.3 Notification"}},
		{name: "CPS reloaded unchanged", edits: map[string]string{"deploy/prod.json": `"Async": false=>"Async": true`}},
	}
	var inputs Inputs
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := load(t, baseRev.with("head", tt.edits))
			if tt.shares {
				head.Docs, head.Sections = base.Docs, base.Sections
			}
			set := change.Between(base, head)
			ch := Change{Config: ".cpsgate.yaml", Author: "a"}
			want, err := json.Marshal(BuildInputFrom(base, head, set, ch))
			if err != nil {
				t.Fatal(err)
			}
			var maps []map[string]policies.Section
			for range 2 {
				in := inputs.BuildInputFrom(base, head, set, ch)
				maps = append(maps, in.Sections)
				got, err := json.Marshal(in)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(got), string(want)); diff != "" {
					t.Errorf("input (-got +want):\n%s", diff)
				}
			}
			if shared := reflect.ValueOf(maps[0]).UnsafePointer() == reflect.ValueOf(maps[1]).UnsafePointer(); shared != tt.shares {
				t.Errorf("sections shared: %v, want %v", shared, tt.shares)
			}
		})
	}
}

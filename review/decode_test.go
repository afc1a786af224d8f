package review

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/cpsgate/cpsgate/diag"
)

// hashA is a well-formed section hash.
var hashA = "sha256:" + strings.Repeat("a1", 32)

// parseNode parses src into its root YAML node.
func parseNode(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatalf("bad test YAML: %v", err)
	}
	return doc.Content[0]
}

// errText renders err, "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestDecodeNode(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		withFlag bool
		want     Review
		wantErr  string
	}{{
		name: "every key",
		src: `flag: AsyncFinalize
date: 2024-04-12
reviewer: alice
sections: ["4.3.1", "4.3.2"]
verdict: compliant
cps_version: 5.3
section_hashes: {"4.3.1": "` + hashA + `"}
ref: https://example.org/pull/123
notes: Matches 4.3.1.
`,
		withFlag: true,
		want: Review{
			Flag: "AsyncFinalize", Date: "2024-04-12", Reviewer: "alice",
			Sections: []string{"4.3.1", "4.3.2"}, Verdict: VerdictCompliant,
			CPSVersion: "5.3", SectionHashes: map[string]string{"4.3.1": hashA},
			Ref: "https://example.org/pull/123", Notes: "Matches 4.3.1.",
			Pos: diag.Pos{File: "r.yaml", Line: 1, Col: 1},
		},
	}, {
		name: "numeric section IDs keep their text",
		src:  "sections: [4.3, 4.10, 9]\nverdict: cps-updated\n",
		want: Review{Sections: []string{"4.3", "4.10", "9"}, Verdict: VerdictCPSUpdated, Pos: diag.Pos{File: "r.yaml", Line: 1, Col: 1}},
	}, {
		name: "one section as a string",
		src:  "sections: 4.9.12\nverdict: not-applicable\n",
		want: Review{Sections: []string{"4.9.12"}, Verdict: VerdictNotApplicable, Pos: diag.Pos{File: "r.yaml", Line: 1, Col: 1}},
	}, {
		name: "null values are empty",
		src:  "reviewer: ~\nsections:\nsection_hashes:\nverdict: compliant\n",
		want: Review{Verdict: VerdictCompliant, Pos: diag.Pos{File: "r.yaml", Line: 1, Col: 1}},
	}, {
		name:    "unknown key",
		src:     "verdict: compliant\nreviwer: bob\n",
		wantErr: `r.yaml:2:1: unknown key "reviwer" in review (known keys: cps_version, date, notes, ref, reviewer, section_hashes, sections, verdict)`,
	}, {
		name:    "flag is unknown without withFlag",
		src:     "verdict: compliant\nflag: X\n",
		wantErr: `r.yaml:2:1: unknown key "flag" in review (known keys: cps_version, date, notes, ref, reviewer, section_hashes, sections, verdict)`,
	}, {
		name:     "missing flag and verdict",
		src:      "reviewer: bob\n",
		withFlag: true,
		wantErr:  "r.yaml:1:1: review: missing required key \"flag\"\nr.yaml:1:1: review: missing required key \"verdict\"",
	}, {
		name:     "empty flag",
		src:      "flag: ''\nverdict: compliant\n",
		withFlag: true,
		wantErr:  "r.yaml:1:7: flag must not be empty",
	}, {
		name:    "bad verdict",
		src:     "verdict: ok\n",
		wantErr: `r.yaml:1:10: verdict: "ok" is not one of compliant, cps-updated, not-applicable`,
	}, {
		name:    "bad dates",
		src:     "verdict: compliant\ndate: 2024-13-01\n",
		wantErr: `r.yaml:2:7: date: "2024-13-01" is not a valid date (YYYY-MM-DD)`,
	}, {
		name:    "date without leading zeros",
		src:     "verdict: compliant\ndate: 2024-4-1\n",
		wantErr: `r.yaml:2:7: date: "2024-4-1" is not a valid date (YYYY-MM-DD)`,
	}, {
		name: "bad hashes",
		src:  "verdict: compliant\nsection_hashes:\n  4.3.1: sha256:ABC\n  '§4': " + hashA + "\n  4.3.2: [x]\n",
		wantErr: `r.yaml:3:10: section_hashes: "sha256:ABC" is not of the form sha256:<64 lowercase hex digits>
r.yaml:4:3: section_hashes: "§4" is not a section ID (digits or letters separated by dots, e.g. 4.9.12)
r.yaml:5:10: section_hashes: expected a string, got a list`,
	}, {
		name:    "wrong types",
		src:     "verdict: [compliant]\nreviewer: {name: bob}\nsections: {a: b}\n",
		wantErr: "r.yaml:1:10: verdict: expected a string, got a list\nr.yaml:2:11: reviewer: expected a string, got a mapping\nr.yaml:3:11: sections: expected a list, got a mapping",
	}, {
		name:    "bad section IDs",
		src:     "verdict: compliant\nsections: ['4.3.1, 4.3.2', 4.3., 4.3.1, [1]]\n",
		wantErr: "r.yaml:2:12: sections: \"4.3.1, 4.3.2\" is not a section ID (digits or letters separated by dots, e.g. 4.9.12)\nr.yaml:2:28: sections: \"4.3.\" is not a section ID (digits or letters separated by dots, e.g. 4.9.12)\nr.yaml:2:41: sections: expected a string, got a list",
	}, {
		name:    "section listed twice",
		src:     "verdict: compliant\nsections: [4.3.1, '4.3.1']\n",
		wantErr: `r.yaml:2:19: sections: section "4.3.1" is listed twice`,
	}, {
		name:    "duplicate key",
		src:     "verdict: compliant\nverdict: compliant\n",
		wantErr: `r.yaml:2:1: review: duplicate key "verdict" (first at line 1)`,
	}, {
		name:    "alias value",
		src:     "notes: &n hello\nverdict: compliant\nref: *n\n",
		wantErr: "r.yaml:3:6: YAML aliases are not allowed (*n); write the value out",
	}, {
		name:    "not a mapping",
		src:     "- verdict: compliant\n",
		wantErr: "r.yaml:1:1: review: expected a mapping, got a list",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeNode("r.yaml", parseNode(t, tt.src), tt.withFlag)
			if diff := cmp.Diff(errText(err), tt.wantErr); diff != "" {
				t.Fatalf("error mismatch (-got +want):\n%s", diff)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("review mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestDecodeNodeNil(t *testing.T) {
	_, err := DecodeNode("r.yaml", nil, false)
	if diff := cmp.Diff(errText(err), "r.yaml: no review"); diff != "" {
		t.Errorf("error mismatch (-got +want):\n%s", diff)
	}
}

func TestCompareSectionIDs(t *testing.T) {
	got := []string{"4.10", "A.1", "4.3.1", "10", "4.3", "4.9.12", "4", "04.2", "1"}
	want := []string{"1", "04.2", "4", "4.3", "4.3.1", "4.9.12", "4.10", "10", "A.1"}
	slices.SortFunc(got, compareSectionIDs)
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("order mismatch (-got +want):\n%s", diff)
	}
}

package regedit

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/review"
)

const hash = "sha256:1111111111111111111111111111111111111111111111111111111111111111"

func TestAppendReview(t *testing.T) {
	r := review.Review{Date: "2026-12-01", Reviewer: "alice", Sections: []string{"4.3.1"}, Verdict: "compliant",
		CPSVersion: "2.1", SectionHashes: map[string]string{"4.3.1": hash}, Notes: `Checked: "on" and off.`}
	added := "      - date: 2026-12-01\n        reviewer: \"alice\"\n        sections: [\"4.3.1\"]\n        verdict: compliant\n        cps_version: \"2.1\"\n        section_hashes: {\"4.3.1\": \"" + hash + "\"}\n        notes: \"Checked: \\\"on\\\" and off.\"\n"
	tests := []struct {
		name, flag, src, want, wantErr string
	}{
		{
			name: "after the last review, before the next entry and its comment",
			flag: "A",
			src:  "# top\nflags:\n  - name: A # the first\n    cps: [\"4.3.1\"]\n    reviews:\n      - date: 2026-01-01\n        verdict: compliant # kept\n\n  # B is next\n  - name: B\n",
			want: "# top\nflags:\n  - name: A # the first\n    cps: [\"4.3.1\"]\n    reviews:\n      - date: 2026-01-01\n        verdict: compliant # kept\n" + added + "\n  # B is next\n  - name: B\n",
		},
		{
			name: "a reviews list added to the last entry, no final newline",
			flag: "B",
			src:  "flags:\n  - name: A\n  - name: B\n    cps: [\"4.3.1\"]",
			want: "flags:\n  - name: A\n  - name: B\n    cps: [\"4.3.1\"]\n    reviews:\n" + added,
		},
		{
			name: "reviews before another key",
			flag: "A",
			src:  "flags:\n- name: A\n  reviews:\n  - date: 2026-01-01\n    verdict: compliant\n  owner: x\n",
			want: "flags:\n- name: A\n  reviews:\n  - date: 2026-01-01\n    verdict: compliant\n" +
				"  - date: 2026-12-01\n    reviewer: \"alice\"\n    sections: [\"4.3.1\"]\n    verdict: compliant\n    cps_version: \"2.1\"\n    section_hashes: {\"4.3.1\": \"" + hash + "\"}\n    notes: \"Checked: \\\"on\\\" and off.\"\n" +
				"  owner: x\n",
		},
		{name: "unknown flag", flag: "C", src: "flags:\n  - name: A\n", wantErr: "flag C has no entry in r.yaml: register it first"},
		{name: "flow list", flag: "A", src: "flags:\n  - name: A\n    reviews: []\n", wantErr: `r.yaml:3: the reviews of flag A are not a block list ("- date: ..." lines): write them as one to append`},
		{name: "bad registry", flag: "A", src: "flags:\n  - name: A\n    colour: red\n", wantErr: `r.yaml:3:5: unknown key "colour" in flag entry (known keys: cps, description, name, no_cps_impact, owner, reviews, status)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AppendReview("r.yaml", []byte(tt.src), tt.flag, r)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("no error, want %q", tt.wantErr)
				}
				if diff := cmp.Diff(err.Error(), tt.wantErr); diff != "" {
					t.Errorf("error (-got +want):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(got), tt.want); diff != "" {
				t.Errorf("registry (-got +want):\n%s", diff)
			}
		})
	}
}

func TestParseNotes(t *testing.T) {
	got := ParseNotes(NotesTemplate(review.Review{Flag: "A", Sections: []string{"4.3.1"}}) + "Matches 4.3.1\n  on and off.\n# not this\n")
	if diff := cmp.Diff(got, "Matches 4.3.1 on and off."); diff != "" {
		t.Errorf("ParseNotes (-got +want):\n%s", diff)
	}
}

package flags

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/internal/yamlnode"
	"github.com/cpsgate/cpsgate/review"
)

// regPos is a position in the test registry file.
func regPos(line, col int) diag.Pos {
	return diag.Pos{File: "registry.yaml", Line: line, Col: col}
}

const validRegistry = `# The flag registry.
flags:
  - name: AsyncFinalize
    description: Return from finalize before issuance completes.
    owner: "@ca/dev"
    status: active
    cps: ["4.3.1", 4.3.10]
    reviews:
      - date: 2024-04-12
        reviewer: alice
        sections: ["4.3.1", "4.3.10"]
        verdict: compliant
        cps_version: 5.3
        section_hashes: {"4.3.1": "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
        ref: https://example.org/pull/123
        notes: Behaviour matches 4.3.1.
  - owner: "@ca/ops"
    name: LogLevel
    no_cps_impact: Logging only.
`

// validWant is validRegistry decoded.
var validWant = &Registry{File: "registry.yaml", Flags: []Entry{{
	Name: "AsyncFinalize", Description: "Return from finalize before issuance completes.",
	Owner: "@ca/dev", Status: StatusActive, CPS: []string{"4.3.1", "4.3.10"},
	Reviews: []review.Review{{
		Flag: "AsyncFinalize", Date: "2024-04-12", Reviewer: "alice", Sections: []string{"4.3.1", "4.3.10"},
		Verdict: review.VerdictCompliant, CPSVersion: "5.3",
		SectionHashes: map[string]string{"4.3.1": "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
		Ref:           "https://example.org/pull/123", Notes: "Behaviour matches 4.3.1.",
		Origin: review.OriginRegistry, Pos: regPos(9, 9),
	}},
	Pos: regPos(3, 11), CPSPos: regPos(7, 5),
}, {
	Name: "LogLevel", Owner: "@ca/ops", Status: StatusActive, NoCPSImpact: "Logging only.",
	Pos: regPos(18, 11), CPSPos: regPos(18, 11),
}}}

// errText renders err, "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestDecodeRegistry(t *testing.T) {
	empty := &Registry{File: "registry.yaml"}
	tests := []struct {
		name    string
		src     string
		want    *Registry
		wantErr string
	}{
		{name: "valid", src: validRegistry, want: validWant},
		{name: "CRLF and BOM", src: "\uFEFF" + strings.ReplaceAll(validRegistry, "\n", "\r\n"), want: validWant},
		{name: "empty file", src: "", want: empty},
		{name: "comments only", src: "# nothing yet\n", want: empty},
		{name: "empty list", src: "flags: []\n", want: empty},
		{name: "null list", src: "flags:\n", want: empty},
		{name: "statuses", src: "flags:\n- name: A\n  status: proposed\n- name: B\n  status: removed\n", want: &Registry{File: "registry.yaml", Flags: []Entry{
			{Name: "A", Status: StatusProposed, Pos: regPos(2, 9), CPSPos: regPos(2, 9)},
			{Name: "B", Status: StatusRemoved, Pos: regPos(4, 9), CPSPos: regPos(4, 9)},
		}}},
		{
			name:    "unknown top-level key",
			src:     "flag:\n  - name: A\n",
			wantErr: `registry.yaml:1:1: unknown key "flag" in registry (known keys: flags, parameters, sections)`,
		}, {
			name:    "unknown entry key",
			src:     "flags:\n  - name: A\n    links: [4.3.1]\n",
			wantErr: `registry.yaml:3:5: unknown key "links" in flag entry (known keys: cps, description, name, no_cps_impact, owner, reviews, status)`,
		}, {
			name:    "unknown review key, flag included",
			src:     "flags:\n  - name: A\n    reviews:\n      - flag: A\n        verdict: compliant\n",
			wantErr: `registry.yaml:4:9: unknown key "flag" in review (known keys: cps_version, date, notes, ref, reviewer, section_hashes, sections, verdict)`,
		}, {
			name:    "missing and empty names",
			src:     "flags:\n  - owner: x\n  - name: \"\"\n",
			wantErr: "registry.yaml:2:5: flag entry: missing required key \"name\"\nregistry.yaml:3:11: name must not be empty",
		}, {
			name:    "duplicate names",
			src:     "flags:\n  - name: A\n  - name: B\n  - name: A\n",
			wantErr: `registry.yaml:4:11: flag "A" is defined twice, at lines 2 and 4`,
		}, {
			name:    "bad status and section IDs",
			src:     "flags:\n  - name: A\n    status: on\n    cps: [\"§4.3.1\", \"4.3.1 4.3.2\"]\n",
			wantErr: "registry.yaml:3:13: status: \"on\" is not one of proposed, active, deprecated, removed\nregistry.yaml:4:11: cps: \"§4.3.1\" is not a section ID (digits or letters separated by dots, e.g. 4.9.12)\nregistry.yaml:4:21: cps: \"4.3.1 4.3.2\" is not a section ID (digits or letters separated by dots, e.g. 4.9.12)",
		}, {
			name:    "no_cps_impact with cps",
			src:     "flags:\n  - name: A\n    cps: [4.3.1]\n    no_cps_impact: none\n",
			wantErr: "registry.yaml:4:5: no_cps_impact is set, but cps links sections 4.3.1: keep one or the other",
		}, {
			name:    "bad verdict, date and hash",
			src:     "flags:\n  - name: A\n    reviews:\n      - date: 2024-02-30\n        verdict: yes\n        section_hashes: {4.3.1: \"sha256:abc\"}\n",
			wantErr: "registry.yaml:4:15: date: \"2024-02-30\" is not a valid date (YYYY-MM-DD)\nregistry.yaml:5:18: verdict: \"yes\" is not one of compliant, cps-updated, not-applicable\nregistry.yaml:6:33: section_hashes: \"sha256:abc\" is not of the form sha256:<64 lowercase hex digits>",
		}, {
			name:    "wrong types",
			src:     "flags:\n  - name: [A]\n    cps: {a: b}\n    reviews: yes\n  - just a string\n",
			wantErr: "registry.yaml:2:11: name: expected a string, got a list\nregistry.yaml:3:10: cps: expected a list, got a mapping\nregistry.yaml:4:14: reviews: expected a list, got \"yes\"\nregistry.yaml:5:5: flag entry: expected a mapping, got \"just a string\"",
		}, {
			name:    "flags not a list",
			src:     "flags: {name: A}\n",
			wantErr: "registry.yaml:1:8: flags: expected a list, got a mapping",
		}, {
			name:    "aliases",
			src:     "flags:\n  - &a\n    name: A\n  - *a\n  - name: B\n    <<: *a\n",
			wantErr: "registry.yaml:4:5: YAML aliases are not allowed (*a); write the value out\nregistry.yaml:6:9: YAML aliases are not allowed (*a); write the value out",
		}, {
			name:    "not a mapping",
			src:     "- name: A\n",
			wantErr: "registry.yaml:1:1: registry: expected a mapping, got a list",
		}, {
			name:    "second document",
			src:     "flags: []\n---\nflags: []\n",
			wantErr: "registry.yaml:3:1: a registry is one YAML document; merge this one into the first",
		}, {
			name:    "bad YAML",
			src:     "flags:\n  - name: A\n\t  owner: x\n",
			wantErr: "registry.yaml:2: invalid YAML: found a tab character that violates indentation",
		}, {
			name:    "too many flags",
			src:     "flags:\n" + strings.Repeat("  - {name: A, no_cps_impact: x}\n", MaxFlags+1),
			wantErr: fmt.Sprintf("registry.yaml:%d:5: the registry lists %d flags, more than the limit of %d (flags.MaxFlags)", MaxFlags+2, MaxFlags+1, MaxFlags),
		}, {
			name:    "too large",
			src:     strings.Repeat("#", MaxRegistrySize+1),
			wantErr: fmt.Sprintf("registry.yaml:1: registry is %d bytes, more than the limit of %d", MaxRegistrySize+1, MaxRegistrySize),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeRegistry("registry.yaml", []byte(tt.src))
			if diff := cmp.Diff(errText(err), tt.wantErr); diff != "" {
				t.Errorf("error mismatch (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("registry mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestRegistryNames(t *testing.T) {
	reg, err := DecodeRegistry("registry.yaml", []byte("flags:\n- name: b\n- name: A\n- name: a\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		reg  *Registry
		want []string
	}{
		{"sorted", reg, []string{"A", "a", "b"}},
		{"nil registry", nil, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.reg.Names(), tt.want); diff != "" {
			t.Errorf("%s: names mismatch (-got +want):\n%s", tt.name, diff)
		}
	}
}

func FuzzDecodeRegistry(f *testing.F) {
	f.Add(validRegistry)
	f.Add("\uFEFFflags:\r\n  - name: A\r\n    cps: 4.3.1\r\n")
	f.Add("flags:\n  - &a\n    name: A\n  - *a\n")
	f.Add("flags: [{name: A}, {name: A}]\n---\n")
	f.Fuzz(func(t *testing.T, src string) {
		reg, err := DecodeRegistry("registry.yaml", []byte(src))
		if err != nil {
			if reg != nil {
				t.Errorf("registry %+v returned with error %v", reg, err)
			}
			return
		}
		seen := map[string]bool{}
		for _, e := range reg.Flags {
			if e.Name == "" || seen[e.Name] || e.Pos.Line < 1 {
				t.Errorf("bad entry %+v", e)
			}
			seen[e.Name] = true
			if e.NoCPSImpact != "" && len(e.CPS) > 0 {
				t.Errorf("entry %q has both cps and no_cps_impact", e.Name)
			}
			for _, id := range e.CPS {
				if !yamlnode.IsSectionID(id) {
					t.Errorf("entry %q links %q", e.Name, id)
				}
			}
		}
	})
}

func TestDecodeSectionRules(t *testing.T) {
	src := "flags: []\nsections:\n  - id: \"4.2.4\"\n    requires_test: true\n    tests: [\"TestCAA*\", \"/^TestCheckCAA(Record|Tree)$/\"]\n  - id: 7.1\n"
	reg, err := DecodeRegistry("registry.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range reg.Sections {
		got = append(got, fmt.Sprintf("%s requires=%v at %s", r.ID, r.RequiresTest, r.Pos))
		for _, p := range r.Tests {
			got = append(got, fmt.Sprintf("  %s at %s: TestCAAx=%v TestCheckCAATree=%v TestOther=%v", p.Text, p.Pos,
				p.Match("TestCAAx"), p.Match("TestCheckCAATree"), p.Match("TestOther")))
		}
	}
	want := []string{
		"4.2.4 requires=true at registry.yaml:3:9",
		"  TestCAA* at registry.yaml:5:13: TestCAAx=true TestCheckCAATree=false TestOther=false",
		"  /^TestCheckCAA(Record|Tree)$/ at registry.yaml:5:25: TestCAAx=false TestCheckCAATree=true TestOther=false",
		"7.1 requires=false at registry.yaml:6:9",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("mismatch (-got +want):\n%s", diff)
	}
	if reg.SectionRule("7.1") == nil || reg.SectionRule("9.9") != nil {
		t.Error("SectionRule lookup is wrong")
	}
	for _, tc := range []struct{ name, src, want string }{
		{"bad id", "sections:\n  - id: \"4..2\"\n", `registry.yaml:2:9: id: "4..2" is not a section ID (digits or letters separated by dots, e.g. 4.9.12)`},
		{"bad requires", "sections:\n  - id: \"4.2\"\n    requires_test: yes please\n", `registry.yaml:3:20: requires_test: want true or false, not "yes please"`},
		{"bad regexp", "sections:\n  - id: \"4.2\"\n    tests: [\"/(/\"]\n", "registry.yaml:3:13: tests: \"/(/\" is not a regular expression: error parsing regexp: missing closing ): `(`"},
		{"bad glob", "sections:\n  - id: \"4.2\"\n    tests: [\"Test[\"]\n", `registry.yaml:3:13: tests: "Test[" is not a valid glob: syntax error in pattern`},
		{"slash", "sections:\n  - id: \"4.2\"\n    tests: [\"pkg/TestX\"]\n", `registry.yaml:3:13: tests: "pkg/TestX": a test name pattern is a glob such as TestCAA* or a regular expression written /.../`},
		{"twice", "sections:\n  - id: \"4.2\"\n  - id: \"4.2\"\n", `registry.yaml:3:9: section "4.2" is listed twice in sections:, at lines 2 and 3: merge the entries`},
		{"unknown key", "sections:\n  - id: \"4.2\"\n    test: [x]\n", `registry.yaml:3:5: unknown key "test" in sections entry (known keys: id, requires_test, tests)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeRegistry("registry.yaml", []byte(tc.src))
			if diff := cmp.Diff(errText(err), tc.want); diff != "" {
				t.Errorf("error mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

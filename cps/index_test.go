package cps

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCompareIDs(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.2", "1.10", -1},
		{"1.10", "2", -1},
		{"2", "1.10", 1},
		{"1", "1.1", -1},
		{"9.17", "A", -1},
		{"A", "A.1", -1},
		{"A.2", "A.10", -1},
		{"B", "A.10", 1},
		{"4.9.12", "4.9.12", 0},
		{"01", "1", -1}, // equal value, still a total order
		{"", "1", 1},    // not an ID: after the numbers
	}
	for _, tt := range tests {
		if got := CompareIDs(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareIDs(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := CompareIDs(tt.b, tt.a); got != -tt.want {
			t.Errorf("CompareIDs(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestCompareIDsSorts(t *testing.T) {
	want := []string{"1", "1.1", "1.2", "1.10", "2", "4.9", "4.9.1", "4.9.2", "4.9.12", "4.10", "9.17", "10", "A", "A.1", "A.2", "A.10", "B"}
	got := slices.Clone(want)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
	slices.SortFunc(got, CompareIDs)
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("sorted IDs mismatch (-got +want):\n%s", diff)
	}
}

func TestIndex(t *testing.T) {
	cp, err := Parse("docs/cp.md", []byte("# 1 Intro\n\n## 1.1 Overview\n"))
	if err != nil {
		t.Fatal(err)
	}
	cps, err := Parse("docs/cps.md", []byte("# 2 Publication\n\n# 3 Identification\n"))
	if err != nil {
		t.Fatal(err)
	}
	idx, err := Index([]*Document{cp, cps})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for id, s := range idx {
		got[id] = s.Pos.String()
	}
	want := map[string]string{"1": "docs/cp.md:1", "1.1": "docs/cp.md:3", "2": "docs/cps.md:1", "3": "docs/cps.md:3"}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("index mismatch (-got +want):\n%s", diff)
	}
	if idx["1.1"] != &cp.Sections[1] {
		t.Errorf("index does not point into the document")
	}

	other, err := Parse("docs/other.md", []byte("text\n\n## 1.1 Again\n"))
	if err != nil {
		t.Fatal(err)
	}
	idx, err = Index([]*Document{cp, cps, other})
	if idx != nil || err == nil {
		t.Fatalf("Index = %v, %v; want nil and an error", idx, err)
	}
	wantErr := "docs/other.md:3: duplicate section ID 1.1 (first at docs/cp.md:3) [duplicate_id]"
	if diff := cmp.Diff(err.Error(), wantErr); diff != "" {
		t.Errorf("error mismatch (-got +want):\n%s", diff)
	}
}

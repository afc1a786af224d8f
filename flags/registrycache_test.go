package flags

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/review"
)

// cacheInputs are registries in the plain layout and near it.
var cacheInputs = []string{
	validRegistry,
	"flags:\n- name: b\n- name: A\n- name: a\n",
	"flags:\n  - name: A\n  - name: B\n  - name: A\n",
	"flags:\n  - name: A\n    cps: [\"4.3.1\",\n      \"4.3.2\"]\n  - name: B\n    no_cps_impact: \"a\n      b\"\n",
	"flags:\n  - name: A\n    description: 'open\n  - name: B\n    owner: x'\n",
	"flags:\n  - name: A\n    cps: [4.3.1,\n  - name: B]\n",
	"flags:\n  - name: A\n    description: |\n      text\n  - name: B\n",
	"flags:\n  - name: A\n    description: a plain\n      scalar on two lines\n\n# a comment\n  - name: B\n    owner: \"@x\" # trailing\n",
	"flags:\n  - &a\n    name: A\n  - *a\n  - name: B\n    <<: *a\n",
	"flags:\n  - name: A\n    reviews:\n      - date: 2024-02-30\n        verdict: yes\n",
	"flags:\n  - name: A\n    status: on\n",
	"flags:\n  - name: A\n    owner: x\n    owner: y\n",
	"flags:\n  - name: A\n\t  owner: x\n",
	"\uFEFF# head\n\nflags:\n  - name: A\n    cps: 4.3.1\n",
	"flags:\n  - name: A\n  - \n  - name: B\n",
	"flags:\n  - name: A\n  -\n    name: B\n",
	"flags:\n  - name: A\n---\nflags: []\n",
	"flags:\n  - name: A\n   owner: x\n",
	"flags:\n    - name: A\n      owner: x\n    - name: B\n",
	"flags:\n  - name: A\n    cps: [\"1.2\", \"1.3\"]\n  - name: B\n    cps: {a: b}\n",
	"flags:\r\n  - name: A\r\n",
	"flags:\n  - name: A\n    notes: x\n",
	"flags:\n  - name: A\n    description: \"x\u2028  - name: B\"\n",
	"flags:\n",
	"",
}

// generatedRegistry is a registry of n flags in the layout of the report
// benchmark, with extra reviews for some.
func generatedRegistry(n int, extra map[int]int) string {
	var b strings.Builder
	b.WriteString("flags:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - name: Flag%02d\n    description: Generated flag %d.\n    owner: \"@ca/dev\"\n    status: active\n    cps: [\"1.%d\", \"2.%d\"]\n", i, i, i+1, i+1)
		fmt.Fprintf(&b, "    reviews:\n      - date: 2024-11-%02d\n        reviewer: carol\n        sections: [\"1.%d\"]\n        verdict: compliant\n", i%28+1, i+1)
		for k := range extra[i] {
			fmt.Fprintf(&b, "      - date: 2025-01-%02d\n        reviewer: erin\n        sections: [\"2.%d\"]\n        verdict: compliant\n", k+1, i+1)
		}
	}
	return b.String()
}

// TestRegistryCache checks that the cache decodes as DecodeRegistry does,
// on the inputs above, on versions of a generated registry and on every
// input with one line removed, doubled or indented.
func TestRegistryCache(t *testing.T) {
	inputs := append([]string(nil), cacheInputs...)
	extra := map[int]int{}
	for v := range 6 {
		extra[(v*7)%10]++
		inputs = append(inputs, generatedRegistry(10, extra))
	}
	var mutated []string
	for _, in := range inputs {
		lines := strings.SplitAfter(in, "\n")
		for i := range lines {
			mutated = append(mutated,
				strings.Join(append(append([]string(nil), lines[:i]...), lines[i+1:]...), ""),
				strings.Join(append(append([]string(nil), lines[:i+1]...), lines[i:]...), ""),
				strings.Join(append(append(append([]string(nil), lines[:i]...), " "+lines[i]), lines[i+1:]...), ""))
		}
	}
	c := NewRegistryCache()
	for round := range 2 { // cold, then warm
		for _, in := range append(inputs, mutated...) {
			want, wantErr := DecodeRegistry("registry.yaml", []byte(in))
			got, err := c.Decode("registry.yaml", []byte(in))
			if diff := cmp.Diff(errText(err), errText(wantErr)); diff != "" {
				t.Fatalf("round %d, %q: error (-got +want):\n%s", round, in, diff)
			}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Fatalf("round %d, %q: registry (-got +want):\n%s", round, in, diff)
			}
		}
	}
	// Another file with the same entries gets its own positions.
	for _, file := range []string{"a.yaml", "b.yaml", "a.yaml"} {
		src := []byte(generatedRegistry(3, nil))
		want, _ := DecodeRegistry(file, src)
		if got, err := c.Decode(file, src); err != nil || !cmp.Equal(got, want) {
			t.Errorf("Decode(%s): %v, %s", file, err, cmp.Diff(got, want))
		}
	}
	// The plain layout is decoded entry by entry.
	if chunks := splitRegistry([]byte(generatedRegistry(10, nil))); len(chunks) != 10 || chunks[1].line != 12 {
		t.Errorf("splitRegistry: %d chunks", len(chunks))
	}
}

// TestRegistryCacheSharesUnmoved checks that two versions of a registry
// share the reviews of the entries that kept their lines, and that each
// version still decodes as DecodeRegistry does.
func TestRegistryCacheSharesUnmoved(t *testing.T) {
	c := NewRegistryCache()
	v1 := generatedRegistry(4, nil)
	v2 := generatedRegistry(4, map[int]int{1: 1}) // a review added to Flag01, under which the others move
	var regs []*Registry
	for _, src := range []string{v1, v2, v1} {
		got, err := c.Decode("registry.yaml", []byte(src))
		want, _ := DecodeRegistry("registry.yaml", []byte(src))
		if err != nil || !cmp.Equal(got, want) {
			t.Fatalf("Decode: %v, %s", err, cmp.Diff(got, want))
		}
		regs = append(regs, got)
	}
	var shared []string
	for i, e := range regs[1].Flags {
		if &e.Reviews[0] == &regs[0].Flags[i].Reviews[0] {
			shared = append(shared, e.Name)
		}
	}
	if diff := cmp.Diff(shared, []string{"Flag00"}); diff != "" {
		t.Errorf("entries sharing their reviews with the first version (-got +want):\n%s", diff)
	}
}

// TestSameReviewsFields guards sameReviews, which compares every field of a
// review but Pos: a new field must be compared there too.
func TestSameReviewsFields(t *testing.T) {
	if n := reflect.TypeFor[review.Review]().NumField(); n != 12 {
		t.Errorf("review.Review has %d fields; update sameReviews and this test", n)
	}
}

// TestModificationFieldOrder guards modification, which lists the changed
// fields in this order and relies on it being sorted.
func TestModificationFieldOrder(t *testing.T) {
	if fields := []string{FieldCPS, FieldDefault, FieldDescription, FieldNoCPSImpact, FieldStatus}; !slices.IsSorted(fields) {
		t.Errorf("fields %q are not sorted; update modification", fields)
	}
}

package cps

import (
	"fmt"
	"testing"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/google/go-cmp/cmp"
)

// sec builds a section at a line of base.md or head.md.
func sec(file string, line int, id, title, text string) Section {
	return Section{ID: id, Title: title, Text: text, Hash: HashText(text), Pos: diag.Pos{File: file, Line: line}}
}

func TestDiff(t *testing.T) {
	b := func(line int, id, title, text string) Section { return sec("base.md", line, id, title, text) }
	h := func(line int, id, title, text string) Section { return sec("head.md", line, id, title, text) }
	bp := func(line int) diag.Pos { return diag.Pos{File: "base.md", Line: line} }
	hp := func(line int) diag.Pos { return diag.Pos{File: "head.md", Line: line} }
	tests := []struct {
		name       string
		base, head []Section
		want       []Change
	}{
		{
			name: "unchanged, reflowed",
			base: []Section{b(1, "4.3.1", "CA actions", "The CA issues\nafter validation.")},
			head: []Section{h(3, "4.3.1", " CA  actions", "The CA issues after   validation.")},
		},
		{
			name: "modified",
			base: []Section{b(1, "4.3.1", "CA actions", "synchronously")},
			head: []Section{h(2, "4.3.1", "CA actions", "asynchronously")},
			want: []Change{{Kind: Modified, ID: "4.3.1", Title: "CA actions", Hash: HashText("asynchronously"),
				OldHash: HashText("synchronously"), Pos: hp(2), OldPos: bp(1)}},
		},
		{
			name: "modified and retitled",
			base: []Section{b(1, "4.9.12", "Special requirements re key compromise", "24 hours")},
			head: []Section{h(1, "4.9.12", "Special requirements related to key compromise", "12 hours")},
			want: []Change{
				{Kind: Modified, ID: "4.9.12", Title: "Special requirements related to key compromise",
					Hash: HashText("12 hours"), OldHash: HashText("24 hours"), Pos: hp(1), OldPos: bp(1)},
				{Kind: Retitled, ID: "4.9.12", Title: "Special requirements related to key compromise",
					OldTitle: "Special requirements re key compromise",
					Hash:     HashText("12 hours"), OldHash: HashText("24 hours"), Pos: hp(1), OldPos: bp(1)},
			},
		},
		{
			name: "retitled by case only",
			base: []Section{b(1, "1", "INTRODUCTION", "x")},
			head: []Section{h(1, "1", "Introduction", "x")},
			want: []Change{{Kind: Retitled, ID: "1", Title: "Introduction", OldTitle: "INTRODUCTION",
				Hash: HashText("x"), OldHash: HashText("x"), Pos: hp(1), OldPos: bp(1)}},
		},
		{
			name: "renumbered by hash, title changed too",
			base: []Section{b(5, "4.9.13", "Suspension", "We never suspend.")},
			head: []Section{h(7, "4.9.14", "Circumstances for suspension", "We  never\nsuspend.")},
			want: []Change{{Kind: Renumbered, ID: "4.9.14", OldID: "4.9.13", Title: "Circumstances for suspension",
				OldTitle: "Suspension", Hash: HashText("We never suspend."), OldHash: HashText("We never suspend."),
				Pos: hp(7), OldPos: bp(5)}},
		},
		{
			name: "empty sections renumbered by title",
			base: []Section{b(1, "4.9", "Revocation", ""), b(3, "4.9.1", "Circumstances", "text")},
			head: []Section{h(1, "4.10", "Revocation", ""), h(3, "4.10.1", "Circumstances", "text")},
			want: []Change{
				{Kind: Renumbered, ID: "4.10", OldID: "4.9", Title: "Revocation", Hash: HashText(""), OldHash: HashText(""), Pos: hp(1), OldPos: bp(1)},
				{Kind: Renumbered, ID: "4.10.1", OldID: "4.9.1", Title: "Circumstances", Hash: HashText("text"), OldHash: HashText("text"), Pos: hp(3), OldPos: bp(3)},
			},
		},
		{
			name: "empty sections with other titles are not paired",
			base: []Section{b(1, "4.9", "Revocation", "")},
			head: []Section{h(1, "4.10", "Status", "")},
			want: []Change{
				{Kind: Removed, ID: "4.9", Title: "Revocation", OldHash: HashText(""), Pos: bp(1), OldPos: bp(1)},
				{Kind: Added, ID: "4.10", Title: "Status", Hash: HashText(""), Pos: hp(1)},
			},
		},
		{
			name: "empty text never pairs by hash",
			base: []Section{b(1, "5.1", "Physical", "")},
			head: []Section{h(1, "5.2", "Procedural", "  ")},
			want: []Change{
				{Kind: Removed, ID: "5.1", Title: "Physical", OldHash: HashText(""), Pos: bp(1), OldPos: bp(1)},
				{Kind: Added, ID: "5.2", Title: "Procedural", Hash: HashText(""), Pos: hp(1)},
			},
		},
		{
			name: "ambiguous candidates pair in document order",
			base: []Section{b(1, "9.1.1", "A", "No stipulation."), b(2, "9.1.2", "B", "No stipulation.")},
			head: []Section{h(1, "9.2.1", "A", "No stipulation."), h(2, "9.2.2", "B", "No stipulation."), h(3, "9.2.3", "C", "No stipulation.")},
			want: []Change{
				{Kind: Renumbered, ID: "9.2.1", OldID: "9.1.1", Title: "A", Hash: HashText("No stipulation."), OldHash: HashText("No stipulation."), Pos: hp(1), OldPos: bp(1)},
				{Kind: Renumbered, ID: "9.2.2", OldID: "9.1.2", Title: "B", Hash: HashText("No stipulation."), OldHash: HashText("No stipulation."), Pos: hp(2), OldPos: bp(2)},
				{Kind: Added, ID: "9.2.3", Title: "C", Hash: HashText("No stipulation."), Pos: hp(3)},
			},
		},
		{
			name: "added and removed, sorted naturally",
			base: []Section{b(1, "1.10", "Old", "old text"), b(2, "1.2", "Kept", "same")},
			head: []Section{h(1, "1.2", "Kept", "same"), h(2, "A.1", "Appendix", "new"), h(3, "1.9", "New", "new text")},
			want: []Change{
				{Kind: Added, ID: "1.9", Title: "New", Hash: HashText("new text"), Pos: hp(3)},
				{Kind: Removed, ID: "1.10", Title: "Old", OldHash: HashText("old text"), Pos: bp(1), OldPos: bp(1)},
				{Kind: Added, ID: "A.1", Title: "Appendix", Hash: HashText("new"), Pos: hp(2)},
			},
		},
		{
			name: "content that moved to an ID that was taken follows the move",
			base: []Section{b(1, "4.1", "One", "first"), b(2, "4.2", "Two", "second")},
			head: []Section{h(1, "4.2", "One", "first"), h(2, "4.3", "Two", "second")},
			want: []Change{
				{Kind: Renumbered, ID: "4.2", OldID: "4.1", Title: "One", Hash: HashText("first"), OldHash: HashText("first"), Pos: hp(1), OldPos: bp(1)},
				{Kind: Renumbered, ID: "4.3", OldID: "4.2", Title: "Two", Hash: HashText("second"), OldHash: HashText("second"), Pos: hp(2), OldPos: bp(2)},
			},
		},
		{
			name: "insertion: the new section is added and the rest move down",
			base: []Section{b(1, "4.2.1", "Alpha", "a"), b(2, "4.2.2", "Beta", "b"), b(3, "4.2.3", "Gamma", "c")},
			head: []Section{h(1, "4.2.1", "Alpha", "a"), h(2, "4.2.2", "Inserted", "new"), h(3, "4.2.3", "Beta", "b"), h(4, "4.2.4", "Gamma", "c")},
			want: []Change{
				{Kind: Added, ID: "4.2.2", Title: "Inserted", Hash: HashText("new"), Pos: hp(2)},
				{Kind: Renumbered, ID: "4.2.3", OldID: "4.2.2", Title: "Beta", Hash: HashText("b"), OldHash: HashText("b"), Pos: hp(3), OldPos: bp(2)},
				{Kind: Renumbered, ID: "4.2.4", OldID: "4.2.3", Title: "Gamma", Hash: HashText("c"), OldHash: HashText("c"), Pos: hp(4), OldPos: bp(3)},
			},
		},
		{
			name: "deletion: the rest move up",
			base: []Section{b(1, "4.2.1", "Alpha", "a"), b(2, "4.2.2", "Beta", "b"), b(3, "4.2.3", "Gamma", "c")},
			head: []Section{h(1, "4.2.1", "Alpha", "a"), h(2, "4.2.2", "Gamma", "c")},
			want: []Change{
				{Kind: Removed, ID: "4.2.2", Title: "Beta", OldHash: HashText("b"), Pos: bp(2), OldPos: bp(2)},
				{Kind: Renumbered, ID: "4.2.2", OldID: "4.2.3", Title: "Gamma", Hash: HashText("c"), OldHash: HashText("c"), Pos: hp(2), OldPos: bp(3)},
			},
		},
		{
			name: "insertion among identical short sections pairs by title",
			base: []Section{b(1, "9.16.1", "Entire agreement", "No stipulation."), b(2, "9.16.2", "Assignment", "No stipulation."), b(3, "9.16.3", "Severability", "No stipulation.")},
			head: []Section{h(1, "9.16.1", "Entire agreement", "No stipulation."), h(2, "9.16.2", "Novation", "No stipulation."), h(3, "9.16.3", "Assignment", "No stipulation."), h(4, "9.16.4", "Severability", "No stipulation.")},
			want: []Change{
				{Kind: Added, ID: "9.16.2", Title: "Novation", Hash: HashText("No stipulation."), Pos: hp(2)},
				{Kind: Renumbered, ID: "9.16.3", OldID: "9.16.2", Title: "Assignment", Hash: HashText("No stipulation."), OldHash: HashText("No stipulation."), Pos: hp(3), OldPos: bp(2)},
				{Kind: Renumbered, ID: "9.16.4", OldID: "9.16.3", Title: "Severability", Hash: HashText("No stipulation."), OldHash: HashText("No stipulation."), Pos: hp(4), OldPos: bp(3)},
			},
		},
		{
			name: "insertion among empty sections pairs by title",
			base: []Section{b(1, "4", "Life-cycle", ""), b(2, "4.1", "Application", ""), b(3, "4.2", "Processing", "")},
			head: []Section{h(1, "4", "Life-cycle", ""), h(2, "4.1", "Eligibility", ""), h(3, "4.2", "Application", ""), h(4, "4.3", "Processing", "")},
			want: []Change{
				{Kind: Added, ID: "4.1", Title: "Eligibility", Hash: HashText(""), Pos: hp(2)},
				{Kind: Renumbered, ID: "4.2", OldID: "4.1", Title: "Application", Hash: HashText(""), OldHash: HashText(""), Pos: hp(3), OldPos: bp(2)},
				{Kind: Renumbered, ID: "4.3", OldID: "4.2", Title: "Processing", Hash: HashText(""), OldHash: HashText(""), Pos: hp(4), OldPos: bp(3)},
			},
		},
		{
			name: "a section rewritten in place stays in place though its old text appears elsewhere",
			base: []Section{b(1, "4.5", "Key usage", "No stipulation."), b(2, "4.6", "Renewal", "text")},
			head: []Section{h(1, "4.5", "Key usage", "Keys are used for signing."), h(2, "4.6", "Renewal", "text"), h(3, "8.1", "Frequency", "No stipulation.")},
			want: []Change{
				{Kind: Modified, ID: "4.5", Title: "Key usage", Hash: HashText("Keys are used for signing."), OldHash: HashText("No stipulation."), Pos: hp(1), OldPos: bp(1)},
				{Kind: Added, ID: "8.1", Title: "Frequency", Hash: HashText("No stipulation."), Pos: hp(3)},
			},
		},
		{
			name: "a section inserted with the title of the one it displaces is a change in place",
			base: []Section{b(1, "4.2.2", "Beta", "b"), b(2, "4.2.3", "Gamma", "c")},
			head: []Section{h(1, "4.2.2", "Beta", "new"), h(2, "4.2.3", "Beta", "b"), h(3, "4.2.4", "Gamma", "c")},
			want: []Change{
				{Kind: Modified, ID: "4.2.2", Title: "Beta", Hash: HashText("new"), OldHash: HashText("b"), Pos: hp(1), OldPos: bp(1)},
				{Kind: Added, ID: "4.2.3", Title: "Beta", Hash: HashText("b"), Pos: hp(2)},
				{Kind: Renumbered, ID: "4.2.4", OldID: "4.2.3", Title: "Gamma", Hash: HashText("c"), OldHash: HashText("c"), Pos: hp(3), OldPos: bp(2)},
			},
		},
		{
			name: "repeated IDs do not break the pairing",
			base: []Section{b(1, "1.1", "A", "a"), b(2, "1.1", "B", "b")},
			head: []Section{h(1, "1.1", "B", "b"), h(2, "1.1", "A", "a")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(Diff(tt.base, tt.head), tt.want); diff != "" {
				t.Errorf("changes mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

// TestDiffManyMoves inserts a section at the front of a long chapter of
// identical short sections: every later one moves by one, and the result is
// the same however often it is computed.
func TestDiffManyMoves(t *testing.T) {
	var base, head []Section
	head = append(head, sec("head.md", 1, "9.1", "New first", "No stipulation."))
	for i := 1; i <= 300; i++ {
		title := fmt.Sprintf("Topic %d", i)
		base = append(base, sec("base.md", i, fmt.Sprintf("9.%d", i), title, "No stipulation."))
		head = append(head, sec("head.md", i+1, fmt.Sprintf("9.%d", i+1), title, "No stipulation."))
	}
	got := Diff(base, head)
	if len(got) != 301 {
		t.Fatalf("got %d changes, want 301", len(got))
	}
	kinds := map[string]int{}
	for _, c := range got {
		kinds[c.Kind]++
		if c.Kind == Renumbered && c.ID != nextID(c.OldID) {
			t.Errorf("%s renumbered to %s, want %s", c.OldID, c.ID, nextID(c.OldID))
		}
	}
	if diff := cmp.Diff(kinds, map[string]int{Added: 1, Renumbered: 300}); diff != "" {
		t.Errorf("kinds mismatch (-got +want):\n%s", diff)
	}
	for range 3 {
		if diff := cmp.Diff(Diff(base, head), got); diff != "" {
			t.Fatalf("Diff is not deterministic (-got +want):\n%s", diff)
		}
	}
}

func nextID(id string) string {
	var a, b int
	fmt.Sscanf(id, "%d.%d", &a, &b)
	return fmt.Sprintf("%d.%d", a, b+1)
}

// BenchmarkDiff2000 diffs two versions of a 2,000-section CPS in which a
// section was inserted near the start, so that almost every section moves.
func BenchmarkDiff2000(b *testing.B) {
	var base, head []Section
	head = append(head, sec("head.md", 1, "1.1.1", "Inserted", "new text"))
	for i := range 2000 {
		text := fmt.Sprintf("Section %d text.", i)
		if i%3 == 0 {
			text = "No stipulation."
		}
		title := fmt.Sprintf("Title %d", i)
		base = append(base, sec("base.md", i+1, fmt.Sprintf("%d.%d.%d", 1+i/400, 1+i/20%20, 1+i%20), title, text))
		j := i + 1
		head = append(head, sec("head.md", j+1, fmt.Sprintf("%d.%d.%d", 1+j/400, 1+j/20%20, 1+j%20), title, text))
	}
	b.ReportAllocs()
	for b.Loop() {
		if n := len(Diff(base, head)); n < 2000 {
			b.Fatalf("%d changes", n)
		}
	}
}

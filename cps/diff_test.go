package cps

import (
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
			name: "same ID compares in place even when content moved",
			base: []Section{b(1, "4.1", "One", "first"), b(2, "4.2", "Two", "second")},
			head: []Section{h(1, "4.2", "One", "first"), h(2, "4.3", "Two", "second")},
			want: []Change{
				{Kind: Removed, ID: "4.1", Title: "One", OldHash: HashText("first"), Pos: bp(1), OldPos: bp(1)},
				{Kind: Modified, ID: "4.2", Title: "One", Hash: HashText("first"), OldHash: HashText("second"), Pos: hp(1), OldPos: bp(2)},
				{Kind: Retitled, ID: "4.2", Title: "One", OldTitle: "Two", Hash: HashText("first"), OldHash: HashText("second"), Pos: hp(1), OldPos: bp(2)},
				{Kind: Added, ID: "4.3", Title: "Two", Hash: HashText("second"), Pos: hp(2)},
			},
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

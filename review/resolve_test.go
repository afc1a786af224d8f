package review

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResolve(t *testing.T) {
	flags := []string{"AsyncFinalize", "Async", "StrictCAA", "ra.check-x"}
	sections := []string{"4.3.1", "4.3.10", "4.3.2", "4.9.12", "A.1"}
	pos := at(7, 1)
	paragraph := func(flag string, sections []string, text string) Review {
		return Review{Flag: flag, Reviewer: "carol", Sections: sections, Verdict: VerdictCompliant, Notes: text, Origin: OriginParagraph, Pos: pos}
	}
	long := "CPS Compliance Review: StrictCAA " + strings.Repeat("é", 600)
	tests := []struct {
		name string
		text string
		want []Review
	}{{
		name: "forms of section references",
		text: "CPS Compliance Review: `AsyncFinalize` meets §4.3.2, section 4.9.12 (4.3.1) and A.1.",
		want: []Review{paragraph("AsyncFinalize", []string{"4.3.1", "4.3.2", "4.9.12", "A.1"},
			"CPS Compliance Review: `AsyncFinalize` meets §4.3.2, section 4.9.12 (4.3.1) and A.1.")},
	}, {
		name: "4.3.10 is not 4.3.1, nor are 4.3.1.2 and 14.3.1",
		text: "CPS Compliance Review: StrictCAA, see 4.3.10; 4.3.1.2; 14.3.1",
		want: []Review{paragraph("StrictCAA", []string{"4.3.10"}, "CPS Compliance Review: StrictCAA, see 4.3.10; 4.3.1.2; 14.3.1")},
	}, {
		name: "several flags, whole words, case-sensitive",
		text: "CPS Compliance Review: StrictCAA and AsyncFinalize. strictcaa, AsyncFinalizer, ra.check-x.",
		want: []Review{
			paragraph("AsyncFinalize", nil, "CPS Compliance Review: StrictCAA and AsyncFinalize. strictcaa, AsyncFinalizer, ra.check-x."),
			paragraph("StrictCAA", nil, "CPS Compliance Review: StrictCAA and AsyncFinalize. strictcaa, AsyncFinalizer, ra.check-x."),
			paragraph("ra.check-x", nil, "CPS Compliance Review: StrictCAA and AsyncFinalize. strictcaa, AsyncFinalizer, ra.check-x."),
		},
	}, {
		name: "ranges name both ends",
		text: "CPS Compliance Review: Async covers 4.3.1–4.3.2",
		want: []Review{paragraph("Async", []string{"4.3.1", "4.3.2"}, "CPS Compliance Review: Async covers 4.3.1–4.3.2")},
	}, {
		name: "no known flag",
		text: "CPS Compliance Review: nothing here touches 4.3.1",
	}, {
		name: "notes keep 500 characters",
		text: long,
		want: []Review{paragraph("StrictCAA", nil, long[:len("CPS Compliance Review: StrictCAA ")+2*(500-33)])},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Resolve(Paragraph{Text: tt.text, Pos: pos}, flags, sections, "carol")
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("reviews mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

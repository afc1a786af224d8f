package review

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/diag"
)

// at is a position in the test body file.
func at(line, col int) diag.Pos {
	return diag.Pos{File: "pr.md", Line: line, Col: col}
}

// blockReview is a compliant review from a cps-review block.
func blockReview(flag string, sections []string, pos diag.Pos) Review {
	return Review{Flag: flag, Sections: sections, Verdict: VerdictCompliant, Origin: OriginBlock, Pos: pos}
}

func TestParseBody(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		wantReviews []Review
		wantParas   []Paragraph
		wantErr     string
	}{{
		name: "one block",
		body: "Adds AsyncFinalize.\n\n```cps-review\nflag: AsyncFinalize\ndate: 2024-04-12\nreviewer: alice\nsections: [4.3.1]\nverdict: compliant\n```\n",
		wantReviews: []Review{{
			Flag: "AsyncFinalize", Date: "2024-04-12", Reviewer: "alice", Sections: []string{"4.3.1"},
			Verdict: VerdictCompliant, Origin: OriginBlock, Pos: at(4, 1),
		}},
	}, {
		name: "list block and info words",
		body: "````cps-review yaml\n- flag: A\n  verdict: compliant\n  sections: 4.3.1\n- flag: B\n  verdict: compliant\n````\n",
		wantReviews: []Review{
			blockReview("A", []string{"4.3.1"}, at(2, 3)),
			blockReview("B", nil, at(5, 3)),
		},
	}, {
		name: "several blocks, other fences ignored",
		body: "```yaml\nflag: X\n```\n\n```\nflag: Y\n```\n\n```cps-review\nflag: A\nverdict: compliant\n```\n\ntext\n\n```CPS-Review\nflag: B\nverdict: compliant\n```\n",
		wantReviews: []Review{
			blockReview("A", nil, at(10, 1)),
			blockReview("B", nil, at(17, 1)),
		},
	}, {
		name:        "tilde fence in a list item",
		body:        "Checklist:\n\n- reviewed:\n\n  ~~~ cps-review\n  flag: A\n  verdict: compliant\n  ~~~\n- done\n",
		wantReviews: []Review{blockReview("A", nil, at(6, 3))},
	}, {
		// A quote-reply of the author's block, e.g. to reject it, is nobody's review.
		name: "block in a block quote",
		body: "> ```cps-review\n> flag: A\n> verdict: compliant\n> ```\n",
	}, {
		name: "block in a list in a block quote",
		body: "> - item\n>   ```cps-review\n>   flag: A\n>   verdict: compliant\n>   ```\n",
	}, {
		name: "block in a block quote in a list",
		body: "- item\n  > ```cps-review\n  > flag: A\n  > verdict: compliant\n  > ```\n",
	}, {
		name:        "block after a block quote",
		body:        "> quoted\n\n```cps-review\nflag: A\nverdict: compliant\n```\n",
		wantReviews: []Review{blockReview("A", nil, at(4, 1))},
	}, {
		name:        "BOM and CRLF",
		body:        "\uFEFF```cps-review\r\nflag: A\r\nverdict: compliant\r\n```\r\n\r\nCPS Compliance Review: A\r\nagainst 4.3.1\r\n",
		wantReviews: []Review{blockReview("A", nil, at(2, 1))},
		wantParas:   []Paragraph{{Text: "CPS Compliance Review: A\nagainst 4.3.1", Pos: at(6, 1)}},
	}, {
		name:    "bad YAML",
		body:    "Intro\n\n```cps-review\nflag: A\n  verdict: compliant\n```\n",
		wantErr: "pr.md:5: invalid YAML: mapping values are not allowed in this context",
	}, {
		name:        "bad review in one block, good one kept",
		body:        "```cps-review\nflag: A\nverdict: compliant\n```\n\n- ```cps-review\n  - flag: B\n    verdict: fine\n  ```\n",
		wantReviews: []Review{blockReview("A", nil, at(2, 1))},
		wantErr:     `pr.md:8:14: verdict: "fine" is not one of compliant, cps-updated, not-applicable`,
	}, {
		name:    "empty block",
		body:    "text\n\n```cps-review\n# to do\n```\n",
		wantErr: "pr.md:3:1: the cps-review block holds no review",
	}, {
		name:    "block holding a string",
		body:    "```cps-review\nAsyncFinalize\n```\n",
		wantErr: `pr.md:2:1: review: expected a mapping, got "AsyncFinalize"`,
	}, {
		name:    "flag missing in a block",
		body:    "```cps-review\nverdict: compliant\n```\n",
		wantErr: `pr.md:2:1: review: missing required key "flag"`,
	}, {
		name:      "paragraph at the start",
		body:      "CPS Compliance Review: AsyncFinalize against 4.3.1.\n\nOther text.\n",
		wantParas: []Paragraph{{Text: "CPS Compliance Review: AsyncFinalize against 4.3.1.", Pos: at(1, 1)}},
	}, {
		name:      "bold paragraph in the middle, running into a list",
		body:      "Summary.\n\n**cps compliance review:** `AsyncFinalize` keeps to\n- §4.3.1\n- §4.3.2\n\nThanks.\n",
		wantParas: []Paragraph{{Text: "**cps compliance review:** `AsyncFinalize` keeps to\n- §4.3.1\n- §4.3.2", Pos: at(3, 1)}},
	}, {
		name: "not at the start of a paragraph, nor in code",
		body: "See the CPS Compliance Review: below.\n\n```\nCPS Compliance Review: A 4.3.1\n```\n\n    CPS Compliance Review: indented code\n",
	}, {
		name:      "heading form",
		body:      "# Change\n\nText.\n\n## CPS Compliance Review\n\nAsyncFinalize: 4.3.1.\n\nCPS Compliance Review: also 4.3.2\n\n## Testing\n\nCPS Compliance Review: B\n",
		wantParas: []Paragraph{{Text: "## CPS Compliance Review\n\nAsyncFinalize: 4.3.1.\n\nCPS Compliance Review: also 4.3.2", Pos: at(5, 1)}, {Text: "CPS Compliance Review: B", Pos: at(13, 1)}},
	}, {
		name:      "title alone and setext heading",
		body:      "**CPS Compliance Review**\n\nA: 4.3.1\n\nB: 4.3.2\n\nNext\n----\n\nCPS Compliance Review: C\nSection\n=======\n",
		wantParas: []Paragraph{{Text: "**CPS Compliance Review**\n\nA: 4.3.1\n\nB: 4.3.2", Pos: at(1, 1)}, {Text: "CPS Compliance Review: C\nSection\n=======", Pos: at(10, 1)}},
	}, {
		name: "paragraph in a block quote",
		body: "> CPS Compliance Review: A 4.3.1\n> more\n>\n> after\n",
	}, {
		name:      "paragraph ends at a quoted heading",
		body:      "## CPS Compliance Review\nA 4.3.1\n> # Quoted\n> text\n",
		wantParas: []Paragraph{{Text: "## CPS Compliance Review\nA 4.3.1", Pos: at(1, 1)}},
	}, {
		name:    "too large",
		body:    strings.Repeat("x", MaxBodySize+1),
		wantErr: "pr.md:1: change description is 5242881 bytes, more than the limit of 5242880",
	}, {
		name:    "nested too deep",
		body:    "ok\n\n" + strings.Repeat("> - ", 17) + "x\n",
		wantErr: "pr.md:3: block quotes and lists nested more than 32 deep",
	}, {
		name:    "lists indented too deep",
		body:    "ok\n" + strings.Repeat(" ", MaxMarkerColumn) + "- x\n",
		wantErr: "pr.md:2: a block quote or list marker at column 129, past the limit of 128: lists nested too deep",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reviews, paras, err := ParseBody("pr.md", []byte(tt.body))
			if diff := cmp.Diff(errText(err), tt.wantErr); diff != "" {
				t.Errorf("error mismatch (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(reviews, tt.wantReviews); diff != "" {
				t.Errorf("reviews mismatch (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(paras, tt.wantParas); diff != "" {
				t.Errorf("paragraphs mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func FuzzParseBody(f *testing.F) {
	f.Add("```cps-review\nflag: A\nverdict: compliant\nsections: [4.3.1]\n```\n")
	f.Add("- ~~~cps-review\n  - flag: A\n    verdict: compliant\n  ~~~\n")
	f.Add("> ```cps-review\n> flag: &a A\n> verdict: *a\n> ```\n")
	f.Add("\uFEFF## CPS Compliance Review\r\n\r\n**CPS Compliance Review:** A 4.3.1\r\n")
	f.Fuzz(func(t *testing.T, body string) {
		reviews, paras, err := ParseBody("pr.md", []byte(body))
		lines := strings.Count(body, "\n") + 1
		for _, r := range reviews {
			if r.Origin != OriginBlock || r.Flag == "" || r.Pos.Line < 1 || r.Pos.Line > lines {
				t.Errorf("bad review %+v", r)
			}
		}
		for _, p := range paras {
			// The title is matched with emphasis and code marks removed.
			plain := strings.NewReplacer("*", "", "_", "", "`", "").Replace(p.Text)
			if p.Pos.Line < 1 || p.Pos.Line > lines || !strings.Contains(strings.ToLower(plain), "cps") {
				t.Errorf("bad paragraph %+v", p)
			}
		}
		if err == nil {
			return
		}
		for _, e := range err.(diag.Errors) {
			if e.Pos.Line < 1 || e.Pos.Line > lines {
				t.Errorf("error outside the body: %v", e)
			}
		}
	})
}

package output

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/policies"
	"github.com/cpsgate/cpsgate/result"
)

// TestSARIFBuiltinRules checks that the registered sarif format describes
// rules with the built-in policies' METADATA, as the result carries it
// (policies.Describe; output itself does not read the policies).
func TestSARIFBuiltinRules(t *testing.T) {
	infos, err := policies.Describe()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, r := range infos {
		want[r.Name] = strings.Join(strings.Fields(r.Description), " ")
	}
	res := *failing
	res.Rules = infos
	var buf bytes.Buffer
	if err := Formats["sarif"].Report(&buf, &res); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID              string
						FullDescription struct{ Text string }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range log.Runs[0].Tool.Driver.Rules {
		got[r.ID] = r.FullDescription.Text
	}
	for id := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("rule %s is not a built-in rule", id)
		}
	}
	for id := range want {
		if _, ok := got[id]; !ok {
			delete(want, id)
		}
	}
	if len(got) != 3 {
		t.Errorf("got %d rules, want the 3 rules of the findings", len(got))
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("rule descriptions (-got +want):\n%s", diff)
	}
}

// TestSARIFFingerprintIgnoresLine checks that a finding moved by an unrelated
// edit keeps its fingerprint, and that a different flag gets another one.
func TestSARIFFingerprintIgnoresLine(t *testing.T) {
	f := result.Finding{Severity: result.Deny, Rule: "missing_review", Flag: "A", Section: "4.3.1", File: "f.json", Line: 4, Message: "m"}
	moved := f
	moved.Line = 40
	other := f
	other.Flag = "B"
	if fingerprint(f) != fingerprint(moved) {
		t.Errorf("fingerprint changed with the line")
	}
	if fingerprint(f) == fingerprint(other) {
		t.Errorf("fingerprint ignores the flag")
	}
}

func TestMarkdownProperties(t *testing.T) {
	for _, tc := range []struct {
		name  string
		m     Markdown
		res   *result.Result
		limit int
	}{
		{"failing", Markdown{}, failing, MaxCommentBytes},
		{"hostile", Markdown{}, hostile, MaxCommentBytes},
		{"tight", Markdown{Limit: 1200}, failing, 1200},
		{"huge", Markdown{}, huge(2000), MaxCommentBytes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.m.Report(&buf, tc.res); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if !strings.HasPrefix(out, CommentMarker+"\n") {
				t.Errorf("does not start with the comment marker")
			}
			if len(out) > tc.limit {
				t.Errorf("%d bytes, over the limit %d", len(out), tc.limit)
			}
			if rendered := outsideFences(out); strings.Contains(rendered, "<script") || strings.Contains(rendered, "<img") || strings.Contains(rendered, "<b>") {
				t.Errorf("raw HTML from the input outside a code block:\n%s", rendered)
			}
			if rendered := outsideFences(out); strings.Count(rendered, "<details>") != strings.Count(rendered, "</details>") {
				t.Errorf("unbalanced <details>")
			}
		})
	}
}

// outsideFences drops fenced code blocks, where HTML is shown, not rendered.
func outsideFences(s string) string {
	var b strings.Builder
	fence := ""
	for line := range strings.Lines(s) {
		trimmed := strings.TrimSpace(line)
		switch {
		case fence == "" && strings.HasPrefix(trimmed, "```"):
			fence = trimmed[:len(trimmed)-len(strings.TrimLeft(trimmed, "`"))]
		case fence != "" && trimmed == fence:
			fence = ""
		case fence == "":
			b.WriteString(line)
		}
	}
	return b.String()
}

// huge is a failing result too big for one comment.
func huge(n int) *result.Result {
	res := &result.Result{Base: "b", Head: "h"}
	for i := range n {
		flag := "Flag" + strings.Repeat("x", i%7) + string(rune('A'+i%26))
		res.Findings = append(res.Findings, result.Finding{Severity: result.Deny, Rule: "missing_review", Flag: flag, Section: "4.3.1",
			File: "deploy/prod.json", Line: i + 1, Message: "flag " + flag + " was enabled; CPS section 4.3.1 has no review of it"})
	}
	return res
}

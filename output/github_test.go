package output

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/result"
)

// coreCommand is one call for testdata/core_commands.mjs.
type coreCommand struct {
	Kind      string `json:"kind"`
	Message   string `json:"message"`
	Title     string `json:"title,omitempty"`
	File      string `json:"file,omitempty"`
	StartLine int    `json:"startLine,omitempty"`
}

// TestGitHubMatchesActionsCore renders annotations and group titles holding
// hostile strings both here and with the real @actions/core, and compares
// the bytes.
func TestGitHubMatchesActionsCore(t *testing.T) {
	node, err := exec.LookPath("node")
	_, errCore := os.Stat(filepath.Join("..", "node_modules", "@actions", "core", "package.json"))
	if err != nil || errCore != nil {
		msg := "node or node_modules/@actions/core is missing (run npm ci)"
		if os.Getenv("CPSGATE_REQUIRE_NODE") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}

	var calls []coreCommand
	var want strings.Builder
	for _, s := range hostileStrings {
		for _, f := range []result.Finding{
			{Severity: result.Deny, Rule: s, Flag: s, Section: s, File: s, Line: 12, Message: s},
			{Severity: result.Warn, Rule: "unlinked_flag", Flag: s, File: "flags/registry.yaml", Message: "m " + s},
			{Severity: result.Warn, Rule: s, Message: s},
			{Severity: result.Deny, Rule: "", Message: s, Line: 3},
		} {
			want.WriteString(annotation(f) + "\n")
			c := coreCommand{Kind: "warning", Message: f.Message, Title: annotationTitle(f), File: f.File}
			if f.Severity == result.Deny {
				c.Kind = "error"
			}
			if f.File != "" {
				c.StartLine = f.Line
			}
			calls = append(calls, c)
		}
		want.WriteString(workflowCommand("group", nil, s) + "\n")
		calls = append(calls, coreCommand{Kind: "group", Message: s})
	}
	in, err := json.Marshal(calls)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join("testdata", "core_commands.mjs"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	if diff := cmp.Diff(string(got), want.String()); diff != "" {
		t.Errorf("@actions/core output (-core +cpsgate):\n%s", diff)
	}
}

// TestGitHubNoInjection feeds the output to a model of the runner's command
// parser (commands are lines starting with "::" after leading blanks; legacy
// "##[" commands anywhere in a line; nothing between ::stop-commands::T and
// ::T::) and checks that only cpsgate's own commands take effect.
func TestGitHubNoInjection(t *testing.T) {
	for _, res := range []*result.Result{failing, passing, hostile} {
		var buf bytes.Buffer
		if err := (GitHub{}).Report(&buf, res); err != nil {
			t.Fatal(err)
		}
		var got []string
		stopToken := ""
		for line := range strings.Lines(buf.String()) {
			line = strings.TrimSuffix(line, "\n")
			trimmed := strings.TrimLeft(line, " \t")
			if stopToken != "" {
				if trimmed == "::"+stopToken+"::" {
					stopToken = ""
				}
				continue
			}
			if strings.Contains(line, "##[") && !strings.HasPrefix(trimmed, "::") {
				t.Errorf("legacy command outside a stop-commands fence: %q", line)
			}
			if !strings.HasPrefix(trimmed, "::") {
				continue
			}
			name, _, _ := strings.Cut(trimmed[2:], "::")
			name, _, _ = strings.Cut(name, " ")
			if name == "stop-commands" {
				stopToken = strings.TrimPrefix(trimmed, "::stop-commands::")
			}
			got = append(got, name)
		}
		if stopToken != "" {
			t.Errorf("output ends with commands stopped")
		}
		var want []string
		for _, f := range res.Findings {
			want = append(want, map[string]string{result.Deny: "error", result.Warn: "warning"}[f.Severity])
		}
		want = append(want, "stop-commands")
		if len(res.FlagChanges)+len(res.CPSChanges) > 0 {
			want = append(want, "group", "stop-commands", "endgroup")
		}
		if len(res.Missing) > 0 {
			want = append(want, "group", "stop-commands", "endgroup")
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("commands seen by the runner (-got +want):\n%s\noutput:\n%s", diff, buf.String())
		}
	}
}

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, data, prop string }{
		{"", "", ""},
		{"a%b", "a%25b", "a%25b"},
		{"%0A", "%250A", "%250A"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"k:v,w", "k:v,w", "k%3Av%2Cw"},
		{"日本:✓", "日本:✓", "日本%3A✓"},
	} {
		if diff := cmp.Diff(escapeData(tc.in), tc.data); diff != "" {
			t.Errorf("escapeData(%q) (-got +want):\n%s", tc.in, diff)
		}
		if diff := cmp.Diff(escapeProperty(tc.in), tc.prop); diff != "" {
			t.Errorf("escapeProperty(%q) (-got +want):\n%s", tc.in, diff)
		}
	}
}

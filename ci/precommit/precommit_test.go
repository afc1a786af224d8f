package precommit

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScript(t *testing.T) {
	for _, tc := range []struct {
		bin  string
		want string
	}{
		{"cpsgate", "exec cpsgate check --staged\n"},
		{"/opt/my tools/cpsgate", "exec '/opt/my tools/cpsgate' check --staged\n"},
		{"/tmp/it's/cpsgate", `exec '/tmp/it'\''s/cpsgate' check --staged` + "\n"},
	} {
		script := string(Script(tc.bin))
		lastLine := script[strings.LastIndex(strings.TrimSuffix(script, "\n"), "\n")+1:]
		if diff := cmp.Diff(lastLine, tc.want); diff != "" {
			t.Errorf("Script(%q) last line mismatch (-got +want):\n%s", tc.bin, diff)
		}
		if !IsOurs([]byte(script)) {
			t.Errorf("IsOurs(Script(%q)) = false", tc.bin)
		}
	}
	if IsOurs([]byte("#!/bin/sh\nmake lint\n")) {
		t.Error("IsOurs(foreign hook) = true")
	}
}

// TestScriptRuns runs the hook with sh against a stand-in binary that
// records its arguments and exits 1, proving the quoting and exit status.
func TestScriptRuns(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "my tools", "cps'gate")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	record := filepath.Join(dir, "args")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho \"$@\" > '"+record+"'\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	hook := filepath.Join(dir, "pre-commit")
	if err := os.WriteFile(hook, Script(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	err := exec.Command("sh", hook).Run()
	if exitErr, ok := err.(*exec.ExitError); !ok || exitErr.ExitCode() != 1 {
		t.Fatalf("hook: got %v, want exit status 1", err)
	}
	got, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(got), "check --staged\n"); diff != "" {
		t.Errorf("arguments mismatch (-got +want):\n%s", diff)
	}
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/cpsgate/cpsgate/output"
)

// TestDeterministicOutput runs every command twice on the same input, in
// every output format (check's formats come from output.Names, so a new
// format is covered when it is registered), and requires byte-identical
// output, exit code and dumped policy input. The repository is the
// benchmark's: 280 sections, 50 flags, 30 config files and a change that
// touches all three, so map iteration order has room to show.
func TestDeterministicOutput(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	dir := filepath.Join(t.TempDir(), "repo")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	body := writeBenchRepo(t, dir)

	type command struct {
		name string
		args []string
		want int // exit code
	}
	var commands []command
	for _, f := range output.Names() {
		commands = append(commands, command{"check --format " + f,
			[]string{"check", "--base", "main", "--head", "HEAD", "--pr-body", body, "--format", f}, ExitDeny})
	}
	commands = append(commands,
		command{"check worktree", []string{"check", "--base", "main"}, ExitDeny},
		command{"check --staged", []string{"check", "--staged"}, ExitPass},
	)
	for _, f := range []string{"text", "json"} {
		commands = append(commands,
			command{"sections --format " + f, []string{"sections", "--format", f}, ExitPass},
			command{"flags --format " + f, []string{"flags", "--format", f}, ExitPass},
		)
	}
	commands = append(commands, command{"lint", []string{"lint"}, -1})

	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			var outs [2]string
			var codes [2]int
			var inputs [2][]byte
			for i := range outs {
				args := append([]string{"-C", dir}, c.args...)
				dump := filepath.Join(t.TempDir(), "input.json")
				if c.args[0] == "check" {
					args = append(args, "--dump-input", dump)
				}
				var stdout, stderr bytes.Buffer
				codes[i] = Main(args, nil, &stdout, &stderr)
				outs[i] = stdout.String() + "\n--- stderr ---\n" + stderr.String()
				if c.args[0] == "check" {
					data, err := os.ReadFile(dump)
					if err != nil {
						t.Fatalf("run %d: no policy input: %v\n%s", i, err, outs[i])
					}
					inputs[i] = data
				}
			}
			if stdout, _, _ := bytes.Cut([]byte(outs[0]), []byte("\n--- stderr ---\n")); len(stdout) == 0 {
				t.Fatalf("no output:\n%s", outs[0])
			}
			if c.want >= 0 && codes[0] != c.want {
				t.Errorf("exit code %d, want %d\n%s", codes[0], c.want, outs[0])
			}
			if codes[0] != codes[1] {
				t.Errorf("exit codes differ: %d then %d", codes[0], codes[1])
			}
			if outs[0] != outs[1] {
				t.Errorf("output differs between two runs:\n--- first\n%s\n--- second\n%s", outs[0], outs[1])
			}
			if !bytes.Equal(inputs[0], inputs[1]) {
				t.Errorf("policy input differs between two runs")
			}
		})
	}
}

package gitrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
)

// LogEntry is one commit of LogFiles: the commit, its full message and the
// paths it changed against its first parent (within the paths asked for).
type LogEntry struct {
	Commit
	Message string   // the full message, subject and body
	Files   []string // changed paths, in git's order
}

// logFilesFormat starts each commit with a record separator, then prints
// the fields of a Commit and the full message separated by NULs.
const logFilesFormat = "--format=%x1e%H%x00%P%x00%ct%x00%an%x00%ae%x00%B"

// LogFiles is Log with each commit's full message and the paths it changed
// against its first parent (git log --first-parent --name-only), limited to
// paths (literal paths or directories) when given. The report walks history
// with it: one git process for the whole range.
func (r *Repo) LogFiles(ctx context.Context, from, to string, paths []string) ([]LogEntry, error) {
	args, err := r.logArgs(ctx, from, to, paths)
	if err != nil {
		return nil, err
	}
	// logArgs is: log --first-parent -z <format> <head> [^base] -- paths...
	args = append([]string{"log", "--first-parent", "--name-only", "--no-renames", "-z", logFilesFormat}, args[4:]...)
	out, err := r.run(ctx, args...)
	if err != nil {
		return nil, err
	}
	entries, err := parseLogFiles(out)
	if err != nil {
		return nil, fmt.Errorf("git log: %w", err)
	}
	return entries, nil
}

// parseLogFiles reads the output of LogFiles's git log: per commit,
// "\x1e" SHA NUL parents NUL time NUL author NUL email NUL message NUL, then
// "\n" and the changed paths, each followed by NUL.
func parseLogFiles(out []byte) ([]LogEntry, error) {
	tokens := bytes.Split(out, []byte{0})
	var entries []LogEntry
	for i := 0; i < len(tokens); {
		tok := strings.TrimPrefix(string(tokens[i]), "\n")
		if tok == "" {
			i++
			continue
		}
		if !strings.HasPrefix(tok, "\x1e") {
			return nil, fmt.Errorf("unexpected record %q", tok)
		}
		if i+6 > len(tokens) {
			return nil, errors.New("truncated output")
		}
		var f [logFields]string
		f[0] = strings.TrimPrefix(tok, "\x1e")
		for k := 1; k < 5; k++ {
			f[k] = string(tokens[i+k])
		}
		msg := string(tokens[i+5])
		f[5], _, _ = strings.Cut(msg, "\n")
		c, err := newCommit(f)
		if err != nil {
			return nil, err
		}
		e := LogEntry{Commit: c, Message: msg}
		i += 6
		for ; i < len(tokens); i++ {
			name := strings.TrimPrefix(string(tokens[i]), "\n")
			if strings.HasPrefix(name, "\x1e") {
				break
			}
			if name != "" {
				e.Files = append(e.Files, name)
			}
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// Tags returns the tags of the repository by the commit they point at
// (annotated tags peeled), each list sorted by name.
func (r *Repo) Tags(ctx context.Context) (map[string][]string, error) {
	out, err := r.run(ctx, "for-each-ref", "--sort=refname", "--format=%(objectname) %(*objectname) %(refname:short)", "refs/tags")
	if err != nil {
		return nil, err
	}
	tags := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.SplitN(line, " ", 3)
		if len(f) != 3 {
			continue
		}
		commit := f[0]
		if f[1] != "" {
			commit = f[1]
		}
		tags[commit] = append(tags[commit], f[2])
	}
	return tags, nil
}

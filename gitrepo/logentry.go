package gitrepo

import (
	"context"
	"strings"
)

// LogEntry is one commit of a history walk: the commit, its full message and the
// paths it changed against its first parent (within the paths asked for).
type LogEntry struct {
	Commit
	Message string   // the full message, subject and body
	Files   []string // changed paths, in git's order
}

// logFilesFormat starts each commit with a record separator, then prints
// the fields of a Commit and the full message separated by NULs.
const logFilesFormat = "--format=%x1e%H%x00%P%x00%ct%x00%an%x00%ae%x00%B"

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

package gitrepo

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Commit is one commit of a Log.
type Commit struct {
	SHA     string
	Parents []string
	Date    time.Time // committer date, UTC
	Author  string
	Email   string
	Subject string
}

// logFormat prints the fields of a Commit separated by NULs; with -z each
// commit ends in a NUL as well.
const logFormat = "--format=%H%x00%P%x00%ct%x00%an%x00%ae%x00%s"

// logFields is the number of fields logFormat prints.
const logFields = 6

// Log returns the commits reachable from to and not from from (which may be
// empty), following first parents only, newest first. When paths are given,
// only commits that touch one of them (literal paths) are returned.
func (r *Repo) Log(ctx context.Context, from, to string, paths []string) ([]Commit, error) {
	args, err := r.logArgs(ctx, from, to, paths)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := r.command(ctx, r.root, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("git log: %w", err)
	}
	commits, parseErr := parseLog(bufio.NewReaderSize(out, 64<<10))
	if parseErr != nil {
		cancel()
	}
	if err := cmd.Wait(); err != nil && parseErr == nil {
		return nil, newGitError(ctx, args, stderr.String(), err)
	}
	if parseErr != nil {
		return nil, fmt.Errorf("git log: %w", parseErr)
	}
	return commits, nil
}

// logArgs resolves the range (for clear errors about missing commits) and
// builds the arguments of git log.
func (r *Repo) logArgs(ctx context.Context, from, to string, paths []string) ([]string, error) {
	head, err := r.resolve(ctx, to)
	if err != nil {
		return nil, fmt.Errorf("log: %w", err)
	}
	args := []string{"log", "--first-parent", "-z", logFormat, head}
	if from != "" {
		base, err := r.resolve(ctx, from)
		if err != nil {
			return nil, fmt.Errorf("log: %w", err)
		}
		args = append(args, "^"+base)
	}
	args = append(args, "--")
	for _, p := range paths {
		clean, err := cleanPath(p)
		if err != nil {
			return nil, fmt.Errorf("log: %w", err)
		}
		args = append(args, clean)
	}
	return args, nil
}

// parseLog reads the commits git log prints with logFormat and -z.
func parseLog(in *bufio.Reader) ([]Commit, error) {
	var commits []Commit
	for {
		var f [logFields]string
		for i := range f {
			field, err := in.ReadString(0)
			if err == io.EOF && i == 0 && field == "" {
				return commits, nil
			}
			if err != nil {
				return nil, fmt.Errorf("truncated output: %w", err)
			}
			f[i] = strings.TrimSuffix(field, "\x00")
		}
		c, err := newCommit(f)
		if err != nil {
			return nil, err
		}
		commits = append(commits, c)
	}
}

// newCommit builds a Commit from the fields of logFormat.
func newCommit(f [logFields]string) (Commit, error) {
	secs, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil {
		return Commit{}, errors.New("unexpected committer date " + strconv.Quote(f[2]))
	}
	return Commit{
		SHA:     f[0],
		Parents: strings.Fields(f[1]),
		Date:    time.Unix(secs, 0).UTC(),
		Author:  f[3],
		Email:   f[4],
		Subject: f[5],
	}, nil
}

package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Commit is one commit of a first-parent walk.
type Commit struct {
	SHA     string
	Parents []string
	Date    time.Time // committer date, UTC
	Author  string
	Email   string
	Subject string
}

// logFields is the number of fields of a Commit that git log prints.
const logFields = 6

// logRange resolves the range (for clear errors about missing commits) and
// returns the arguments of git log that name it: the head, ^from when from
// is given, and the literal paths after "--".
func (r *Repo) logRange(ctx context.Context, from, to string, paths []string) ([]string, error) {
	head, err := r.resolve(ctx, to)
	if err != nil {
		return nil, fmt.Errorf("log: %w", err)
	}
	args := []string{head}
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

// newCommit builds a Commit from its fields: id, parents, committer time
// (Unix seconds), author name and email, subject.
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

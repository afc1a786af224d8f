package revision

import (
	"fmt"
	"time"

	"github.com/cpsgate/cpsgate/gitrepo"
)

// Select picks the base and head snapshots of a check: base is the named
// ref, else HEAD for a staged check, else the merge base with the default
// branch (the empty tree in a repository without commits); head is the
// index for a staged check, else the named ref, else the work tree.
func Select(repo *gitrepo.Repo, baseRef, headRef string, staged bool) (base, head Snapshot, err error) {
	switch {
	case baseRef != "":
		sha, err := repo.Resolve(baseRef)
		if err != nil {
			return nil, nil, fmt.Errorf("base: %w", err)
		}
		base = repo.Commit(sha)
	case !repo.HasCommits():
		base = repo.Empty()
	case staged:
		sha, err := repo.Resolve("HEAD")
		if err != nil {
			return nil, nil, fmt.Errorf("base: %w", err)
		}
		base = repo.Commit(sha)
	default:
		sha, err := repo.DefaultBase()
		if err != nil {
			return nil, nil, fmt.Errorf("%w; name the base with --base", err)
		}
		base = repo.Commit(sha)
	}
	switch {
	case staged:
		head = repo.Index()
	case headRef != "":
		sha, err := repo.Resolve(headRef)
		if err != nil {
			return nil, nil, fmt.Errorf("head: %w", err)
		}
		head = repo.Commit(sha)
	default:
		head = repo.WorkTree()
	}
	return base, head, nil
}

// BaseDate is the committer date (YYYY-MM-DD) of the commit base is,
// "" when base is no commit (the empty tree, the work tree, the index).
func BaseDate(repo *gitrepo.Repo, base Snapshot) (string, error) {
	name := base.Name()
	if name == gitrepo.EmptyTree || name == gitrepo.WorkTreeName || name == gitrepo.IndexName {
		return "", nil
	}
	t, err := repo.CommitTime(name)
	if err != nil {
		return "", fmt.Errorf("base: %w", err)
	}
	return t.Format(time.DateOnly), nil
}

package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// shallowHint explains a missing commit or branch in a shallow clone.
const shallowHint = "the repository is a shallow clone, so it may lie outside the fetched history; " +
	"fetch the full history (git fetch --unshallow, or fetch-depth: 0 in actions/checkout)"

// defaultBranches are the refs tried, in order, as the default branch.
var defaultBranches = []string{
	"refs/remotes/origin/HEAD",
	"refs/remotes/origin/main",
	"refs/remotes/origin/master",
	"refs/heads/main",
	"refs/heads/master",
}

// Resolve returns the full id of the commit that ref names.
func (r *Repo) Resolve(ref string) (string, error) {
	return r.resolve(r.ctx, ref)
}

func (r *Repo) resolve(ctx context.Context, ref string) (string, error) {
	if err := checkRef(ref); err != nil {
		return "", err
	}
	id, err := r.commitID(ref)
	switch {
	case err == nil:
		return id, nil
	case err == errAmbiguous:
		return "", fmt.Errorf("resolve %q: ambiguous: more than one object matches; use a longer id or a full ref", ref)
	case err != errMissing:
		return "", fmt.Errorf("resolve %q: %w", ref, err)
	case strings.HasPrefix(ref, "HEAD") && !r.HasCommits() && strings.HasPrefix(ref, "HEAD"):
		return "", fmt.Errorf("resolve %q: %w", ref, ErrNoCommits)
	case r.shallow:
		return "", fmt.Errorf("resolve %q: no such commit: %s", ref, shallowHint)
	default:
		return "", fmt.Errorf("resolve %q: no such commit in %s", ref, r.root)
	}
}

// commitID asks the batch process (no process of its own) for the commit
// that a revision expression names, as git rev-parse "ref^{commit}" would:
// it returns errMissing when there is none.
func (r *Repo) commitID(ref string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	obj, err := r.object(ref + "^{commit}")
	if err != nil {
		return "", err
	}
	if obj.kind != "commit" {
		return "", fmt.Errorf("%s is a %s, not a commit", ref, obj.kind)
	}
	return obj.id, nil
}

// checkRef rejects refs that git would take for options.
func checkRef(ref string) error {
	if ref == "" || strings.HasPrefix(ref, "-") {
		return fmt.Errorf("invalid revision %q", ref)
	}
	return nil
}

// MergeBase returns the best common ancestor of the commits a and b name.
func (r *Repo) MergeBase(a, b string) (string, error) {
	sa, err := r.Resolve(a)
	if err != nil {
		return "", err
	}
	sb, err := r.Resolve(b)
	if err != nil {
		return "", err
	}
	out, err := r.run(r.ctx, "merge-base", sa, sb)
	switch {
	case err == nil:
		return strings.TrimSpace(string(out)), nil
	case exitCode(err) != 1:
		return "", fmt.Errorf("merge base of %q and %q: %w", a, b, err)
	case r.shallow:
		return "", fmt.Errorf("merge base of %q and %q: no common ancestor found: %s", a, b, shallowHint)
	default:
		return "", fmt.Errorf("merge base of %q and %q: the histories have no common ancestor", a, b)
	}
}

// DefaultBase returns the commit a change on HEAD is compared against: the
// merge base of HEAD with the default branch (origin/HEAD, else the first of
// origin/main, origin/master, main, master that exists). When HEAD is on the
// default branch, or at its tip, that is HEAD's own commit. HEAD may be
// detached. In a repository without commits the error wraps ErrNoCommits.
func (r *Repo) DefaultBase() (string, error) {
	head, err := r.Resolve("HEAD")
	if err != nil {
		return "", fmt.Errorf("default base: %w", err)
	}
	branch, tip, err := r.defaultBranch()
	if err != nil {
		return "", err
	}
	onBranch, err := r.headOn(branch)
	if err != nil {
		return "", err
	}
	if onBranch || tip == head {
		return head, nil
	}
	base, err := r.MergeBase(head, tip)
	if err != nil {
		return "", fmt.Errorf("default base (HEAD against %s): %w", branch, err)
	}
	return base, nil
}

// defaultBranch returns the full name of the default branch (a symbolic
// origin/HEAD resolved to its target) and the commit at its tip.
func (r *Repo) defaultBranch() (name, tip string, err error) {
	out, err := r.run(r.ctx, append([]string{"for-each-ref", "--format=%(refname) %(symref) %(objectname)"}, defaultBranches...)...)
	if err != nil {
		return "", "", fmt.Errorf("default branch: %w", err)
	}
	type target struct{ symref, object string }
	found := map[string]target{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if f := strings.Split(line, " "); len(f) == 3 {
			found[f[0]] = target{symref: f[1], object: f[2]}
		}
	}
	for _, ref := range defaultBranches {
		t, ok := found[ref]
		switch {
		case !ok:
			continue
		case t.symref != "":
			return t.symref, t.object, nil
		default:
			return ref, t.object, nil
		}
	}
	msg := "default branch: none of origin/HEAD, origin/main, origin/master, main, master exists; name the base revision explicitly"
	if r.shallow {
		msg += "; " + shallowHint
	}
	return "", "", errors.New(msg)
}

// headOn reports whether HEAD is the local branch of the same short name as
// branch (refs/heads/main for refs/remotes/origin/main or refs/heads/main).
func (r *Repo) headOn(branch string) (bool, error) {
	out, err := r.run(r.ctx, "symbolic-ref", "--quiet", "HEAD")
	switch {
	case exitCode(err) == 1:
		return false, nil // detached
	case err != nil:
		return false, fmt.Errorf("default base: %w", err)
	}
	short := strings.TrimPrefix(strings.TrimPrefix(branch, "refs/remotes/origin/"), "refs/heads/")
	return strings.TrimSpace(string(out)) == "refs/heads/"+short, nil
}

// GitPath returns the absolute path of name inside the repository's git
// directory as git resolves it (`git rev-parse --git-path`), honouring
// core.hooksPath for "hooks" and linked work trees.
func (r *Repo) GitPath(name string) (string, error) {
	out, err := r.run(r.ctx, "rev-parse", "--path-format=absolute", "--git-path", name)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// CommitTime returns the committer date of commit sha, read through the
// batch process.
func (r *Repo) CommitTime(sha string) (time.Time, error) {
	r.mu.Lock()
	obj, err := r.object(sha + "^{commit}")
	r.mu.Unlock()
	if err != nil {
		return time.Time{}, fmt.Errorf("commit %s: %w", sha, err)
	}
	return parseCommitter(obj.data)
}

// parseCommitter reads the committer line of a commit object's header:
// "committer Name <email> 1700000000 +0100".
func parseCommitter(data []byte) (time.Time, error) {
	for line := range strings.SplitSeq(string(data), "\n") {
		if line == "" {
			break // end of the header
		}
		rest, ok := strings.CutPrefix(line, "committer ")
		if !ok {
			continue
		}
		i := strings.LastIndexByte(rest, '>')
		fields := strings.Fields(rest[i+1:])
		if i < 0 || len(fields) != 2 {
			break
		}
		secs, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			break
		}
		return time.Unix(secs, 0).UTC(), nil
	}
	return time.Time{}, errors.New("commit object has no well-formed committer line")
}

// Package gitrepo reads revisions of a git repository — a commit, the index
// and the work tree — through the git command-line tool.
//
// It is the only package that runs git. Every blob read of a Repo goes
// through one long-lived `git cat-file --batch` process; listings come from
// `git ls-tree` and `git ls-files` and are cached. Paths are slash-separated
// and relative to the repository root.
package gitrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
)

// DefaultMaxBlobSize is the default for Repo.MaxBlobSize: 64 MiB.
const DefaultMaxBlobSize = 64 << 20

// ErrNoCommits is wrapped by errors about a repository whose HEAD has no
// commits yet; callers can fall back to Repo.Empty as the base.
var ErrNoCommits = errors.New("the repository has no commits yet")

// Repo is a git repository with a work tree. Its methods are safe for
// concurrent use. The context given to Open bounds every git command it runs,
// except Walk and Tags, which take their own.
type Repo struct {
	// MaxBlobSize is the largest file, in bytes, that ReadFile returns;
	// larger ones are an error. Set it before the first read.
	MaxBlobSize int64

	ctx        context.Context
	root       string
	shallow    bool
	headOnce   sync.Once
	hasCommits bool // set by headOnce

	// onStart, when set, is called with the arguments of every git command
	// the Repo starts (tests count processes with it).
	onStart func(args []string)

	// batchMu guards batch, the cat-file process: a reader waiting for its
	// reply holds batchMu, not mu, so that other readers find what is
	// cached meanwhile (base and head share most trees and blobs).
	batchMu sync.Mutex
	batch   *catFile // started lazily

	mu      sync.Mutex                  // guards everything below
	roots   map[string]string           // revision -> root tree id
	trees   map[string]map[string]entry // tree id -> its entries by name
	lists   map[listKey][]string
	index   map[string]indexEntry
	indexed []string // sorted paths of index
	// blobs keeps the blobs read, by id, up to maxBlobCache bytes: base
	// and head share most files, and flag discovery and the parameters
	// read the same configuration files. Callers never modify the bytes.
	blobs     map[string][]byte
	blobBytes int
}

// maxBlobCache bounds the bytes of blobs a Repo keeps.
const maxBlobCache = 64 << 20

// listKey names one cached listing: the work tree or a revision, and a
// literal directory prefix.
type listKey struct {
	workTree bool
	rev      string
	prefix   string
}

// Open finds the repository that contains dir and returns it; the top level
// of its work tree becomes the Root. It works in a repository without commits.
func Open(ctx context.Context, dir string) (*Repo, error) {
	r := &Repo{MaxBlobSize: DefaultMaxBlobSize, ctx: ctx}
	out, err := r.runIn(ctx, dir, "rev-parse", "--is-shallow-repository", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	shallow, root, ok := strings.Cut(strings.TrimSuffix(string(out), "\n"), "\n")
	if !ok || root == "" {
		return nil, fmt.Errorf("open %s: unexpected output of git rev-parse: %q", dir, out)
	}
	r.root, r.shallow = root, shallow == "true"
	return r, nil
}

// Root is the absolute path of the top level of the work tree.
func (r *Repo) Root() string { return r.root }

// HasCommits reports whether HEAD points at a commit (asked once, through the
// batch process, the first time it matters).
func (r *Repo) HasCommits() bool {
	r.headOnce.Do(func() {
		_, err := r.commitID("HEAD")
		r.hasCommits = err == nil
	})
	return r.hasCommits
}

// IsShallow reports whether the repository is a shallow clone.
func (r *Repo) IsShallow() bool { return r.shallow }

// Close stops the cat-file process, if one runs. The Repo stays usable: a
// later read starts a new process.
func (r *Repo) Close() error {
	r.mu.Lock()
	r.blobs, r.blobBytes = nil, 0
	r.mu.Unlock()
	r.batchMu.Lock()
	defer r.batchMu.Unlock()
	if r.batch == nil {
		return nil
	}
	err := r.batch.close()
	r.batch = nil
	return err
}

// command builds a git command run in dir with fixed, locale-independent,
// non-interactive settings.
func (r *Repo) command(ctx context.Context, dir string, args ...string) *exec.Cmd {
	if r.onStart != nil {
		r.onStart(args)
	}
	global := []string{
		"--no-pager", "--literal-pathspecs",
		"-c", "core.quotepath=off",
		"-c", "color.ui=false",
		"-c", "log.showSignature=false",
	}
	cmd := exec.CommandContext(ctx, "git", append(global, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"LC_ALL=C", "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0", "GIT_PAGER=cat")
	return cmd
}

// run runs git at the root and returns its standard output.
func (r *Repo) run(ctx context.Context, args ...string) ([]byte, error) {
	return r.runIn(ctx, r.root, args...)
}

// runIn runs git in dir and returns its standard output; a failure becomes a
// *gitError carrying git's standard error.
func (r *Repo) runIn(ctx context.Context, dir string, args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := r.command(ctx, dir, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, newGitError(ctx, args, stderr.String(), err)
	}
	return stdout.Bytes(), nil
}

// gitError is a git command that failed.
type gitError struct {
	args   []string
	stderr string // trimmed
	err    error
}

func newGitError(ctx context.Context, args []string, stderr string, err error) *gitError {
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	return &gitError{args: args, stderr: strings.TrimSpace(stderr), err: err}
}

func (e *gitError) Error() string {
	msg := e.stderr
	if msg == "" {
		msg = e.err.Error()
	}
	return fmt.Sprintf("git %s: %s", strings.Join(e.args, " "), msg)
}

func (e *gitError) Unwrap() error { return e.err }

// exitCode is the exit status of a failed git command, or -1.
func exitCode(err error) int {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	return -1
}

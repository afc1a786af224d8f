package gitrepo

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestMain isolates the git commands of the tests (and of the package under
// test) from the user's configuration and from an enclosing repository.
func TestMain(m *testing.M) {
	for _, v := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"} {
		os.Unsetenv(v)
	}
	for k, v := range map[string]string{
		"GIT_CONFIG_GLOBAL":       os.DevNull,
		"GIT_CONFIG_NOSYSTEM":     "1",
		"GIT_CEILING_DIRECTORIES": os.TempDir(),
		"GIT_AUTHOR_NAME":         "Alice Tester",
		"GIT_AUTHOR_EMAIL":        "alice@example.org",
		"GIT_COMMITTER_NAME":      "Alice Tester",
		"GIT_COMMITTER_EMAIL":     "alice@example.org",
	} {
		os.Setenv(k, v)
	}
	os.Exit(m.Run())
}

// testRepo is a scratch git repository.
type testRepo struct {
	tb  testing.TB
	dir string
}

// newTestRepo makes an empty repository whose branch is main.
func newTestRepo(tb testing.TB) *testRepo {
	tb.Helper()
	tr := &testRepo{tb: tb, dir: tb.TempDir()}
	tr.git("init", "-q", "-b", "main")
	tr.git("config", "user.name", "Alice Tester")
	tr.git("config", "user.email", "alice@example.org")
	tr.git("config", "commit.gpgsign", "false")
	return tr
}

// git runs git in the repository and returns its trimmed output.
func (tr *testRepo) git(args ...string) string {
	tr.tb.Helper()
	out, err := tr.gitErr(args...)
	if err != nil {
		tr.tb.Fatal(err)
	}
	return out
}

// gitErr runs git in the repository; a failure is returned, not fatal.
func (tr *testRepo) gitErr(args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = tr.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", &testGitError{args: args, out: string(out), err: err}
	}
	return strings.TrimSpace(string(out)), nil
}

type testGitError struct {
	args []string
	out  string
	err  error
}

func (e *testGitError) Error() string {
	return "git " + strings.Join(e.args, " ") + ": " + e.err.Error() + "\n" + e.out
}

// write creates or replaces the files named by the keys with the values.
func (tr *testRepo) write(files map[string]string) {
	tr.tb.Helper()
	for name, content := range files {
		full := filepath.Join(tr.dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			tr.tb.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			tr.tb.Fatal(err)
		}
	}
}

// remove deletes files from disk.
func (tr *testRepo) remove(names ...string) {
	tr.tb.Helper()
	for _, name := range names {
		if err := os.Remove(filepath.Join(tr.dir, filepath.FromSlash(name))); err != nil {
			tr.tb.Fatal(err)
		}
	}
}

// commit writes files, stages everything and commits; it returns the id.
func (tr *testRepo) commit(msg string, files map[string]string) string {
	tr.tb.Helper()
	tr.write(files)
	tr.git("add", "-A")
	tr.git("commit", "-q", "--allow-empty", "-m", msg)
	return tr.git("rev-parse", "HEAD")
}

// open opens the repository, closing it when the test ends.
func (tr *testRepo) open() *Repo {
	tr.tb.Helper()
	r, err := Open(context.Background(), tr.dir)
	if err != nil {
		tr.tb.Fatal(err)
	}
	tr.tb.Cleanup(func() {
		if err := r.Close(); err != nil {
			tr.tb.Error(err)
		}
	})
	return r
}

// starts counts the git commands a Repo starts, by subcommand.
type starts struct {
	mu sync.Mutex
	n  map[string]int
}

// watch installs the counter on r.
func (s *starts) watch(r *Repo) {
	s.n = map[string]int{}
	r.onStart = func(args []string) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.n[args[0]]++
	}
}

func (s *starts) count(sub string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n[sub]
}

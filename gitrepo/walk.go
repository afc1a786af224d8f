package gitrepo

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Change is one path a commit changed against its first parent.
type Change struct {
	Path string
	// Blob is the id of the path's blob after the commit; empty when the
	// commit deleted the path or left something else than a regular file
	// (a symbolic link, a submodule) there.
	Blob string
}

// WalkEntry is one commit of Walk: the commit, its full message and the
// paths (within the paths asked for) it changed against its first parent.
type WalkEntry struct {
	LogEntry
	Changes []Change // as Files, in git's order
}

// walkFormat is logFilesFormat: a record separator, then the fields of a
// Commit and the full message separated by NULs.
const walkFormat = logFilesFormat

// Walk streams the first-parent history of to, newest first, to visit: every
// commit, with the paths among paths (literal paths or directories; all paths
// when none are given) that it changed against its first parent and their
// new blob ids. It runs one git process (git log --first-parent
// --full-history --sparse --raw), so a walk costs what one path-limited git
// log costs while still listing every commit. When visit returns false the
// walk stops, and git with it.
func (r *Repo) Walk(ctx context.Context, to string, paths []string, visit func(*WalkEntry) bool) error {
	rng, err := r.logRange(ctx, "", to, paths)
	if err != nil {
		return err
	}
	args := append([]string{"log", "--first-parent", "--full-history", "--sparse", "--raw", "--no-abbrev",
		"--no-renames", "-z", walkFormat}, rng...)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := r.command(ctx, r.root, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("git log: %w", err)
	}
	stopped, parseErr := parseWalk(bufio.NewReaderSize(out, 64<<10), visit)
	if stopped || parseErr != nil {
		cancel()
	}
	err = cmd.Wait()
	switch {
	case parseErr != nil:
		return fmt.Errorf("git log: %w", parseErr)
	case stopped:
		return nil
	case err != nil:
		return newGitError(ctx, args, stderr.String(), err)
	}
	return nil
}

// parseWalk reads the output of Walk's git log: per commit, "\x1e" SHA NUL
// parents NUL time NUL author NUL email NUL message NUL, then per changed
// path "\n"? ":" modes, ids and status NUL, the path NUL. It returns true
// when visit stopped it.
func parseWalk(in *bufio.Reader, visit func(*WalkEntry) bool) (bool, error) {
	// field reads one NUL-terminated field, without the NUL; it is valid
	// until the next read.
	var long []byte
	field := func() ([]byte, error) {
		b, err := in.ReadSlice(0)
		if err == bufio.ErrBufferFull {
			long = append(long[:0], b...)
			for err == bufio.ErrBufferFull {
				b, err = in.ReadSlice(0)
				long = append(long, b...)
			}
			b = long
		}
		if err != nil {
			return b, err
		}
		return b[:len(b)-1], nil
	}
	// token reads one field as a string; a record (a commit, a raw record)
	// may start with a newline, which start drops.
	token := func(start bool) (string, error) {
		b, err := field()
		if err == io.EOF && len(b) == 0 && start {
			return "", io.EOF
		}
		if err != nil {
			return "", errors.New("truncated output")
		}
		if start {
			b = bytes.TrimPrefix(b, []byte("\n"))
		}
		return string(b), nil
	}
	// names interns authors and emails, which repeat.
	names := map[string]string{}
	name := func() (string, error) {
		b, err := field()
		if err != nil {
			return "", errors.New("truncated output")
		}
		s, ok := names[string(b)]
		if !ok {
			s = string(b)
			names[s] = s
		}
		return s, nil
	}
	tok, err := token(true)
	for {
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if !strings.HasPrefix(tok, "\x1e") {
			return false, fmt.Errorf("unexpected record %q", tok)
		}
		var f [logFields]string
		f[0] = tok[1:]
		for k := 1; k < 6; k++ {
			if k == 3 || k == 4 {
				f[k], err = name()
			} else {
				f[k], err = token(false)
			}
			if err != nil {
				return false, errors.New("truncated output")
			}
		}
		msg := f[5]
		f[5], _, _ = strings.Cut(msg, "\n")
		c, err2 := newCommit(f)
		if err2 != nil {
			return false, err2
		}
		e := &WalkEntry{LogEntry: LogEntry{Commit: c, Message: msg}}
		for {
			tok, err = token(true)
			if err != nil || !strings.HasPrefix(tok, ":") {
				break
			}
			ch, err2 := parseRaw(tok)
			if err2 != nil {
				return false, err2
			}
			if ch.Path, err = token(false); err != nil {
				return false, errors.New("truncated output")
			}
			e.Files = append(e.Files, ch.Path)
			e.Changes = append(e.Changes, ch)
		}
		if err != nil && err != io.EOF {
			return false, err
		}
		if !visit(e) {
			return true, nil
		}
	}
}

// parseRaw reads the meta data of one --raw record,
// ":<old mode> <new mode> <old id> <new id> <status>".
func parseRaw(meta string) (Change, error) {
	f := strings.Fields(meta[1:])
	if len(f) != 5 {
		return Change{}, fmt.Errorf("unexpected record %q", meta)
	}
	mode, err := parseMode(f[1])
	if err != nil {
		return Change{}, fmt.Errorf("unexpected record %q", meta)
	}
	var ch Change
	if mode&modeType == modeFile && strings.Trim(f[3], "0") != "" {
		ch.Blob = f[3]
	}
	return ch, nil
}

// Blob returns the content of the blob id (as a Change names it), read
// through the batch process.
func (r *Repo) Blob(id string) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.blob(id)
}

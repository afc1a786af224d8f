package gitrepo

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
)

// Replies of cat-file that leave the stream in sync.
var (
	errMissing   = errors.New("missing")
	errAmbiguous = errors.New("ambiguous object name")
)

// tooLargeError is an object whose size exceeds the limit.
type tooLargeError struct{ size, limit int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("is %d bytes, over the limit of %d bytes (MaxBlobSize)", e.size, e.limit)
}

// catFile is a running `git cat-file --batch`.
type catFile struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr *bytes.Buffer
}

// object is one reply of cat-file.
type object struct {
	id, kind string // kind: blob, tree, commit, tag
	data     []byte
}

// startCatFile starts the batch process at the root.
func (r *Repo) startCatFile(ctx context.Context) (*catFile, error) {
	cmd := r.command(ctx, r.root, "cat-file", "--batch")
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr := new(bytes.Buffer)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("git cat-file --batch: %w", err)
	}
	return &catFile{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 64<<10), stderr: stderr}, nil
}

// close ends the process by closing its input and waits for it.
func (c *catFile) close() error {
	c.in.Close()
	if err := c.cmd.Wait(); err != nil {
		return fmt.Errorf("git cat-file --batch: %w", err)
	}
	return nil
}

// object asks the batch process, starting it when needed, for the object
// that req names. It returns errMissing, errAmbiguous or a *tooLargeError
// when git answers so; any other failure stops the process, and the next
// request starts a new one. The caller holds r.mu, which object releases
// while it waits for the process: what the caller read under r.mu before
// the call may have grown since (the caches only grow, and hold immutable
// data by id).
func (r *Repo) object(req string) (object, error) {
	if strings.ContainsAny(req, "\n\x00") {
		return object{}, fmt.Errorf("object name %q contains a newline or NUL", req)
	}
	// The caller holds mu; the round trip to the process holds batchMu
	// alone.
	r.mu.Unlock()
	defer r.mu.Lock()
	r.batchMu.Lock()
	defer r.batchMu.Unlock()
	if r.batch == nil {
		c, err := r.startCatFile(r.ctx)
		if err != nil {
			return object{}, err
		}
		r.batch = c
	}
	obj, err := r.batch.request(req, r.MaxBlobSize)
	var tooLarge *tooLargeError
	if err != nil && err != errMissing && err != errAmbiguous && !errors.As(err, &tooLarge) {
		err = r.stopBatch(err)
	}
	return obj, err
}

// stopBatch kills a batch process that failed with cause and returns cause
// with the process's standard error (or the context's error) added.
// The caller holds batchMu.
func (r *Repo) stopBatch(cause error) error {
	c := r.batch
	r.batch = nil
	c.in.Close()
	if c.cmd.Process != nil {
		c.cmd.Process.Kill()
	}
	c.cmd.Wait()
	if r.ctx.Err() != nil {
		cause = r.ctx.Err()
	}
	if msg := strings.TrimSpace(c.stderr.String()); msg != "" {
		return fmt.Errorf("git cat-file --batch: %w: %s", cause, msg)
	}
	return fmt.Errorf("git cat-file --batch: %w", cause)
}

// request writes one request and reads its reply. Objects larger than limit
// are drained and reported as a *tooLargeError.
func (c *catFile) request(req string, limit int64) (object, error) {
	if _, err := io.WriteString(c.in, req+"\n"); err != nil {
		return object{}, err
	}
	return c.reply(req, limit)
}

// reply reads the reply to the request req, written before.
func (c *catFile) reply(req string, limit int64) (object, error) {
	header, err := c.out.ReadString('\n')
	if err != nil {
		return object{}, fmt.Errorf("reading the reply to %q: %w", req, err)
	}
	header = strings.TrimSuffix(header, "\n")
	switch header {
	case req + " missing":
		return object{}, errMissing
	case req + " ambiguous":
		return object{}, errAmbiguous
	}
	f := strings.Fields(header)
	if len(f) != 3 {
		return object{}, fmt.Errorf("unexpected reply to %q: %q", req, header)
	}
	size, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil || size < 0 {
		return object{}, fmt.Errorf("unexpected reply to %q: %q", req, header)
	}
	if size > limit {
		if _, err := io.CopyN(io.Discard, c.out, size+1); err != nil {
			return object{}, fmt.Errorf("skipping %q: %w", req, err)
		}
		return object{}, &tooLargeError{size: size, limit: limit}
	}
	data := make([]byte, size+1) // with the trailing newline
	if _, err := io.ReadFull(c.out, data); err != nil {
		return object{}, fmt.Errorf("reading %q: %w", req, err)
	}
	return object{id: f[0], kind: f[1], data: data[:size]}, nil
}

// objectsBatch is how many requests objects writes before reading their
// replies: few enough that they fit in a pipe's buffer while cat-file is
// blocked writing replies.
const objectsBatch = 256

// Blobs reads the blobs ids through the batch process, writing the requests
// of many at once rather than waiting for each reply: a blob that cannot be
// read (missing, too large, not a blob) is nil, for the caller to read it
// again the usual way and report why.
func (r *Repo) Blobs(ids []string) [][]byte {
	out := make([][]byte, len(ids))
	for i, obj := range r.objects(ids) {
		if obj.kind == "blob" {
			out[i] = obj.data
		}
	}
	return out
}

// objects reads the objects ids through the batch process, writing the
// requests of many at once: one round trip to the process, not one per
// object. An object that cannot be read (missing, too large, or after a
// failure of the process) is the zero object, for the caller to read it
// again the usual way and report why. The caller does not hold r.mu.
func (r *Repo) objects(ids []string) []object {
	r.batchMu.Lock()
	defer r.batchMu.Unlock()
	out := make([]object, len(ids))
	for start := 0; start < len(ids); start += objectsBatch {
		batch := ids[start:min(len(ids), start+objectsBatch)]
		var req strings.Builder
		for _, id := range batch {
			if id == "" || strings.ContainsAny(id, "\n\x00 ") {
				return out // not an object id: leave the rest to the usual way
			}
			req.WriteString(id)
			req.WriteByte('\n')
		}
		if r.batch == nil {
			c, err := r.startCatFile(r.ctx)
			if err != nil {
				return out
			}
			r.batch = c
		}
		if _, err := io.WriteString(r.batch.in, req.String()); err != nil {
			r.stopBatch(err)
			return out
		}
		for i, id := range batch {
			obj, err := r.batch.reply(id, r.MaxBlobSize)
			var tooLarge *tooLargeError
			switch {
			case err == nil:
				out[start+i] = obj
			case err == errMissing, err == errAmbiguous, errors.As(err, &tooLarge):
				// the stream is in sync: go on
			default:
				r.stopBatch(err)
				return out
			}
		}
	}
	return out
}

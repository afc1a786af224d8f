package github

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Retry defaults.
const (
	DefaultAttempts = 4
	DefaultBackoff  = time.Second
	// DefaultMaxWait is the longest wait Retry accepts from GitHub
	// (Retry-After, x-ratelimit-reset) before it gives up instead.
	DefaultMaxWait = 2 * time.Minute
	// secondaryWait is how long GitHub asks clients to wait after a
	// secondary rate limit that names no time.
	secondaryWait = time.Minute
)

// attemptsHeader carries, on the response Retry returns, how many attempts
// were made, so that errors can say so.
const attemptsHeader = "X-Cpsgate-Attempts"

// Retry is an http.RoundTripper that repeats a request where GitHub says to:
// a 5xx response or a network error (for requests safe to replay), a 429, a
// 403 for a secondary rate limit or an exhausted primary rate limit. It
// honours Retry-After and x-ratelimit-reset, backs off exponentially
// otherwise, and makes at most Attempts attempts.
type Retry struct {
	Next     http.RoundTripper // nil: http.DefaultTransport
	Attempts int               // 0: DefaultAttempts
	Backoff  time.Duration     // first wait; doubles on each retry. 0: DefaultBackoff
	MaxWait  time.Duration     // 0: DefaultMaxWait
	// Sleep waits for d or until ctx is done; nil sleeps for real. Tests
	// inject one that records the waits.
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time // nil: time.Now
}

type noReplayKey struct{}

// noReplay marks a request whose repetition after a server error could
// duplicate its effect (creating a comment): Retry then repeats it only for
// rate limits, which GitHub answers before doing anything.
func noReplay(ctx context.Context) context.Context {
	return context.WithValue(ctx, noReplayKey{}, true)
}

// RoundTrip implements http.RoundTripper.
func (t *Retry) RoundTrip(req *http.Request) (*http.Response, error) {
	next := t.Next
	if next == nil {
		next = http.DefaultTransport
	}
	attempts := t.Attempts
	if attempts <= 0 {
		attempts = DefaultAttempts
	}
	backoff := t.Backoff
	if backoff <= 0 {
		backoff = DefaultBackoff
	}
	ctx := req.Context()
	replay := ctx.Value(noReplayKey{}) == nil
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 && req.Body != nil && req.Body != http.NoBody {
			if req.GetBody == nil {
				return nil, errNoGetBody
			}
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r = req.Clone(ctx)
			r.Body = body
		}
		resp, err := next.RoundTrip(r)
		wait, retry := t.decide(resp, err, replay, backoff<<(attempt-1))
		if !retry || attempt >= attempts {
			if resp != nil {
				resp.Header.Set(attemptsHeader, strconv.Itoa(attempt))
			}
			return resp, err
		}
		if resp != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
		}
		if err := t.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

type retryError string

func (e retryError) Error() string { return string(e) }

const errNoGetBody = retryError("cannot repeat a request whose body cannot be read again")

func (t *Retry) sleep(ctx context.Context, d time.Duration) error {
	if t.Sleep != nil {
		return t.Sleep(ctx, d)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// decide says whether to retry after resp or err, and how long to wait.
func (t *Retry) decide(resp *http.Response, err error, replay bool, backoff time.Duration) (time.Duration, bool) {
	maxWait := t.MaxWait
	if maxWait <= 0 {
		maxWait = DefaultMaxWait
	}
	if err != nil {
		return backoff, replay
	}
	switch code := resp.StatusCode; {
	case code >= 500:
		return backoff, replay
	case code == http.StatusTooManyRequests, code == http.StatusForbidden:
		wait, limited := t.rateLimitWait(resp)
		if !limited {
			return 0, false
		}
		wait = max(wait, backoff)
		return wait, wait <= maxWait
	}
	return 0, false
}

// rateLimitWait reads how long a 403 or 429 asks to wait, and whether the
// response is a rate limit at all (a 403 may be a plain permission error).
func (t *Retry) rateLimitWait(resp *http.Response) (time.Duration, bool) {
	if s := resp.Header.Get("Retry-After"); s != "" {
		if secs, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && secs >= 0 {
			return time.Duration(secs) * time.Second, true
		}
		if at, err := http.ParseTime(s); err == nil {
			return max(at.Sub(t.now()), 0), true
		}
	}
	if resp.Header.Get("X-Ratelimit-Remaining") == "0" {
		if secs, err := strconv.ParseInt(resp.Header.Get("X-Ratelimit-Reset"), 10, 64); err == nil {
			return max(time.Unix(secs, 0).Sub(t.now()), 0) + time.Second, true
		}
		return secondaryWait, true
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return 0, true
	}
	// A secondary rate limit without Retry-After: its message says so.
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if bytes.Contains(bytes.ToLower(body), []byte("secondary rate limit")) {
		return secondaryWait, true
	}
	return 0, false
}

func (t *Retry) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

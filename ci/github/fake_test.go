package github

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// testToken is the token the tests authenticate with; it must never show in
// an error.
const testToken = "ghs_TESTTOKENabcdef0123456789"

// call is one request the fake GitHub expects, in order, and its answer.
type call struct {
	method string
	path   string // below the API root, without the query
	query  string // the exact query, as url.Values would encode it ("" for none)
	body   string // expected JSON body; "" for none
	accept string // expected Accept header, if set

	status  int // default 200
	header  map[string]string
	resp    any    // marshalled as JSON
	rawResp string // sent as is when resp is nil
	next    int    // a Link rel="next" to this page
}

// fakeGitHub serves the expected calls in order and fails the test on an
// unexpected, out-of-order or missing call.
type fakeGitHub struct {
	t      *testing.T
	srv    *httptest.Server
	prefix string // "/api/v3" for GitHub Enterprise Server
	mu     sync.Mutex
	calls  []call
	next   int
}

func newFake(t *testing.T, prefix string, calls ...call) *fakeGitHub {
	t.Helper()
	f := &fakeGitHub{t: t, prefix: prefix, calls: calls}
	f.srv = httptest.NewServer(f)
	t.Cleanup(func() {
		f.srv.Close()
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, c := range f.calls[f.next:] {
			t.Errorf("missing call: %s %s?%s", c.method, c.path, c.query)
		}
	})
	return f
}

func (f *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.t
	body, _ := io.ReadAll(r.Body)
	path := strings.TrimPrefix(r.URL.EscapedPath(), f.prefix)
	if f.prefix != "" && r.URL.Path == "/api/graphql" {
		path = "/graphql" // GitHub Enterprise Server's GraphQL endpoint, beside /api/v3
	} else if !strings.HasPrefix(r.URL.Path, f.prefix+"/") {
		t.Errorf("request %s %s outside the API root %q", r.Method, r.URL, f.prefix)
	}
	if f.next >= len(f.calls) {
		t.Errorf("unexpected call: %s %s?%s %s", r.Method, path, r.URL.RawQuery, body)
		http.Error(w, `{"message":"unexpected"}`, http.StatusTeapot)
		return
	}
	c := f.calls[f.next]
	f.next++
	if got, want := r.Method+" "+path, c.method+" "+c.path; got != want {
		t.Errorf("call %d: got %s, want %s", f.next, got, want)
	}
	if got := r.URL.Query().Encode(); got != c.query {
		t.Errorf("call %d %s: query %q, want %q", f.next, path, got, c.query)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
		t.Errorf("call %d %s: Authorization %q", f.next, path, got)
	}
	if c.accept != "" && r.Header.Get("Accept") != c.accept {
		t.Errorf("call %d %s: Accept %q, want %q", f.next, path, r.Header.Get("Accept"), c.accept)
	}
	switch {
	case c.body == "" && len(body) > 0:
		t.Errorf("call %d %s: unexpected body %s", f.next, path, body)
	case c.body != "":
		var got, want any
		if err := json.Unmarshal(body, &got); err != nil {
			t.Errorf("call %d %s: body is not JSON: %v: %s", f.next, path, err, body)
		}
		if err := json.Unmarshal([]byte(c.body), &want); err != nil {
			t.Errorf("bad expected body: %v", err)
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("call %d %s: body mismatch (-got +want):\n%s", f.next, path, diff)
		}
	}
	if c.next > 0 {
		q := r.URL.Query()
		q.Set("page", fmt.Sprint(c.next))
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}
		w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next"`, u.String()))
	}
	for k, v := range c.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	status := c.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if c.resp != nil {
		data, err := json.Marshal(c.resp)
		if err != nil {
			t.Errorf("marshal response: %v", err)
			return
		}
		w.Write(data)
		return
	}
	io.WriteString(w, c.rawResp)
}

// sleeps records the waits of a Retry instead of waiting.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return nil
}

// httpClient sends every request, whatever its host, to the fake server.
func (f *fakeGitHub) httpClient() *http.Client {
	addr := f.srv.Listener.Addr().String()
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
}

// client returns a Client for octo-org/octo-repo on the fake server, as
// GitHub Enterprise Server when the fake has the /api/v3 prefix, else as
// github.com (a host starting "api.").
func (f *fakeGitHub) client(s *sleeps) *Client {
	f.t.Helper()
	apiURL := "http://api.github.test"
	if f.prefix != "" {
		apiURL = f.srv.URL + f.prefix
	}
	retry := &Retry{Sleep: s.sleep, Now: func() time.Time { return fixedNow }}
	c, err := NewClient(f.httpClient(), retry, apiURL, testToken, "octo-org", "octo-repo")
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

var fixedNow = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// fixture decodes a testdata JSON file, fresh for each call so that tests
// may change it.
func fixture(t *testing.T, name string) any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func fixtureBytes(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// object is one JSON object of a fixture.
type object = map[string]any

// comment is the issue comment of GitHub's example with another id, author
// and body.
func comment(t *testing.T, id int, login, userType, body string) object {
	c := fixture(t, "api-issues-list-comments.json").([]any)[0].(object)
	c["id"] = id
	c["body"] = body
	c["html_url"] = fmt.Sprintf("https://github.com/octo-org/octo-repo/pull/7#issuecomment-%d", id)
	u := c["user"].(object)
	u["login"] = login
	u["type"] = userType
	return c
}

// comments makes n comments by humans, ids from first.
func comments(t *testing.T, first, n int) []any {
	var out []any
	for i := range n {
		out = append(out, comment(t, first+i, fmt.Sprintf("user%d", (first+i)%7), "User", fmt.Sprintf("comment %d", first+i)))
	}
	return out
}

// reviewObj is GitHub's example review by login in state.
func reviewObj(t *testing.T, id int, login, state string) object {
	r := fixture(t, "api-pulls-list-reviews.json").([]any)[0].(object)
	r["id"] = id
	r["state"] = state
	r["user"].(object)["login"] = login
	return r
}

func mustJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(data)
}

// permission is GitHub's example collaborator permission of login, with
// another permission.
func permission(t *testing.T, login, perm string) object {
	p := fixture(t, "api-repos-get-collaborator-permission-level.json").(object)
	p["permission"] = perm
	p["role_name"] = perm
	p["user"].(object)["login"] = login
	return p
}

// approval is GitHub's example review: an approval by login of commit at
// submitted.
func approval(t *testing.T, id int, login, userType, state, commit string, submitted time.Time) object {
	r := reviewObj(t, id, login, state)
	r["commit_id"] = commit
	r["submitted_at"] = submitted.Format(time.RFC3339)
	r["user"].(object)["type"] = userType
	return r
}

package github

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"

	gh "github.com/google/go-github/v60/github"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/config"
)

// MaxDocSize is the largest document ReadFile returns.
const MaxDocSize = 20 << 20

// ReadFile reads path at ref (empty: the default branch) of repository
// owner/name through the contents API; files over 1 MB, which that API
// returns without content, are fetched again as raw bytes.
func (c *Client) ReadFile(ctx context.Context, repo, path, ref string) ([]byte, error) {
	what := fmt.Sprintf("%s in repository %s", path, repo)
	if ref != "" {
		what += " at " + ref
	}
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return nil, fmt.Errorf("reading %s: repository must be owner/name", what)
	}
	reqPath := fmt.Sprintf("/repos/%s/%s/contents/%s", owner, name, (&url.URL{Path: path}).EscapedPath())
	if ref != "" {
		reqPath += "?ref=" + url.QueryEscape(ref)
	}
	file, dir, _, err := c.gh.Repositories.GetContents(ctx, owner, name, path, &gh.RepositoryContentGetOptions{Ref: ref})
	if err != nil {
		err = c.wrap("GET", reqPath, err)
		if IsNotFound(err) {
			return nil, fmt.Errorf("reading %s: not found, or the token may not read that repository (GITHUB_TOKEN reads only the repository of the workflow; pass a token with contents: read on %s): %w", what, repo, err)
		}
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	if file == nil || dir != nil {
		return nil, fmt.Errorf("reading %s: it is a directory, not a file", what)
	}
	if t := file.GetType(); t != "file" {
		return nil, fmt.Errorf("reading %s: it is a %s, not a file", what, t)
	}
	if file.GetSize() > MaxDocSize {
		return nil, fmt.Errorf("reading %s: %d bytes, over the limit of %d", what, file.GetSize(), MaxDocSize)
	}
	if file.GetEncoding() == "base64" || (file.Content != nil && *file.Content != "") || file.GetSize() == 0 {
		s, err := file.GetContent()
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", what, err)
		}
		return []byte(s), nil
	}
	// Over 1 MB: the JSON has no content; ask for the raw file.
	req, err := c.gh.NewRequest("GET", strings.TrimPrefix(reqPath, "/"), nil)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	req.Header.Set("Accept", "application/vnd.github.raw+json")
	var buf bytes.Buffer
	if _, err := c.gh.Do(ctx, req, &buf); err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, c.wrap("GET", reqPath, err))
	}
	if buf.Len() > MaxDocSize {
		return nil, fmt.Errorf("reading %s: over the limit of %d bytes", what, MaxDocSize)
	}
	return buf.Bytes(), nil
}

// DocReader reads the CPS documents that the configuration places in other
// repositories, each once, through the contents API.
func (c *Client) DocReader(ctx context.Context) check.DocReader {
	var mu sync.Mutex
	type entry struct {
		data []byte
		err  error
	}
	cache := map[[3]string]entry{}
	return func(doc config.Document) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		key := [3]string{doc.Repo, doc.Path, doc.Ref}
		if e, ok := cache[key]; ok {
			return e.data, e.err
		}
		data, err := c.ReadFile(ctx, doc.Repo, doc.Path, doc.Ref)
		cache[key] = entry{data, err}
		return data, err
	}
}

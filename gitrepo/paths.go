package gitrepo

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// cleanPath checks that name is a slash-separated path inside the
// repository and returns it cleaned.
func cleanPath(name string) (string, error) {
	if name == "" {
		return "", errors.New("invalid path: empty")
	}
	if path.IsAbs(name) || filepath.IsAbs(name) || filepath.VolumeName(name) != "" {
		return "", fmt.Errorf("invalid path %q: absolute; paths are relative to the repository root", name)
	}
	p := path.Clean(name)
	switch {
	case p == ".":
		return "", fmt.Errorf("invalid path %q: names the repository root, not a file", name)
	case p == ".." || strings.HasPrefix(p, "../"):
		return "", fmt.Errorf("invalid path %q: escapes the repository root", name)
	}
	return p, nil
}

// Match reports whether the slash-separated name matches pattern. Each
// segment of pattern is matched against one segment of name as by
// path.Match (`*`, `?`, `[...]`, `\` escapes), except that a segment that is
// exactly `**` matches zero or more segments. A malformed pattern matches
// nothing.
func Match(pattern, name string) bool {
	pat, segs := strings.Split(pattern, "/"), strings.Split(name, "/")
	p, n := 0, 0
	star, resume := -1, 0 // the last ** seen and the name segment it is tried at next
	for n < len(segs) {
		switch {
		case p < len(pat) && pat[p] == "**":
			star, resume = p, n
			p++
		case p < len(pat) && matchSegment(pat[p], segs[n]):
			p++
			n++
		case star >= 0:
			resume++
			p, n = star+1, resume
		default:
			return false
		}
	}
	for p < len(pat) && pat[p] == "**" {
		p++
	}
	return p == len(pat)
}

func matchSegment(pattern, name string) bool {
	ok, err := path.Match(pattern, name)
	return ok && err == nil
}

// checkPattern rejects glob patterns that are malformed or reach outside
// the repository.
func checkPattern(pattern string) error {
	if pattern == "" || path.IsAbs(pattern) {
		return fmt.Errorf("invalid pattern %q: must be a relative path", pattern)
	}
	for _, seg := range strings.Split(pattern, "/") {
		if seg == ".." {
			return fmt.Errorf("invalid pattern %q: escapes the repository root", pattern)
		}
		if _, err := path.Match(seg, ""); err != nil {
			return fmt.Errorf("invalid pattern %q: %w", pattern, err)
		}
	}
	return nil
}

// literalDir is the directory part of pattern before its first segment with
// a wildcard: "deploy/**/*.json" gives "deploy", "*.md" gives "".
func literalDir(pattern string) string {
	segs := strings.Split(pattern, "/")
	n := 0
	for n < len(segs)-1 && !strings.ContainsAny(segs[n], `*?[\`) {
		n++
	}
	return strings.Join(segs[:n], "/")
}

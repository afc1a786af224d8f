package inert

import (
	"net/url"
	"strings"
)

// BlobURL is the address of a file of a GitHub repository at ref, at the
// anchor of a heading: server/owner/name/blob/ref/path#anchor, each part
// percent-encoded. server must be an http(s) URL with a host and nothing
// but a path after it (as $GITHUB_SERVER_URL is); "" when it is not, or
// when repo is not owner/name.
func BlobURL(server, repo, ref, path, anchor string) string {
	u, err := url.Parse(strings.TrimRight(server, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return ""
	}
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") || ref == "" || path == "" {
		return ""
	}
	segs := []string{owner, name, "blob"}
	segs = append(segs, strings.Split(ref, "/")...)
	segs = append(segs, strings.Split(path, "/")...)
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	s := u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/") + "/" + strings.Join(segs, "/")
	if anchor != "" {
		s += "#" + url.PathEscape(anchor)
	}
	return SafeURL(s)
}

// SafeURL returns u when a markdown link or an HTML attribute can carry it
// as it is: an absolute http(s) URL with no character that ends a link
// destination, opens HTML or is invisible (spaces, control characters,
// "<", ">", quotes, parentheses, backslashes, pipes); "" otherwise.
func SafeURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" || p.User != nil {
		return ""
	}
	for _, r := range u {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune("<>\"'()\\|`[]{}^", r) {
			return ""
		}
	}
	return u
}

// Link renders text as a markdown code span linked to u, for a table cell;
// just the code span when u is not a SafeURL.
func Link(text, u string) string {
	if text == "" {
		return ""
	}
	if u = SafeURL(u); u == "" {
		return CodeCell(text)
	}
	return "[" + CodeCell(text) + "](" + u + ")"
}

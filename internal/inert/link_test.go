package inert

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBlobURL(t *testing.T) {
	tests := []struct {
		server, repo, ref, path, anchor string
		want                            string
	}{
		{"https://github.com", "letsencrypt/cp-cps", "v6.2", "CP-CPS.md", "431-ca-actions-during-certificate-issuance",
			"https://github.com/letsencrypt/cp-cps/blob/v6.2/CP-CPS.md#431-ca-actions-during-certificate-issuance"},
		{"https://ghe.example.org/", "ca/cps", "release/6", "docs/CP CPS.md", "",
			"https://ghe.example.org/ca/cps/blob/release/6/docs/CP%20CPS.md"},
		{"https://ghe.example.org/prefix", "ca/cps", "v1", "a(b).md", "x)y",
			"https://ghe.example.org/prefix/ca/cps/blob/v1/a%28b%29.md#x%29y"},
		{"javascript:alert(1)", "ca/cps", "v1", "a.md", "", ""},
		{"https://user:pw@github.com", "ca/cps", "v1", "a.md", "", ""},
		{"https://github.com?x=1", "ca/cps", "v1", "a.md", "", ""},
		{"", "ca/cps", "v1", "a.md", "", ""},
		{"https://github.com", "cps", "v1", "a.md", "", ""},
		{"https://github.com", "a/b/c", "v1", "a.md", "", ""},
		{"https://github.com", "ca/cps", "", "a.md", "", ""},
		{"https://github.com", "ca/cps", "v1", "a.md", "é\n<script>",
			"https://github.com/ca/cps/blob/v1/a.md#%C3%A9%0A%3Cscript%3E"},
	}
	for _, tc := range tests {
		got := BlobURL(tc.server, tc.repo, tc.ref, tc.path, tc.anchor)
		if diff := cmp.Diff(got, tc.want); diff != "" {
			t.Errorf("BlobURL(%q, %q, %q, %q, %q) (-got +want):\n%s", tc.server, tc.repo, tc.ref, tc.path, tc.anchor, diff)
		}
	}
}

func TestLink(t *testing.T) {
	tests := []struct{ text, url, want string }{
		{"ca/cps@v1:CPS.md:55", "https://github.com/ca/cps/blob/v1/CPS.md#x", "[`ca/cps@v1:CPS.md:55`](https://github.com/ca/cps/blob/v1/CPS.md#x)"},
		{"a|b", "https://x.org/a", "[`a\\|b`](https://x.org/a)"},
		{"a", "https://x.org/a)b", "`a`"},
		{"a", "https://x.org/a b", "`a`"},
		{"a", "javascript:alert(1)", "`a`"},
		{"a", "", "`a`"},
		{"", "https://x.org/", ""},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(Link(tc.text, tc.url), tc.want); diff != "" {
			t.Errorf("Link(%q, %q) (-got +want):\n%s", tc.text, tc.url, diff)
		}
	}
}

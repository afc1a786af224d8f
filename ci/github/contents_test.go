package github

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/config"
)

const cpsText = "# Example CA CPS\n\n## 4.3 Certificate issuance\n\n### 4.3.1 CA actions during certificate issuance\n\nThe CA issues after validation.\n"

// contentFile is GitHub's example file response holding text, base64 in
// lines of 60 as GitHub sends it.
func contentFile(t *testing.T, path, text string) object {
	f := fixture(t, "api-repos-get-content.json").(object)
	enc := base64.StdEncoding.EncodeToString([]byte(text))
	var lines []string
	for len(enc) > 60 {
		lines, enc = append(lines, enc[:60]), enc[60:]
	}
	f["content"] = strings.Join(append(lines, enc), "\n") + "\n"
	f["size"] = len(text)
	f["path"] = path
	return f
}

func TestReadFile(t *testing.T) {
	big := strings.Repeat("x", 1<<20+5)
	bigMeta := contentFile(t, "docs/BIG.md", "")
	bigMeta["content"], bigMeta["encoding"], bigMeta["size"] = "", "none", len(big)
	dir := []any{contentFile(t, "docs/a.md", "a")}
	for _, tc := range []struct {
		name            string
		repo, path, ref string
		calls           []call
		want, err       string
	}{
		{
			name: "file at a ref", repo: "ca/policy", path: "docs/CP-CPS.md", ref: "v5.3",
			calls: []call{{method: "GET", path: "/repos/ca/policy/contents/docs/CP-CPS.md", query: "ref=v5.3", resp: contentFile(t, "docs/CP-CPS.md", cpsText)}},
			want:  cpsText,
		},
		{
			name: "default branch, a path to escape", repo: "ca/policy", path: "docs/CP CPS#1.md",
			calls: []call{{method: "GET", path: "/repos/ca/policy/contents/docs/CP%20CPS%231.md", resp: contentFile(t, "docs/CP CPS#1.md", cpsText)}},
			want:  cpsText,
		},
		{
			name: "over 1 MB: raw", repo: "ca/policy", path: "docs/BIG.md", ref: "main",
			calls: []call{
				{method: "GET", path: "/repos/ca/policy/contents/docs/BIG.md", query: "ref=main", resp: bigMeta},
				{method: "GET", path: "/repos/ca/policy/contents/docs/BIG.md", query: "ref=main", accept: "application/vnd.github.raw+json", rawResp: big},
			},
			want: big,
		},
		{
			name: "not found", repo: "ca/policy", path: "docs/CPS.md", ref: "main",
			calls: []call{{method: "GET", path: "/repos/ca/policy/contents/docs/CPS.md", query: "ref=main", status: 404, rawResp: `{"message":"Not Found"}`}},
			err: "reading docs/CPS.md in repository ca/policy at main: not found, or the token may not read that repository " +
				"(GITHUB_TOKEN reads only the repository of the workflow; pass a token with contents: read on ca/policy): " +
				"GET /repos/ca/policy/contents/docs/CPS.md?ref=main: 404 Not Found: Not Found",
		},
		{
			name: "a directory", repo: "ca/policy", path: "docs",
			calls: []call{{method: "GET", path: "/repos/ca/policy/contents/docs", resp: dir}},
			err:   "reading docs in repository ca/policy: it is a directory, not a file",
		},
		{
			name: "bad repository", repo: "policy", path: "CPS.md",
			err: "reading CPS.md in repository policy: repository must be owner/name",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, "/api/v3", tc.calls...)
			got, err := f.client(&sleeps{}).ReadFile(context.Background(), tc.repo, tc.path, tc.ref)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Errorf("error %v\nwant %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(got), tc.want); diff != "" {
				t.Errorf("mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

// TestDocReader reads each document once, however often the check asks.
func TestDocReader(t *testing.T) {
	f := newFake(t, "",
		call{method: "GET", path: "/repos/ca/policy/contents/CPS.md", query: "ref=main", resp: contentFile(t, "CPS.md", cpsText)},
	)
	read := f.client(&sleeps{}).DocReader(context.Background())
	doc := config.Document{Repo: "ca/policy", Path: "CPS.md", Ref: "main"}
	for range 2 {
		got, err := read(doc)
		if err != nil || string(got) != cpsText {
			t.Errorf("read = %q, %v", got, err)
		}
	}
}

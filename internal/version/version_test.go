package version

import (
	"encoding/json"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
	opaversion "github.com/open-policy-agent/opa/v1/version"
)

// buildInfo is the build information of a `go install` or pre-commit
// build at a tagged, clean revision.
func buildInfo() *debug.BuildInfo {
	return &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Path:      "github.com/cpsgate/cpsgate/cmd/cpsgate",
		Main:      debug.Module{Path: "github.com/cpsgate/cpsgate", Version: "v1.2.3"},
		Deps: []*debug.Module{
			{Path: "github.com/google/go-cmp", Version: "v0.7.0"},
			{Path: "github.com/open-policy-agent/opa", Version: "v1.22.2"},
			{Path: "github.com/open-policy-agent/opa/extra", Version: "v9.9.9"},
		},
		Settings: []debug.BuildSetting{
			{Key: "-trimpath", Value: "true"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-11-30T11:53:58Z"},
			{Key: "vcs.modified", Value: "false"},
		},
	}
}

func TestFromBuildInfo(t *testing.T) {
	opa := "v" + opaversion.Version
	for _, tc := range []struct {
		name string
		ld   Linked
		bi   func() *debug.BuildInfo
		want Info
	}{
		{
			name: "go install of a tag: everything from the build info",
			bi:   buildInfo,
			want: Info{Version: "v1.2.3", Commit: "0123456789abcdef0123456789abcdef01234567",
				Date: "2026-11-30T11:53:58Z", Go: "go1.26.8", OPA: "v1.22.2"},
		},
		{
			name: "release build: the link-time values win",
			ld:   Linked{Version: "v2.0.0", Commit: "fedcba", Date: "2027-01-02T03:04:05Z"},
			bi:   buildInfo,
			want: Info{Version: "v2.0.0", Commit: "fedcba", Date: "2027-01-02T03:04:05Z", Go: "go1.26.8", OPA: "v1.22.2"},
		},
		{
			name: "link-time version only: commit and date from the build info",
			ld:   Linked{Version: "v2.0.0"},
			bi:   buildInfo,
			want: Info{Version: "v2.0.0", Commit: "0123456789abcdef0123456789abcdef01234567",
				Date: "2026-11-30T11:53:58Z", Go: "go1.26.8", OPA: "v1.22.2"},
		},
		{
			name: "go build in a dirty checkout",
			bi: func() *debug.BuildInfo {
				bi := buildInfo()
				bi.Main.Version = "v1.2.4-0.20261130115358-0123456789ab+dirty"
				bi.Settings[len(bi.Settings)-1].Value = "true"
				return bi
			},
			want: Info{Version: "v1.2.4-0.20261130115358-0123456789ab+dirty", Commit: "0123456789abcdef0123456789abcdef01234567",
				Date: "2026-11-30T11:53:58Z", Modified: true, Go: "go1.26.8", OPA: "v1.22.2"},
		},
		{
			name: "(devel) without vcs: dev",
			bi: func() *debug.BuildInfo {
				bi := buildInfo()
				bi.Main.Version = "(devel)"
				bi.Settings = nil
				return bi
			},
			want: Info{Version: "dev", Go: "go1.26.8", OPA: "v1.22.2"},
		},
		{
			name: "replaced OPA: the replacement's version",
			bi: func() *debug.BuildInfo {
				bi := buildInfo()
				bi.Deps[1].Replace = &debug.Module{Path: "example.org/opa-fork", Version: "v1.22.3-fork"}
				return bi
			},
			want: Info{Version: "v1.2.3", Commit: "0123456789abcdef0123456789abcdef01234567",
				Date: "2026-11-30T11:53:58Z", Go: "go1.26.8", OPA: "v1.22.3-fork"},
		},
		{
			name: "replaced OPA by a directory: the required version",
			bi: func() *debug.BuildInfo {
				bi := buildInfo()
				bi.Deps[1].Replace = &debug.Module{Path: "../opa"}
				return bi
			},
			want: Info{Version: "v1.2.3", Commit: "0123456789abcdef0123456789abcdef01234567",
				Date: "2026-11-30T11:53:58Z", Go: "go1.26.8", OPA: "v1.22.2"},
		},
		{
			name: "no build info: dev, the running Go, OPA's declared version",
			bi:   func() *debug.BuildInfo { return nil },
			want: Info{Version: "dev", Go: runtime.Version(), OPA: opa},
		},
		{
			name: "no build info, link-time values",
			ld:   Linked{Version: "v2.0.0", Commit: "fedcba", Date: "2027-01-02T03:04:05Z"},
			bi:   func() *debug.BuildInfo { return nil },
			want: Info{Version: "v2.0.0", Commit: "fedcba", Date: "2027-01-02T03:04:05Z", Go: runtime.Version(), OPA: opa},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := FromBuildInfo(tc.ld, tc.bi())
			if diff := cmp.Diff(got, tc.want); diff != "" {
				t.Errorf("FromBuildInfo mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestGetUsesLinkedValues(t *testing.T) {
	saved := [3]string{version, commit, date}
	t.Cleanup(func() { version, commit, date = saved[0], saved[1], saved[2] })
	version, commit, date = "v9.8.7", "abc123", "2027-01-02T03:04:05Z"
	got := Get()
	want := Linked{Version: "v9.8.7", Commit: "abc123", Date: "2027-01-02T03:04:05Z"}
	if diff := cmp.Diff(Linked{Version: got.Version, Commit: got.Commit, Date: got.Date}, want); diff != "" {
		t.Errorf("Get mismatch (-got +want):\n%s", diff)
	}
	if got.Go != runtime.Version() {
		t.Errorf("Get().Go = %q, want the running %q", got.Go, runtime.Version())
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct {
		info Info
		want string
	}{
		{
			Info{Version: "v1.2.3", Commit: "0123abc", Date: "2026-11-30T11:53:58Z", Go: "go1.26.8", OPA: "v1.22.2"},
			"cpsgate v1.2.3\ncommit: 0123abc\ndate:   2026-11-30T11:53:58Z\ngo:     go1.26.8\nopa:    v1.22.2\n",
		},
		{
			Info{Version: "dev", Commit: "0123abc", Modified: true, Go: "go1.26.8", OPA: "v1.22.2"},
			"cpsgate dev\ncommit: 0123abc (modified)\ndate:   unknown\ngo:     go1.26.8\nopa:    v1.22.2\n",
		},
		{
			Info{Version: "dev", Go: "go1.26.8", OPA: "v1.22.2"},
			"cpsgate dev\ncommit: unknown\ndate:   unknown\ngo:     go1.26.8\nopa:    v1.22.2\n",
		},
	} {
		if diff := cmp.Diff(tc.info.Text(), tc.want); diff != "" {
			t.Errorf("Text(%+v) mismatch (-got +want):\n%s", tc.info, diff)
		}
	}
}

// TestJSONFields pins the names of `cpsgate version --format json`, which
// scripts (and .ci/run) read.
func TestJSONFields(t *testing.T) {
	data, err := json.Marshal(Info{Version: "v1.2.3", Commit: "c", Date: "d", Modified: true, Go: "go1.26.8", OPA: "v1.22.2"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"version":"v1.2.3","commit":"c","date":"d","modified":true,"go_version":"go1.26.8","opa_version":"v1.22.2"}`
	if diff := cmp.Diff(string(data), want); diff != "" {
		t.Errorf("JSON mismatch (-got +want):\n%s", diff)
	}
}

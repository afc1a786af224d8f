// Package version tells which build of cpsgate is running: its version,
// commit and date, and the versions of Go and OPA it was built with.
//
// A release build sets the version, commit and date at link time (see
// .goreleaser.yaml):
//
//	-X github.com/cpsgate/cpsgate/internal/version.version=v1.2.3
//	-X github.com/cpsgate/cpsgate/internal/version.commit=<full sha>
//	-X github.com/cpsgate/cpsgate/internal/version.date=<RFC 3339>
//
// Any other build (go install, pre-commit, go build in a checkout) takes
// them from the build information the Go toolchain embeds: the module
// version and the vcs.revision, vcs.time and vcs.modified settings.
package version

import (
	"runtime"
	"runtime/debug"
	"strings"

	opaversion "github.com/open-policy-agent/opa/v1/version"
)

// Set at link time with -X; empty in a build without -ldflags.
var (
	version string
	commit  string
	date    string
)

// opaModule is the module path whose version is reported as OPA's.
const opaModule = "github.com/open-policy-agent/opa"

// Info describes a build. Empty strings mean the build did not record it.
type Info struct {
	Version  string `json:"version"`
	Commit   string `json:"commit"`
	Date     string `json:"date"`
	Modified bool   `json:"modified"` // built from a work tree with uncommitted changes
	Go       string `json:"go_version"`
	OPA      string `json:"opa_version"`
}

// Linked holds the values set at link time.
type Linked struct {
	Version, Commit, Date string
}

// Get returns the running binary's Info.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return FromBuildInfo(Linked{Version: version, Commit: commit, Date: date}, bi)
}

// FromBuildInfo builds an Info from the link-time values ld, which win where
// set, and the embedded build information bi (nil when the binary has none).
func FromBuildInfo(ld Linked, bi *debug.BuildInfo) Info {
	info := Info{Version: ld.Version, Commit: ld.Commit, Date: ld.Date}
	if bi != nil {
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if info.Commit == "" {
					info.Commit = s.Value
				}
			case "vcs.time":
				if info.Date == "" {
					info.Date = s.Value
				}
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
		info.Go = bi.GoVersion
		for _, d := range bi.Deps {
			if d.Path != opaModule {
				continue
			}
			info.OPA = d.Version
			if d.Replace != nil && d.Replace.Version != "" {
				info.OPA = d.Replace.Version
			}
		}
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	if info.Go == "" {
		info.Go = runtime.Version()
	}
	if info.OPA == "" {
		// No dependency list (a test binary, or a build without module
		// information): the version OPA's own package declares.
		info.OPA = "v" + strings.TrimPrefix(opaversion.Version, "v")
	}
	return info
}

// Text renders info as the `cpsgate version` command prints it.
func (info Info) Text() string {
	var b strings.Builder
	b.WriteString("cpsgate " + info.Version + "\n")
	line := func(k, v string) {
		if v == "" {
			v = "unknown"
		}
		b.WriteString(k + v + "\n")
	}
	commit := info.Commit
	if commit != "" && info.Modified {
		commit += " (modified)"
	}
	line("commit: ", commit)
	line("date:   ", info.Date)
	line("go:     ", info.Go)
	line("opa:    ", info.OPA)
	return b.String()
}

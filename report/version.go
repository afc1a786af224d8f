package report

import (
	"bytes"
	"regexp"
	"strings"
	"time"

	"github.com/cpsgate/cpsgate/cps"
)

// Sources of a CPS version.
const (
	SourceFrontMatter   = "front-matter"
	SourceRevisionTable = "revision-table"
	SourceTag           = "tag"
	// SourceRef and SourceCommit name the version of a CPS kept in another
	// repository by the ref: of the configuration, or the commit read, when
	// neither the document nor a tag names it.
	SourceRef    = "ref"
	SourceCommit = "commit"
)

// versionKey matches the version key of YAML front matter.
var versionKey = regexp.MustCompile(`^version:\s*["']?([^"'#]+?)["']?\s*(#.*)?$`)

// DetectVersion returns the version a CPS document states: the `version:`
// key of its YAML front matter, else the highest version in a revision
// table (a markdown table with a "Version" column), else "".
func DetectVersion(src []byte) (version, source string) {
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	if bytes.IndexByte(src, '|') < 0 {
		// No table row: only front matter can state the version.
		first, _, _ := bytes.Cut(src, []byte("\n"))
		if string(bytes.TrimSpace(first)) != "---" {
			return "", ""
		}
	}
	lines := readLines(src)
	if len(lines) > 0 && strings.TrimSpace(lines[0]) == "---" {
		for _, l := range lines[1:] {
			if t := strings.TrimSpace(l); t == "---" || t == "..." {
				break
			}
			if m := versionKey.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
				return strings.TrimSpace(m[1]), SourceFrontMatter
			}
		}
	}
	col := -1
	for i := 0; i+1 < len(lines); i++ {
		if col < 0 {
			if cells := tableCells(lines[i]); cells != nil && isSeparator(lines[i+1]) {
				for k, c := range cells {
					if strings.EqualFold(strings.Trim(c, "* "), "version") {
						col = k
						i++ // skip the separator
						break
					}
				}
			}
			continue
		}
		cells := tableCells(lines[i])
		if cells == nil {
			col = -1 // the table ended; another may follow
			continue
		}
		if col < len(cells) {
			v := strings.Trim(cells[col], "* `")
			if v != "" && (version == "" || cps.CompareIDs(v, version) > 0) {
				version, source = v, SourceRevisionTable
			}
		}
	}
	if col >= 0 && len(lines) > 0 {
		if cells := tableCells(lines[len(lines)-1]); cells != nil && col < len(cells) {
			v := strings.Trim(cells[col], "* `")
			if v != "" && (version == "" || cps.CompareIDs(v, version) > 0) {
				version, source = v, SourceRevisionTable
			}
		}
	}
	return version, source
}

// readLines splits src into lines as bufio.ScanLines does, without their
// trailing carriage returns; the lines share one string.
func readLines(src []byte) []string {
	s := string(src)
	lines := make([]string, 0, strings.Count(s, "\n")+1)
	for len(s) > 0 {
		line, rest, found := strings.Cut(s, "\n")
		lines = append(lines, strings.TrimSuffix(strings.TrimSuffix(line, "\r"), "\r"))
		if !found {
			break
		}
		s = rest
	}
	return lines
}

// tableCells splits a markdown table row, or returns nil.
func tableCells(line string) []string {
	t := strings.TrimSpace(line)
	if !strings.HasPrefix(t, "|") {
		return nil
	}
	t = strings.TrimSuffix(strings.TrimPrefix(t, "|"), "|")
	cells := strings.Split(t, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

// isSeparator reports whether line is the delimiter row of a table.
func isSeparator(line string) bool {
	cells := tableCells(line)
	if cells == nil {
		return false
	}
	for _, c := range cells {
		if strings.Trim(c, ":- ") != "" || !strings.Contains(c, "-") {
			return false
		}
	}
	return true
}

// versions lists the CPS versions in force during the period.
func (b *builder) versions() {
	current := map[string]string{}
	for _, v := range b.in.StartVersions {
		if v.Version == "" {
			continue
		}
		current[v.File] = v.Version
		b.rep.Versions = append(b.rep.Versions, Version{File: v.File, Version: v.Version, Source: v.Source, Since: b.startSince(), Commit: b.in.Base})
	}
	for _, s := range b.in.Steps {
		for _, v := range s.Versions {
			if v.Version == "" || current[v.File] == v.Version {
				continue
			}
			current[v.File] = v.Version
			b.rep.Versions = append(b.rep.Versions, Version{File: v.File, Version: v.Version, Source: v.Source,
				Since: s.Commit.Date.UTC().Format(time.DateOnly), Commit: s.Commit.SHA})
		}
	}
	if len(b.rep.Versions) > 0 {
		return
	}
	for i, t := range b.in.Tags {
		since := t.Date.UTC().Format(time.DateOnly)
		if i == 0 && t.Commit == b.in.Base {
			since = b.in.From
		}
		b.rep.Versions = append(b.rep.Versions, Version{Version: t.Name, Source: SourceTag, Since: since, Commit: t.Commit})
	}
}

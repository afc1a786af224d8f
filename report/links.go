package report

import (
	"cmp"
	"strconv"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/internal/inert"
)

// Links says where the report links CPS sections.
type Links struct {
	// Server is the GitHub server ($GITHUB_SERVER_URL, default
	// https://github.com).
	Server string
	// Repository is this repository as owner/name ($GITHUB_REPOSITORY):
	// sections of a CPS kept in it are linked at the commit of the event;
	// "" leaves them unlinked.
	Repository string
}

// LinksFromEnv reads Links from the environment of a GitHub Actions run.
func LinksFromEnv(getenv func(string) string) Links {
	return Links{Server: cmp.Or(getenv("GITHUB_SERVER_URL"), "https://github.com"), Repository: getenv("GITHUB_REPOSITORY")}
}

// RemoteDoc is a CPS document kept in another repository, by the name its
// sections carry (config.Document.Name: owner/name@ref:path).
type RemoteDoc struct {
	Repo, Ref, Path string
}

// where names a section as owner/name@ref:path:line and links its heading
// on GitHub at that ref; at commit for a document of this repository.
// Both are "" when the section cannot be named so.
func (b *builder) where(sec *cps.Section, commit string) (loc, url string) {
	if sec == nil {
		return "", ""
	}
	line := ":" + strconv.Itoa(sec.Pos.Line)
	if d, ok := b.in.Remote[sec.Pos.File]; ok {
		ref := cmp.Or(d.Ref, "HEAD")
		return sec.Pos.File + line, inert.BlobURL(b.in.Links.Server, d.Repo, ref, d.Path, sec.Anchor)
	}
	if b.in.Links.Repository == "" || commit == "" {
		return "", ""
	}
	return b.in.Links.Repository + "@" + short(commit) + ":" + sec.Pos.File + line,
		inert.BlobURL(b.in.Links.Server, b.in.Links.Repository, commit, sec.Pos.File, sec.Anchor)
}

// links names and links the sections of the events, of the sections
// changed and of the reviewed texts, in the CPS version they refer to.
func (b *builder) links() {
	step := map[string]int{}
	for i, s := range b.in.Steps {
		step[s.Commit.SHA] = i
	}
	event := func(e *Event) {
		i, ok := step[e.Commit]
		if e.Subject != SubjectSection || !ok {
			return
		}
		secs := b.data[i].after
		if e.Change == cps.Removed {
			secs = b.data[i].before
		}
		if sec := secs[e.Section]; sec != nil && sec.Pos.File == e.File {
			e.Location, e.URL = b.where(sec, e.Commit)
		}
	}
	for k := range b.rep.Events {
		event(&b.rep.Events[k])
	}
	for k := range b.rep.Unreviewed {
		event(&b.rep.Unreviewed[k])
	}
	for k := range b.rep.Sections {
		s := &b.rep.Sections[k]
		s.Location, s.URL = b.where(section(b.final, s.ID), b.in.Head)
	}
	for k := range b.rep.Texts {
		t := &b.rep.Texts[k]
		if i, ok := step[t.Commit]; ok {
			t.Location, t.URL = b.where(b.data[i].after[t.Section], t.Commit)
		}
	}
}

// section is the section id of st, or nil.
func section(st *check.State, id string) *cps.Section {
	if st == nil {
		return nil
	}
	return st.Sections[id]
}

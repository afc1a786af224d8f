package report

import (
	"strconv"
	"time"

	"github.com/cpsgate/cpsgate/internal/inert"
)

// Adoption is the commit of the period that adopted cpsgate (added the
// configuration to a repository that had none). The report starts from the
// state it left: the flags and CPS sections present at adoption are the
// inventory the period starts from, not changes of the period.
type Adoption struct {
	Commit   string `json:"commit"`
	Date     string `json:"date"` // committer date, RFC 3339, UTC
	Author   string `json:"author"`
	Subject  string `json:"commit_subject"`
	Flags    int    `json:"flags"`    // flags known at adoption
	Sections int    `json:"sections"` // CPS sections at adoption
}

// Retroactive names the configuration a report applied to every commit of
// the period (report --config-rev REF), in place of each commit's own: to
// report on history from before adoption.
type Retroactive struct {
	Ref    string `json:"ref"`    // as given
	Commit string `json:"commit"` // the commit the configuration was read at
}

// adoptionBaseline starts the period at the first step that adopts
// cpsgate, when there is one: the state after it becomes the start, and
// the steps up to it (which had no configuration, so no events) are
// dropped, as are the additions of everything present at adoption. in.Base
// becomes the adoption commit; the caller keeps the period's own base.
func adoptionBaseline(in Input) (Input, *Adoption) {
	for i, s := range in.Steps {
		if !s.Adopts {
			continue
		}
		a := &Adoption{Commit: s.Commit.SHA, Date: s.Commit.Date.UTC().Format(time.RFC3339), Author: s.Commit.Author,
			Subject: s.Commit.Subject, Flags: len(flagNames(s.After)), Sections: len(s.After.Sections)}
		in.Base, in.Start, in.StartVersions = s.Commit.SHA, s.After, s.Versions
		in.StartProblems = append(append([]string(nil), in.StartProblems...), s.Problems...)
		in.Steps = in.Steps[i+1:]
		return in, a
	}
	return in, nil
}

// startSince is when the versions in force at the start of the period came
// into force for the report: the start of the period, or the adoption.
func (b *builder) startSince() string {
	if a := b.rep.Adoption; a != nil {
		return day(a.Date)
	}
	return b.in.From
}

// scope is the paragraph that says what the report covers when the period
// contains the adoption or the report applies another configuration; "" else.
// It is markdown, its repository text escaped.
func scope(r *Report) string {
	s := ""
	if a := r.Adoption; a != nil {
		s += "cpsgate was adopted in the period, by commit " + inert.Code(short(a.Commit)) + " on " + day(a.Date) +
			" (" + inert.Markdown(a.Subject) + "). The report starts from that state: the " + strconv.Itoa(a.Flags) + " flag(s) and " +
			strconv.Itoa(a.Sections) + " CPS section(s) present at adoption are the inventory, not changes of the period, and the commits before it, which had no configuration, are not read. To report on them, run report with --config-rev and a configured revision."
	}
	if c := r.Retroactive; c != nil {
		if s != "" {
			s += " "
		}
		s += "Every commit of the period is read with the configuration at " + inert.Code(c.Ref) + " (commit " + inert.Code(short(c.Commit)) +
			"), retroactively, not with its own: flags, links and reviews are those that configuration finds."
	}
	if s == "" {
		return ""
	}
	return "**Scope.** " + s
}

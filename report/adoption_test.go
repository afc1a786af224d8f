package report

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/flags"
)

// TestAdoptionBaseline prepends to the sample the commit that adopts
// cpsgate: the report starts from the state it left, so its events are the
// sample's, with nothing "added".
func TestAdoptionBaseline(t *testing.T) {
	in := sample(t)
	empty := &check.State{Sections: map[string]*cps.Section{}, Inventory: &flags.Inventory{}}
	adopt := Step{Commit: Commit{SHA: strings.Repeat("a", 40), Date: time.Date(2024, 1, 20, 9, 0, 0, 0, time.UTC), Author: "alice", Subject: "Adopt cpsgate (#7)"},
		Before: empty, After: in.Start, Versions: in.StartVersions, Adopts: true}
	in.Steps = append([]Step{adopt}, in.Steps...)
	in.Start, in.StartVersions = empty, nil
	rep := mustBuild(t, in)

	want := &Adoption{Commit: adopt.Commit.SHA, Date: "2024-01-20T09:00:00Z", Author: "alice", Subject: "Adopt cpsgate (#7)", Flags: 2, Sections: 3}
	if diff := cmp.Diff(rep.Adoption, want); diff != "" {
		t.Errorf("adoption (-got +want):\n%s", diff)
	}
	var got []string
	for _, e := range rep.Events {
		got = append(got, What(e))
	}
	if diff := cmp.Diff(got, []string{"Async enabled in deploy/prod.json", "Async reviewed by bob: compliant (§4.3.1)", `§4.3.1 modified "CA actions"`}); diff != "" {
		t.Errorf("events (-got +want):\n%s", diff)
	}
	if rep.Base != in.Base {
		t.Errorf("base %q, want the period's %q", rep.Base, in.Base)
	}
	if diff := cmp.Diff(rep.Versions[0], Version{File: "docs/CPS.md", Version: "1.0", Source: SourceFrontMatter, Since: "2024-01-20", Commit: adopt.Commit.SHA}); diff != "" {
		t.Errorf("first version (-got +want):\n%s", diff)
	}
	if !strings.Contains(scope(rep), "adopted in the period, by commit `aaaaaaaaaaaa` on 2024-01-20") {
		t.Errorf("scope: %q", scope(rep))
	}
	if scope(mustBuild(t, sample(t))) != "" {
		t.Error("a period without adoption has a Scope paragraph")
	}
}

// TestLinks names and links the sections of a CPS kept in this repository
// when the repository is known, and not otherwise.
func TestLinks(t *testing.T) {
	for _, tc := range []struct {
		name     string
		links    Links
		loc, url string
	}{
		{"no repository", Links{Server: "https://github.com"}, "", ""},
		{"github.com", Links{Server: "https://github.com", Repository: "ca/ca"},
			"ca/ca@222222222222:docs/CPS.md:4", "https://github.com/ca/ca/blob/" + strings.Repeat("2", 40) + "/docs/CPS.md#431-ca-actions"},
		{"an unsafe server", Links{Server: "javascript:alert(1)//", Repository: "ca/ca"}, "ca/ca@222222222222:docs/CPS.md:4", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := sample(t)
			in.Links = tc.links
			rep := mustBuild(t, in)
			var got [][2]string
			for _, e := range rep.Events {
				if e.Subject == SubjectSection {
					got = append(got, [2]string{e.Location, e.URL})
				}
			}
			for _, s := range rep.Sections {
				got = append(got, [2]string{s.Location, s.URL})
			}
			want := [][2]string{{tc.loc, tc.url}, {tc.loc, tc.url}}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("locations (-got +want):\n%s", diff)
			}
		})
	}
}

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/gitrepo"
	"github.com/cpsgate/cpsgate/history"
	"github.com/cpsgate/cpsgate/policies"
	"github.com/cpsgate/cpsgate/report"
	"github.com/cpsgate/cpsgate/result"
	"github.com/cpsgate/cpsgate/review"
	"github.com/cpsgate/cpsgate/revision"
)

// TestCheckAndReportAgree is the property that check and report hold one
// model of a change: on a scripted history (seeded, ~60 commits per seed:
// sections renumbered by insertions and deletions, with or without the
// registry's links following; sections retitled and reworded; flags added,
// removed, enabled, disabled and relinked; reviews in the registry, in
// cps-review blocks of the pull-request description that a squash merge
// carries into the commit message, and in "CPS Compliance Review:"
// paragraphs, some by the change's own author, some late, some with no
// valid verdict), `check` of every commit against its parent and `report`
// over the whole range agree on each commit's events (flag and section
// changes) and on what it left unreviewed (the deny findings that a review
// resolves; for the report, what is still missing or was reviewed only in
// a later commit).
//
// Before the report followed the policies (it judged reviews in Go), the
// two disagreed on whether anything was left unreviewed at 14, 11, 15 and
// 18 of the 60 commits of seeds 1 to 4 (self-reviews, removed flags, links
// left on a moved or a parent section); their events already agreed.
func TestCheckAndReportAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("builds four histories of 60 commits")
	}
	for seed := uint64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			g := newAgreeHistory(seed)
			commits := g.write(t, dir, 60)
			bad := agree(t, dir, commits)
			if len(bad) > 0 {
				t.Errorf("check and report disagree on %d of %d commits", len(bad), len(commits)-1)
			}
		})
	}
}

// agree compares check and report on every commit after the first; it
// returns the commits where they disagree, each reported as an error.
func agree(t *testing.T, dir string, commits []agreeCommit) []string {
	t.Helper()
	ctx := context.Background()
	repo, err := gitrepo.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	eng, err := policies.New(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	builtins := check.BuiltinEngine(eng)
	in, err := history.Load(ctx, repo, history.Options{From: commits[0].sha, To: commits[len(commits)-1].sha, Branch: "HEAD", Config: ".cpsgate.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := report.Build(ctx, *in)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 {
		t.Fatalf("the report could not read the history: %+v", rep.Problems)
	}
	// The report of steps prepared as they are read (what the command does)
	// is the report of the whole states.
	prepared, err := history.Load(ctx, repo, history.Options{From: commits[0].sha, To: commits[len(commits)-1].sha, Branch: "HEAD", Config: ".cpsgate.yaml", Prepare: report.Prepare})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range prepared.Steps {
		if s.Before != nil && !s.Adopts {
			t.Fatalf("step %s keeps its states", s.Commit.SHA)
		}
	}
	if rep2, err := report.Build(ctx, *prepared); err != nil {
		t.Fatal(err)
	} else if diff := cmp.Diff(rep2, rep, cmp.AllowUnexported(report.Report{})); diff != "" {
		t.Errorf("the report of prepared steps differs (-prepared +whole):\n%s", diff)
	}
	var bad []string
	withEvents, withOpen := 0, 0
	defer func() {
		t.Logf("%d commits: %d with flag or section events, %d with something unreviewed at the commit", len(commits)-1, withEvents, withOpen)
	}()
	for i := 1; i < len(commits); i++ {
		c := commits[i]
		base, head, err := revision.Select(repo, commits[i-1].sha, c.sha, false)
		if err != nil {
			t.Fatal(err)
		}
		ch, err := check.NewChange(".cpsgate.yaml", c.author, nil)
		if err != nil {
			t.Fatal(err)
		}
		// The description as a squash merge carries it: the commit
		// message, under the name the report gives it.
		ch.Reviews, ch.Paragraphs, err = review.ParseBody("commit "+report.Short(c.sha)+" message", []byte(c.message))
		if err != nil {
			t.Fatalf("commit %d: %v", i, err)
		}
		ch.Today = time.Now().UTC().Format(time.DateOnly)
		if ch.BaseDate, err = revision.BaseDate(repo, base); err != nil {
			t.Fatal(err)
		}
		out, err := check.Evaluate(ctx, base, head, ".cpsgate.yaml", ch, nil, builtins)
		if err != nil {
			t.Fatalf("check of commit %d (%s): %v", i, c.what, err)
		}
		checkEvents, checkOpen := checkSide(out.Result)
		repEvents, repOpen := reportSide(rep, c.sha)
		if len(checkEvents) > 0 {
			withEvents++
		}
		if len(checkOpen) > 0 {
			withOpen++
		}
		d1, d2 := cmp.Diff(repEvents, checkEvents), cmp.Diff(repOpen, checkOpen)
		if d1 != "" || d2 != "" {
			bad = append(bad, c.sha)
			t.Errorf("commit %d (%s, by %s): report and check disagree\nevents (-report +check):\n%s\nunreviewed (-report +check):\n%s", i, c.what, c.author, d1, d2)
		}
	}
	return bad
}

// checkSide is what check says of a commit: its events, and the
// findings a review resolves, as the report names them (report.Need).
func checkSide(res *result.Result) (events, open []string) {
	for _, c := range res.FlagChanges {
		events = append(events, "flag "+c.Change+" "+c.Flag+" "+c.Environment)
	}
	for _, c := range res.CPSChanges {
		events = append(events, "section "+c.Change+" "+c.Section+" "+c.OldSection)
	}
	changed := map[string]bool{}
	for _, c := range res.FlagChanges {
		changed[c.Flag] = true
	}
	var deny []result.Finding
	for _, f := range res.Findings {
		if f.Severity == result.Deny {
			deny = append(deny, f)
		}
	}
	for _, f := range report.Open(deny, changed) {
		open = append(open, report.Need(f))
	}
	return sortedSet(events), sortedSet(open)
}

// reportSide is what the report says of a commit: its flag and section
// events, and what was missing at the commit (still missing, or reviewed
// only later).
func reportSide(rep *report.Report, sha string) (events, open []string) {
	for _, e := range rep.Events {
		if e.Commit != sha {
			continue
		}
		switch e.Subject {
		case report.SubjectFlag:
			events = append(events, "flag "+e.Change+" "+e.Flag+" "+e.Environment)
		case report.SubjectSection:
			events = append(events, "section "+e.Change+" "+e.Section+" "+e.OldSection)
		}
		open = append(open, e.Missing...)
		for _, r := range e.ReviewedBy {
			if r.Late {
				open = append(open, r.Flag+" §"+r.Section)
			}
		}
	}
	return sortedSet(events), sortedSet(open)
}

func sortedSet(s []string) []string {
	slices.Sort(s)
	s = slices.Compact(s)
	if s == nil {
		return []string{}
	}
	return s
}

// agreeCommit is one commit of the scripted history.
type agreeCommit struct {
	sha, author, message, what string
}

// agreeSection is a CPS section of the scripted history: its key stays as
// its number changes.
type agreeSection struct {
	key, rev    int
	title, body string
	kids        []*agreeSection
}

type agreeFlag struct {
	name    string
	links   []string
	reviews []string // registry review entries, as YAML
	inCode  bool
	status  string
}

// agreeHistory generates the history from a seeded PCG.
type agreeHistory struct {
	rng      *rand.Rand
	chapters [][]*agreeSection // the level-2 sections of chapters 1..6
	flags    []*agreeFlag
	env      map[string]map[string]bool // environment -> flag -> value
	nextKey  int
	nextFlag int
	day      time.Time
}

var agreePeople = []string{"alice", "bob", "carol", "dave"}

var agreeChapters = []string{"INTRODUCTION", "PUBLICATION AND REPOSITORY RESPONSIBILITIES", "IDENTIFICATION AND AUTHENTICATION",
	"CERTIFICATE LIFE-CYCLE OPERATIONAL REQUIREMENTS", "FACILITY, MANAGEMENT, AND OPERATIONAL CONTROLS", "TECHNICAL SECURITY CONTROLS"}

func newAgreeHistory(seed uint64) *agreeHistory {
	g := &agreeHistory{rng: rand.New(rand.NewPCG(seed, 0x5eed)), env: map[string]map[string]bool{"prod": {}, "staging": {}}}
	g.day, _ = time.Parse(time.DateOnly, "2025-01-01")
	for range agreeChapters {
		var secs []*agreeSection
		for k := range 3 {
			s := g.section()
			if k == 1 {
				s.kids = []*agreeSection{g.section(), g.section()}
			}
			secs = append(secs, s)
		}
		g.chapters = append(g.chapters, secs)
	}
	for range 4 {
		g.addFlag()
	}
	return g
}

func (g *agreeHistory) section() *agreeSection {
	g.nextKey++
	return &agreeSection{key: g.nextKey, title: fmt.Sprintf("Practice %d", g.nextKey), body: fmt.Sprintf("The CA performs practice %d as written here.", g.nextKey)}
}

// ids numbers the sections: key -> ID.
func (g *agreeHistory) ids() map[int]string {
	out := map[int]string{}
	for c, secs := range g.chapters {
		for k, s := range secs {
			id := fmt.Sprintf("%d.%d", c+1, k+1)
			out[s.key] = id
			for j, kid := range s.kids {
				out[kid.key] = fmt.Sprintf("%s.%d", id, j+1)
			}
		}
	}
	return out
}

// leafIDs are the IDs of every numbered section below a chapter, sorted.
func (g *agreeHistory) allIDs() []string {
	var out []string
	for _, id := range g.ids() {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func (g *agreeHistory) cps() string {
	var b strings.Builder
	b.WriteString("# Generated CA CP/CPS\n\nThe practices of a generated CA.\n\n")
	for c, secs := range g.chapters {
		fmt.Fprintf(&b, "# %d. %s\n\nChapter %d.\n\n", c+1, agreeChapters[c], c+1)
		for k, s := range secs {
			fmt.Fprintf(&b, "## %d.%d %s\n\n%s\n\n", c+1, k+1, s.title, s.body)
			for j, kid := range s.kids {
				fmt.Fprintf(&b, "### %d.%d.%d %s\n\n%s\n\n", c+1, k+1, j+1, kid.title, kid.body)
			}
		}
	}
	return b.String()
}

func (g *agreeHistory) features() string {
	var b strings.Builder
	// Every commit edits a watched file (this comment): the report walks
	// the commits that touch the configured paths only, so a review in the
	// message of a commit that touches none is not in it (check of such a
	// commit sees it).
	fmt.Fprintf(&b, "// Package features holds the generated flags (%s).\npackage features\n\n", g.day.Format(time.DateOnly))
	b.WriteString("// Config holds the feature flags.\ntype Config struct {\n")
	for _, f := range g.flags {
		if f.inCode {
			fmt.Fprintf(&b, "\t// %s changes a behaviour of the CA.\n\t%s bool\n\n", f.name, f.name)
		}
	}
	b.WriteString("\tName string\n}\n")
	return b.String()
}

func (g *agreeHistory) config(env string) string {
	var entries []string
	for _, f := range g.flags {
		if v, ok := g.env[env][f.name]; ok && f.inCode {
			entries = append(entries, fmt.Sprintf("      %q: %t", f.name, v))
		}
	}
	return fmt.Sprintf("{\n  \"ra\": {\n    \"features\": {\n%s\n    }\n  }\n}\n", strings.Join(entries, ",\n"))
}

func (g *agreeHistory) registry() string {
	var b strings.Builder
	b.WriteString("flags:\n")
	for _, f := range g.flags {
		var links []string
		for _, l := range f.links {
			links = append(links, fmt.Sprintf("%q", l))
		}
		fmt.Fprintf(&b, "  - name: %s\n    description: Generated flag %s.\n    owner: \"@ca/dev\"\n    status: %s\n    cps: [%s]\n", f.name, f.name, f.status, strings.Join(links, ", "))
		if len(f.reviews) > 0 {
			b.WriteString("    reviews:\n")
			for _, r := range f.reviews {
				b.WriteString(r)
			}
		}
	}
	return b.String()
}

func (g *agreeHistory) pick(n int) int { return g.rng.IntN(n) }

func (g *agreeHistory) liveFlags() []*agreeFlag {
	var out []*agreeFlag
	for _, f := range g.flags {
		if f.inCode {
			out = append(out, f)
		}
	}
	return out
}

func (g *agreeHistory) randomLinks() []string {
	ids := g.allIDs()
	n := 1 + g.pick(2)
	var out []string
	for range n {
		out = append(out, ids[g.pick(len(ids))])
	}
	return sortedSet(out)
}

// linking are the live flags that link id.
func (g *agreeHistory) linking(id string) []*agreeFlag {
	var out []*agreeFlag
	for _, f := range g.liveFlags() {
		if slices.Contains(f.links, id) {
			out = append(out, f)
		}
	}
	return out
}

func (g *agreeHistory) addFlag() *agreeFlag {
	g.nextFlag++
	f := &agreeFlag{name: fmt.Sprintf("Feature%02d", g.nextFlag), links: g.randomLinks(), inCode: true, status: "active"}
	g.flags = append(g.flags, f)
	return f
}

// randomSection returns a section and the list that holds it.
func (g *agreeHistory) randomSection() (*agreeSection, *[]*agreeSection, int) {
	c := g.pick(len(g.chapters))
	secs := &g.chapters[c]
	k := g.pick(len(*secs))
	s := (*secs)[k]
	if len(s.kids) > 0 && g.pick(2) == 0 {
		j := g.pick(len(s.kids))
		return s.kids[j], &s.kids, j
	}
	return s, secs, k
}

// renumber applies a structural edit and, when follow, moves the registry's
// links with their sections.
func (g *agreeHistory) renumber(edit func(), follow bool) {
	before := g.ids()
	edit()
	after := g.ids()
	if !follow {
		return
	}
	moved := map[string]string{}
	for key, old := range before {
		if now, ok := after[key]; ok && now != old {
			moved[old] = now
		}
	}
	for _, f := range g.flags {
		for i, l := range f.links {
			if now, ok := moved[l]; ok {
				f.links[i] = now
			}
		}
		f.links = sortedSet(f.links)
	}
}

// step makes one commit's edits and returns what it did, and the flags it
// touched (to review).
func (g *agreeHistory) step() (string, []*agreeFlag) {
	var what []string
	var touched []*agreeFlag
	for range 1 + g.pick(2) {
		switch op := g.pick(10); {
		case op == 0: // add a flag
			f := g.addFlag()
			what, touched = append(what, "add "+f.name), append(touched, f)
		case op <= 2: // enable or disable a flag in an environment
			live := g.liveFlags()
			if len(live) == 0 {
				continue
			}
			f := live[g.pick(len(live))]
			env := []string{"prod", "staging"}[g.pick(2)]
			g.env[env][f.name] = !g.env[env][f.name]
			what, touched = append(what, fmt.Sprintf("set %s=%t in %s", f.name, g.env[env][f.name], env)), append(touched, f)
		case op == 3: // reword a section
			s, _, _ := g.randomSection()
			s.rev++
			s.body += fmt.Sprintf(" Revised (%d).", s.rev)
			what, touched = append(what, fmt.Sprintf("reword %s", g.ids()[s.key])), append(touched, g.linking(g.ids()[s.key])...)
		case op == 4: // retitle a section
			s, _, _ := g.randomSection()
			s.rev++
			s.title = fmt.Sprintf("Practice %d, revision %d", s.key, s.rev)
			what, touched = append(what, fmt.Sprintf("retitle %s", g.ids()[s.key])), append(touched, g.linking(g.ids()[s.key])...)
		case op == 5: // insert a section: the ones after it are renumbered
			_, list, k := g.randomSection()
			follow := g.pick(3) > 0
			id := g.ids()[(*list)[k].key]
			g.renumber(func() { *list = slices.Insert(*list, k, g.section()) }, follow)
			what = append(what, fmt.Sprintf("insert before %s (links follow: %t)", id, follow))
		case op == 6: // delete a section no flag links; the ones after it are renumbered
			s, list, k := g.randomSection()
			if len(*list) < 2 || len(s.kids) > 0 {
				continue
			}
			id := g.ids()[s.key]
			follow := g.pick(3) > 0
			g.renumber(func() { *list = slices.Delete(*list, k, k+1) }, follow)
			for _, f := range g.flags {
				if follow {
					f.links = slices.DeleteFunc(f.links, func(l string) bool { return l == id })
				}
			}
			what = append(what, fmt.Sprintf("delete %s (links follow: %t)", id, follow))
		case op == 7: // relink a flag
			live := g.liveFlags()
			if len(live) == 0 {
				continue
			}
			f := live[g.pick(len(live))]
			f.links = g.randomLinks()
			what, touched = append(what, "relink "+f.name), append(touched, f)
		case op == 8: // remove a flag from the code (and, sometimes, retire it)
			live := g.liveFlags()
			if len(live) < 3 {
				continue
			}
			f := live[g.pick(len(live))]
			f.inCode = false
			if g.pick(2) == 0 {
				f.status = "removed"
			}
			what, touched = append(what, "remove "+f.name), append(touched, f)
		default: // a late review of some flag
			live := g.liveFlags()
			if len(live) == 0 {
				continue
			}
			touched = append(touched, live[g.pick(len(live))])
			what = append(what, "review only")
		}
	}
	return strings.Join(what, "; "), touched
}

// reviews attaches reviews of the touched flags (and of the flags linking
// a section), in the registry, a cps-review block or a paragraph; it
// returns the message's body.
func (g *agreeHistory) reviews(author string, touched []*agreeFlag) string {
	var body strings.Builder
	date := g.day.Format(time.DateOnly)
	for _, f := range touched {
		if g.pick(10) < 3 || len(f.links) == 0 {
			continue // left unreviewed
		}
		reviewer := agreePeople[g.pick(len(agreePeople))]
		verdict := []string{"compliant", "compliant", "cps-updated", "not-applicable"}[g.pick(4)]
		secs := f.links
		if len(secs) > 1 && g.pick(4) == 0 {
			secs = secs[:1] // reviews only some of its sections
		}
		var quoted []string
		for _, s := range secs {
			quoted = append(quoted, fmt.Sprintf("%q", s))
		}
		switch g.pick(3) {
		case 0:
			f.reviews = append(f.reviews, fmt.Sprintf("      - date: %s\n        reviewer: %s\n        sections: [%s]\n        verdict: %s\n        notes: Read against the practice.\n",
				date, reviewer, strings.Join(quoted, ", "), verdict))
		case 1:
			fmt.Fprintf(&body, "```cps-review\nflag: %s\nreviewer: %s\ndate: %s\nsections: [%s]\nverdict: %s\nnotes: Read against the practice.\n```\n\n",
				f.name, reviewer, date, strings.Join(quoted, ", "), verdict)
		default:
			fmt.Fprintf(&body, "CPS Compliance Review: %s matches %s.\n\n", f.name, strings.Join(secs, ", "))
		}
	}
	return body.String()
}

// write commits the initial state and n more commits into dir.
func (g *agreeHistory) write(t *testing.T, dir string, n int) []agreeCommit {
	t.Helper()
	run := func(author string, args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		date := g.day.Format(time.RFC3339)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME="+author, "GIT_AUTHOR_EMAIL="+author+"@example.org", "GIT_COMMITTER_NAME="+author,
			"GIT_COMMITTER_EMAIL="+author+"@example.org", "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	files := func() {
		for name, content := range map[string]string{
			".cpsgate.yaml":        "cps:\n  - path: docs/CPS.md\nregistry: flags/registry.yaml\nsources:\n  - kind: go-struct\n    path: features/features.go\n    type: Config\n  - kind: config\n    glob: \"deploy/*.json\"\n    key: features\n",
			"docs/CPS.md":          g.cps(),
			"features/features.go": g.features(),
			"deploy/prod.json":     g.config("prod"),
			"deploy/staging.json":  g.config("staging"),
			"flags/registry.yaml":  g.registry(),
		} {
			path := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	commit := func(author, message, what string) agreeCommit {
		files()
		run(author, "add", "-A")
		run(author, "commit", "-q", "--allow-empty", "-m", message)
		return agreeCommit{sha: run(author, "rev-parse", "HEAD"), author: author, message: message, what: what}
	}
	run("alice", "init", "-q", "-b", "main")
	commits := []agreeCommit{commit("alice", "Adopt cpsgate", "adopt")}
	for i := range n {
		g.day = g.day.Add(24 * time.Hour)
		author := agreePeople[g.pick(len(agreePeople))]
		what, touched := g.step()
		body := g.reviews(author, touched)
		message := fmt.Sprintf("Change %d: %s (#%d)", i+1, what, 100+i)
		if body != "" {
			message += "\n\n" + body
		}
		commits = append(commits, commit(author, strings.TrimSpace(message)+"\n", what))
	}
	return commits
}

package report

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/review"
)

// Subjects of events.
const (
	SubjectFlag    = "flag"
	SubjectSection = "section"
	SubjectReview  = "review"
)

// Origins of the reviews found in the period.
const (
	OriginRegistry = "registry"       // a record added to the flag registry
	OriginMessage  = "commit-message" // a cps-review block or paragraph in the commit message
)

// found is a review seen in the registry or in a commit message.
type found struct {
	r      review.Review
	step   int    // index of the step that recorded it; -1 when before the period
	commit string // "" when before the period
	origin string
	date   string            // the review's date, else the commit's
	hashes map[string]string // section -> hash of the text it was reviewed against, when known
}

// builder holds what Build computes along the way.
type builder struct {
	in      Input
	rep     *Report
	reviews []found // in step order
	// byStep and byFlag index reviews: per step (of the period) and per
	// flag, the indices of its reviews, in order.
	byStep [][]int
	byFlag map[string][]int
	final  *check.State
	// lastModified is, per section ID at the end, the step index and date
	// of its last modification in the period.
	lastModified map[string]int
	stepDates    []string    // YYYY-MM-DD per step
	data         []*stepData // what the report reads of each step's states
}

// message is what a commit message attaches to its change.
type message struct {
	blocks []review.Review
	paras  []review.Paragraph
}

// Build makes the report from the states along the period. Whether a
// change needed a review, and had one, is the policies' decision: each
// commit is judged as check judges it against its parent (see evaluate),
// by in.Policies, or the built-in policies when it is nil; a step that a
// Preparer prepared was judged by the Preparer's policies.
func Build(ctx context.Context, in Input) (*Report, error) {
	base := in.Base
	in, adoption := adoptionBaseline(in)
	b := &builder{in: in, lastModified: map[string]int{}}
	b.rep = &Report{
		From: in.From, To: in.To, Base: base, Head: in.Head, Adoption: adoption, Retroactive: in.Retroactive,
		Versions: []Version{}, Events: []Event{}, Flags: []Flag{}, Sections: []SectionEntry{},
		Unreviewed: []Event{}, Matrix: Matrix{Flags: []string{}, Rows: []MatrixRow{}},
		Unlinked: []SectionRef{}, Texts: []ReviewedText{}, Problems: []Problem{}, Months: []MonthCount{},
	}
	b.final = in.Final()
	if b.final == nil {
		b.final = emptyState()
	}
	if err := b.prepare(ctx); err != nil {
		return nil, err
	}
	for _, s := range in.Steps {
		b.stepDates = append(b.stepDates, s.Commit.Date.UTC().Format(time.DateOnly))
	}
	for _, p := range in.StartProblems {
		b.rep.Problems = append(b.rep.Problems, Problem{Commit: in.Base, Date: "", Message: p})
	}
	b.versions()
	b.collectReviews()
	stepStart := make([]int, 0, len(in.Steps)+1)
	for i, s := range in.Steps {
		stepStart = append(stepStart, len(b.rep.Events))
		for _, p := range s.Problems {
			b.problem(s.Commit, p)
		}
		b.rep.Events = append(b.rep.Events, b.data[i].events...)
		for _, id := range b.data[i].modified {
			b.lastModified[id] = i
		}
	}
	stepStart = append(stepStart, len(b.rep.Events))
	b.judgeSteps(stepStart)
	b.parameters()
	b.flags()
	b.sections()
	b.matrix()
	b.traceability()
	b.texts()
	b.links()
	b.summary()
	b.months()
	return b.rep, nil
}

// prepare reads the steps that a Preparer has not (see stepData), on all
// cores, judging them by in.Policies.
func (b *builder) prepare(ctx context.Context) error {
	b.data = make([]*stepData, len(b.in.Steps))
	var p *Preparer
	for i, s := range b.in.Steps {
		b.data[i] = s.data
		if s.data == nil && p == nil {
			var err error
			if p, err = NewPreparer(b.in.Policies); err != nil {
				return err
			}
		}
	}
	if p == nil {
		return nil
	}
	return parallel(len(b.in.Steps), func(i int) error {
		if b.data[i] != nil {
			return nil
		}
		s := b.in.Steps[i]
		if s.Before == nil || s.After == nil {
			return fmt.Errorf("report: step %s has neither its states nor what a Preparer read of them", short(s.Commit.SHA))
		}
		d, err := p.prepare(ctx, s)
		b.data[i] = d
		return err
	})
}

// stepBase is the part of every event of a step that its commit gives.
func stepBase(c Commit) Event {
	return Event{
		Date: c.Date.UTC().Format(time.RFC3339), Commit: c.SHA, PR: PRNumber(c.Subject),
		Author: c.Author, Title: c.Subject,
	}
}

func emptyState() *check.State {
	return &check.State{Sections: map[string]*cps.Section{}, Inventory: &flags.Inventory{}}
}

// prPattern finds a pull-request number in a commit subject: "... (#123)"
// (squash merges) or "Merge pull request #123 from ..." (merge commits).
var prPattern = regexp.MustCompile(`\(#(\d+)\)\s*$|^Merge pull request #(\d+)\b`)

// PRNumber returns the pull-request number a commit subject names, or 0.
func PRNumber(subject string) int {
	m := prPattern.FindStringSubmatch(subject)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(cmp.Or(m[1], m[2]))
	return n
}

// collectReviews finds the reviews the registry holds at the end of the
// period and those each step records, in its registry or commit message.
func (b *builder) collectReviews() {
	inPeriod := map[string]bool{}
	for i, d := range b.data {
		s := b.in.Steps[i]
		if d.msgProblem != "" {
			b.problem(s.Commit, d.msgProblem)
		}
		for _, f := range d.reviews {
			f.step = i
			if f.origin == OriginRegistry {
				inPeriod[reviewKey(f.r)] = true
			}
			b.reviews = append(b.reviews, f)
		}
	}
	// Reviews in the registry that the period did not add were recorded
	// before it.
	var before []found
	for _, st := range []*check.State{b.in.Start, b.final} {
		if st == nil || st.Registry == nil {
			continue
		}
		for _, e := range st.Registry.Flags {
			for _, r := range e.Reviews {
				k := reviewKey(r)
				if inPeriod[k] {
					continue
				}
				inPeriod[k] = true
				r.Flag = e.Name
				before = append(before, found{r: r, step: -1, origin: OriginRegistry, date: r.Date, hashes: r.SectionHashes})
			}
		}
	}
	b.reviews = append(before, b.reviews...)
	b.byStep, b.byFlag = make([][]int, len(b.in.Steps)), map[string][]int{}
	for k, f := range b.reviews {
		if f.step >= 0 {
			b.byStep[f.step] = append(b.byStep[f.step], k)
		}
		b.byFlag[f.r.Flag] = append(b.byFlag[f.r.Flag], k)
	}
}

// reviewKey identifies a registry review across revisions.
func reviewKey(r review.Review) string {
	return strings.Join([]string{r.Flag, r.Date, r.Reviewer, r.Verdict, strings.Join(r.Sections, ",")}, "\x00")
}

func (b *builder) problem(c Commit, msg string) {
	b.rep.Problems = append(b.rep.Problems, Problem{Commit: c.SHA, Date: c.Date.UTC().Format(time.RFC3339), Message: msg})
}

// flags lists every flag known at the end of the period.
func (b *builder) flags() {
	st := b.final
	names := flagNames(st)
	changes := map[string]int{}
	for _, e := range b.rep.Events {
		if e.Subject == SubjectFlag {
			changes[e.Flag]++
		}
	}
	enabled := map[string]map[string]bool{}
	for s := range st.Inventory.EachSetting() {
		if s.Value {
			if enabled[s.Flag] == nil {
				enabled[s.Flag] = map[string]bool{}
			}
			enabled[s.Flag][s.Env] = true
		}
	}
	b.rep.byFlag = map[string]int{}
	for _, name := range names {
		f := Flag{Name: name, Status: "unregistered", Sections: []string{}, Enabled: slices.Sorted(maps.Keys(enabled[name])),
			Changed: changes[name], NeverCovered: []string{}}
		if f.Enabled == nil {
			f.Enabled = []string{}
		}
		if e := st.Registry.Lookup(name); e != nil {
			f.Status, f.Sections, f.NoCPSImpact = e.Status, slices.Clone(e.CPS), e.NoCPSImpact
		}
		if last := b.latest(name, ""); last != nil {
			f.LastReview = b.lastReview(last, f.Sections)
		}
		for _, id := range f.Sections {
			if b.latest(name, id) == nil {
				f.NeverCovered = append(f.NeverCovered, id)
			}
		}
		b.rep.byFlag[name] = len(b.rep.Flags)
		b.rep.Flags = append(b.rep.Flags, f)
	}
}

// latest returns the most recent review of flag (covering section, when
// given): by date, then by the order it was recorded.
func (b *builder) latest(flag, section string) *found {
	var best *found
	for _, k := range b.byFlag[flag] {
		f := &b.reviews[k]
		if section != "" && !slices.Contains(f.r.Sections, section) {
			continue
		}
		if best == nil || f.date >= best.date {
			best = f
		}
	}
	return best
}

// lastReview describes a flag's latest review and what changed since.
func (b *builder) lastReview(f *found, linked []string) *LastReview {
	lr := &LastReview{
		Date: f.date, Reviewer: f.r.Reviewer, Verdict: f.r.Verdict, Sections: slices.Clone(f.r.Sections),
		CPSVersion: f.r.CPSVersion, Origin: f.origin, Commit: f.commit, ChangedSince: []string{},
	}
	if lr.Sections == nil {
		lr.Sections = []string{}
	}
	if len(f.hashes) > 0 {
		lr.SectionHashes = maps.Clone(f.hashes)
	}
	for _, id := range lr.Sections {
		if b.changedSince(f, id) {
			lr.ChangedSince = append(lr.ChangedSince, id)
		}
	}
	lr.Stale = len(lr.ChangedSince) > 0
	return lr
}

// changedSince reports whether section id reads differently at the end of
// the period than when f reviewed it: by the hash f recorded, else by a
// modification in the period after the review's date.
func (b *builder) changedSince(f *found, id string) bool {
	sec := b.final.Sections[id]
	if h := f.hashes[id]; h != "" {
		return sec == nil || sec.Hash != h
	}
	i, ok := b.lastModified[id]
	if !ok {
		return false
	}
	if f.step >= 0 {
		return i > f.step
	}
	return b.stepDates[i] >= f.date // the same day: cannot tell, so re-review
}

// sections lists the sections changed in the period.
func (b *builder) sections() {
	byID := map[string]*SectionEntry{}
	var order []string
	for _, e := range b.rep.Events {
		if e.Subject != SubjectSection {
			continue
		}
		s := byID[e.Section]
		if s == nil {
			s = &SectionEntry{ID: e.Section, Title: e.SectionName, Flags: []string{}, ReReview: []string{}}
			if b.in.Start != nil {
				if old := b.in.Start.Sections[cmp.Or(e.OldSection, e.Section)]; old != nil {
					s.OldHash = old.Hash
				}
			}
			byID[e.Section] = s
			order = append(order, e.Section)
		}
		desc := e.Change + " " + e.Date[:10] + " " + short(e.Commit)
		if e.OldSection != "" {
			desc = e.Change + " from " + e.OldSection + " " + e.Date[:10] + " " + short(e.Commit)
		}
		s.Changes = append(s.Changes, desc)
	}
	slices.SortFunc(order, cps.CompareIDs)
	for _, id := range order {
		s := byID[id]
		if sec := b.final.Sections[id]; sec != nil {
			s.Title, s.Hash = sec.Title, sec.Hash
		}
		s.Flags = linking(b.final, id)
		if i, ok := b.lastModified[id]; ok {
			// The flags whose review of the last change the policies
			// found missing (see judgeSteps).
			need := map[string]bool{}
			for _, e := range b.rep.Events {
				if e.Commit == b.in.Steps[i].Commit.SHA {
					for _, m := range e.Missing {
						need[m] = true
					}
				}
			}
			for _, f := range s.Flags {
				if need[f+" §"+id] {
					s.ReReview = append(s.ReReview, f)
				}
			}
		}
		b.rep.Sections = append(b.rep.Sections, *s)
	}
}

// matrix builds the traceability matrix and the list of unlinked sections.
func (b *builder) matrix() {
	st := b.final
	linked := map[string]bool{}
	var cols []string
	if st.Registry != nil {
		for _, e := range st.Registry.Flags {
			if len(e.CPS) > 0 && e.Status != flags.StatusRemoved {
				cols = append(cols, e.Name)
				for _, id := range e.CPS {
					linked[id] = true
				}
			}
		}
	}
	slices.Sort(cols)
	cols = slices.Compact(cols)
	b.rep.Matrix.Flags = append(b.rep.Matrix.Flags, cols...)
	for _, id := range slices.SortedFunc(maps.Keys(linked), cps.CompareIDs) {
		row := MatrixRow{Section: id, Title: "(not in the CPS)"}
		if sec := st.Sections[id]; sec != nil {
			row.Title = sec.Title
		}
		for _, name := range cols {
			cell := ""
			if e := st.Registry.Lookup(name); slices.Contains(e.CPS, id) {
				cell = CellUnreviewed
				if f := b.latest(name, id); f != nil {
					cell = CellReviewed
					if b.changedSince(f, id) {
						cell = CellStale
					}
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		b.rep.Matrix.Rows = append(b.rep.Matrix.Rows, row)
	}
	for _, d := range st.Docs {
		for _, s := range d.Sections {
			if !linked[s.ID] {
				b.rep.Unlinked = append(b.rep.Unlinked, SectionRef{ID: s.ID, Title: s.Title})
			}
		}
	}
}

// texts records the section text each review of the period was made
// against.
func (b *builder) texts() {
	for _, f := range b.reviews {
		if f.step < 0 {
			continue
		}
		for _, id := range f.r.Sections {
			sec := b.data[f.step].after[id]
			if sec == nil {
				continue
			}
			b.rep.Texts = append(b.rep.Texts, ReviewedText{
				Flag: f.r.Flag, Reviewer: f.r.Reviewer, Date: f.date, Commit: f.commit,
				Section: id, Title: sec.Title, Hash: sec.Hash, Text: strings.TrimSpace(sec.Text),
			})
		}
	}
}

func (b *builder) summary() {
	s := &b.rep.Summary
	s.Commits, s.ChangeCommits, s.Events = b.in.Commits, len(b.in.Steps), len(b.rep.Events)
	s.ByKind = map[string]int{}
	for _, e := range b.rep.Events {
		s.ByKind[e.Subject+" "+e.Change]++
		if e.Subject == SubjectReview {
			s.ReviewsAdded++
		}
		if e.NeedsReview {
			s.NeedingReview++
		}
	}
	s.Unreviewed = len(b.rep.Unreviewed)
	s.Flags = len(b.rep.Flags)
	for _, f := range b.rep.Flags {
		if f.LastReview != nil && f.LastReview.Stale {
			s.StaleReviews++
		}
	}
	s.Sections = len(b.final.Sections)
	s.SectionsLinked = len(b.rep.Matrix.Rows)
	s.Problems = len(b.rep.Problems)
}

// months counts events per month over the period: from From to To when
// they are dates, else over the months that have events.
func (b *builder) months() {
	count := map[string]int{}
	for _, e := range b.rep.Events {
		count[e.Date[:7]]++
	}
	first, last := "", ""
	if f, err := time.Parse(time.DateOnly, b.in.From); err == nil {
		first = f.Format("2006-01")
	}
	if t, err := time.Parse(time.DateOnly, b.in.To); err == nil {
		last = t.Format("2006-01")
	}
	keys := slices.Sorted(maps.Keys(count))
	if first == "" && len(keys) > 0 {
		first = keys[0]
	}
	if last == "" && len(keys) > 0 {
		last = keys[len(keys)-1]
	}
	if first == "" || last == "" || first > last {
		return
	}
	m, _ := time.Parse("2006-01", first)
	for n := 0; n < 240; n++ {
		k := m.AddDate(0, n, 0).Format("2006-01")
		if k > last {
			break
		}
		b.rep.Months = append(b.rep.Months, MonthCount{Month: k, Events: count[k]})
	}
}

// linking returns the flags of st's registry (not removed) that link id.
func linking(st *check.State, id string) []string {
	var out []string
	if st.Registry != nil {
		for _, e := range st.Registry.Flags {
			if e.Status != flags.StatusRemoved && slices.Contains(e.CPS, id) {
				out = append(out, e.Name)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func flagNames(st *check.State) []string {
	set := map[string]bool{}
	if st.Registry != nil {
		for _, e := range st.Registry.Flags {
			set[e.Name] = true
		}
	}
	if st.Inventory != nil {
		for _, d := range st.Inventory.Defs {
			set[d.Flag] = true
		}
		for flag := range st.Inventory.SettingFlags() {
			set[flag] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// short abbreviates a commit id.
func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// Short abbreviates a commit id for display (12 hex digits).
func Short(sha string) string { return short(sha) }

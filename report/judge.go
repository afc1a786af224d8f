package report

import (
	"cmp"
	"context"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cpsgate/cpsgate/change"
	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/policies"
	"github.com/cpsgate/cpsgate/result"
)

// Judge evaluates the deny rules of the policies on one change: what the
// report asks of each commit (*policies.Engine has it). The report calls it
// from several goroutines at once: it must be safe for concurrent use.
type Judge interface {
	EvalDeny(ctx context.Context, in *policies.Input) ([]result.Finding, error)
}

// builtinEngine compiles the built-in policies once per process.
var builtinEngine = sync.OnceValues(func() (*policies.Engine, error) {
	return policies.New(context.Background(), nil)
})

// verdict is what the policies said of one commit.
type verdict struct {
	// open are the findings, resolved by a review, that the commit leaves
	// open; reviewed those that its own reviews resolve (found by a second
	// evaluation without them).
	open, reviewed []result.Finding
	// refused are the positions ("file:line") of the commit's reviews that
	// a finding resolved by a review names: they do not count.
	refused map[string]bool
}

// evaluate runs the policies on step s, whose changes are set and whose
// commit message attaches msg, as check runs them on the commit
// against its parent: the input built by check.BuildInputFrom from the
// same change set, with the reviews of the commit message attached (a
// squash merge carries the pull request's description) and the commit's
// author as the change's author. Approvals cannot be seen in history: only
// findings that a review resolves are the report's. The report reads no
// clock: the input has no today (a check run now, after the period, where
// a review's date cannot be in the future) and no base date (the first
// parent's date is not loaded), so a review's date bounds are check's
// alone.
func (p *Preparer) evaluate(ctx context.Context, s Step, set change.Set, msg message) (verdict, error) {
	v := verdict{refused: map[string]bool{}}
	if len(set.CPS) == 0 && len(set.Flags) == 0 && len(set.Registry) == 0 && len(set.NewReviews) == 0 &&
		len(msg.blocks) == 0 && len(msg.paras) == 0 && sameInventoryFiles(s) {
		return v, nil // nothing the policies could ask a review for
	}
	ch := check.Change{Author: s.Commit.Author, Reviews: msg.blocks, Paragraphs: msg.paras}
	if s.After.Registry != nil {
		ch.Registry = s.After.Registry.File
	}
	in := p.inputs.BuildInputFrom(s.Before, s.After, set, ch)
	deny, err := p.judge.EvalDeny(ctx, in)
	if err != nil {
		return v, err
	}
	v.open = Open(deny, changedFlags(set))
	hasNew := false
	for _, r := range in.Reviews {
		hasNew = hasNew || r.New
	}
	if !hasNew {
		return v, nil
	}
	for _, f := range v.open {
		if f.File != "" {
			v.refused[f.File+":"+strconv.Itoa(f.Line)] = true
		}
	}
	without := *in
	without.Reviews = slices.DeleteFunc(slices.Clone(in.Reviews), func(r policies.Review) bool { return r.New })
	deny, err = p.judge.EvalDeny(ctx, &without)
	if err != nil {
		return v, err
	}
	// Reviewed in this change: what its reviews resolved, unless another
	// rule still finds the same flag and section open (a self-review, a
	// review that does not count).
	open := map[result.Finding]bool{}
	for _, f := range v.open {
		open[pairOf(f)] = true
		open[result.Finding{Flag: f.Flag, Parameter: f.Parameter, Section: f.Section}] = true
	}
	for _, f := range Open(deny, changedFlags(set)) {
		if !open[pairOf(f)] && (f.Section == "" || !open[result.Finding{Flag: f.Flag, Parameter: f.Parameter, Section: f.Section}]) {
			v.reviewed = append(v.reviewed, f)
		}
	}
	return v, nil
}

// sameInventoryFiles reports whether the sources read the same files before
// and after the step (a file no longer read is a source change).
func sameInventoryFiles(s Step) bool {
	if s.Before == nil || s.After == nil || s.Before.Inventory == nil || s.After.Inventory == nil {
		return true
	}
	return s.Before.Inventory == s.After.Inventory || slices.Equal(s.Before.Inventory.Files, s.After.Inventory.Files)
}

// Open keeps the deny findings that leave a change unreviewed: those whose
// rule a review resolves (METADATA custom.resolved_by: review), and those
// of a rule that nothing but a fix resolves about a flag the change
// changed (a flag enabled without a registry entry cannot be reviewed).
// Findings an approval resolves are not the report's: history holds no
// approvals.
func Open(deny []result.Finding, changed map[string]bool) []result.Finding {
	var out []result.Finding
	for _, f := range deny {
		switch policies.ResolvedBy(f.Rule) {
		case "review":
			out = append(out, f)
		case "":
			if f.Flag != "" && changed[f.Flag] {
				out = append(out, f)
			}
		}
	}
	return out
}

// changedFlags are the flags a change set changes.
func changedFlags(set change.Set) map[string]bool {
	out := map[string]bool{}
	for _, c := range set.Flags {
		out[c.Flag] = true
	}
	return out
}

// pairOf is what identifies a finding across the two evaluations of a
// commit: its rule, flag (or parameter) and section.
func pairOf(f result.Finding) result.Finding {
	return result.Finding{Rule: f.Rule, Flag: f.Flag, Parameter: f.Parameter, Section: f.Section}
}

// Need is one thing a commit needed a review for, as the report lists it:
// "Flag §4.3.1", or the finding's message when it names no section.
func Need(f result.Finding) string {
	name := cmp.Or(f.Flag, f.Parameter)
	if f.Section != "" && name != "" {
		return name + " §" + f.Section
	}
	return f.Message
}

// attach returns the index of the event of the step (events[from:]) that a
// finding belongs to: a flag event of its flag; a section event of its
// section (or of a subsection, or the event that moved it away); a review
// event of its flag; else any event of its flag, else the step's first
// event. -1 when the step has no event.
func attach(events []Event, from int, f result.Finding) int {
	step := events[from:]
	find := func(match func(e Event) bool) int {
		for k, e := range step {
			if match(e) {
				return from + k
			}
		}
		return -1
	}
	for _, match := range []func(Event) bool{
		func(e Event) bool {
			return e.Subject == SubjectFlag && e.Flag == f.Flag && f.Flag != "" && e.Change != ""
		},
		func(e Event) bool {
			return e.Subject == SubjectSection && f.Section != "" &&
				(e.Section == f.Section || e.OldSection == f.Section || strings.HasPrefix(e.Section, f.Section+"."))
		},
		func(e Event) bool { return e.Subject == SubjectReview && e.Flag == f.Flag && f.Flag != "" },
		func(e Event) bool { return e.Flag == f.Flag && f.Flag != "" },
		func(Event) bool { return true },
	} {
		if k := find(match); k >= 0 {
			return k
		}
	}
	return -1
}

// judgeSteps records, on the events, what each step needed by the
// policies' verdict (see evaluate) and which review (in the commit, or
// later) gave it.
func (b *builder) judgeSteps(stepStart []int) {
	verdicts := make([]verdict, len(b.data))
	for i, d := range b.data {
		verdicts[i] = d.verdict
	}
	for i, v := range verdicts {
		from, to := stepStart[i], stepStart[i+1]
		refs := map[int]map[ReviewRef]bool{}
		addRef := func(k int, r ReviewRef) {
			if refs[k] == nil {
				refs[k] = map[ReviewRef]bool{}
			}
			refs[k][r] = true
		}
		place := func(f result.Finding) int {
			if to == from {
				// No event for what the policies found: one of its own.
				e := stepBase(b.in.Steps[i].Commit)
				e.Subject, e.Change, e.Flag, e.Section, e.File, e.Line = SubjectFlag, f.Rule, f.Flag, f.Section, f.File, f.Line
				b.rep.Events = slices.Insert(b.rep.Events, to, e)
				for k := i + 1; k < len(stepStart); k++ {
					stepStart[k]++
				}
				to++
			}
			return attach(b.rep.Events[:to], from, f)
		}
		for _, f := range v.reviewed {
			k := place(f)
			b.rep.Events[k].NeedsReview = true
			if r := b.coveringReview(i, i, f); r != nil {
				addRef(k, r.ReviewRef)
			}
		}
		for _, f := range v.open {
			k := place(f)
			e := &b.rep.Events[k]
			e.NeedsReview = true
			if r := b.laterReview(i, verdicts, f); r != nil {
				e.ReviewedLate = true
				addRef(k, *r)
				continue
			}
			e.Missing = append(e.Missing, Need(f))
		}
		for k, set := range refs {
			b.rep.Events[k].ReviewedBy = slices.SortedFunc(maps.Keys(set), compareRefs)
		}
	}
	for k := range b.rep.Events {
		e := &b.rep.Events[k]
		if !e.NeedsReview {
			continue
		}
		slices.Sort(e.Missing)
		e.Missing = slices.Compact(e.Missing)
		e.Reviewed = len(e.Missing) == 0
		if !e.Reviewed {
			b.rep.Unreviewed = append(b.rep.Unreviewed, *e)
		}
	}
}

func compareRefs(x, y ReviewRef) int {
	return cmp.Or(cmp.Compare(x.Date, y.Date), cmp.Compare(x.Flag, y.Flag), cmp.Compare(x.Section, y.Section),
		cmp.Compare(x.Reviewer, y.Reviewer), cmp.Compare(x.Commit, y.Commit))
}

// laterReview returns the first review recorded after step i, in a step
// whose evaluation did not refuse it, that names the finding's flag and
// section; nil when none does (or the finding names no section).
func (b *builder) laterReview(i int, verdicts []verdict, f result.Finding) *ReviewRef {
	if f.Section == "" || f.Flag == "" {
		return nil
	}
	// The flag's reviews are in step order: the first of each later step
	// that names the section is the one coveringReview finds there.
	last := -1
	for _, k := range b.byFlag[f.Flag] {
		fd := &b.reviews[k]
		if fd.step <= i || fd.step == last || !slices.Contains(fd.r.Sections, f.Section) {
			continue
		}
		last = fd.step
		if r := refOf(fd, i, f); !verdicts[fd.step].refused[r.pos] {
			return &r.ReviewRef
		}
	}
	return nil
}

// ref is a review reference with the position of the review.
type ref struct {
	ReviewRef
	pos string
}

// coveringReview returns a review recorded at step j that names the
// finding's flag and section, for an event of step i.
func (b *builder) coveringReview(j, i int, f result.Finding) *ref {
	for _, k := range b.byStep[j] {
		fd := &b.reviews[k]
		if fd.r.Flag != f.Flag || !slices.Contains(fd.r.Sections, f.Section) {
			continue
		}
		r := refOf(fd, i, f)
		return &r
	}
	return nil
}

// refOf is the reference to review fd for the finding f of step i.
func refOf(fd *found, i int, f result.Finding) ref {
	return ref{
		ReviewRef: ReviewRef{Flag: fd.r.Flag, Section: f.Section, Reviewer: fd.r.Reviewer, Date: fd.date, Verdict: fd.r.Verdict, Commit: fd.commit, Late: fd.step > i},
		pos:       fd.r.Pos.File + ":" + strconv.Itoa(fd.r.Pos.Line),
	}
}

// parallel calls f(i) for every i in [0, n), on all cores, and returns the
// error of the lowest i that failed.
func parallel(n int, f func(i int) error) error {
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				errs[i] = f(i)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

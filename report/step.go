package report

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/cpsgate/cpsgate/change"
	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/params"
	"github.com/cpsgate/cpsgate/review"
)

// stepData is all that the report reads of a step's states: its events
// and reviews, the policies' verdict on it, and the few sections that its
// events and reviews name. Build reads the states of a step through it
// alone, so that a loader may hand the steps of a long period over one at
// a time and let their states go (Prepare).
type stepData struct {
	// msgProblem is the problem with a review in the commit message, if
	// any.
	msgProblem string
	// reviews are the step's reviews: those its registry adds, then those
	// its commit message attaches (step and commit not yet set).
	reviews []found
	// events are its flag, section and review events, in that order.
	events []Event
	// modified are the sections whose text its section events changed
	// (modified, renumbered, or an ID that another section left).
	modified []string
	verdict  verdict
	// params are its parameter events, not yet judged.
	params []paramEvent
	// after and before are the sections, by ID, that its events and
	// reviews name, after it (before it, for those it removed).
	after, before map[string]*cps.Section
}

// paramEvent is a parameter event and the parameter's registry entry after
// the commit (nil when the registry no longer lists it).
type paramEvent struct {
	e Event
	p *flags.Parameter
}

// Preparer reads of each step what the report needs of its states (see
// stepData), judging it with the policies, so that a loader can hand the
// steps of a period over as it reads them, several at once, and keep only
// the result. It is safe for concurrent use.
type Preparer struct {
	judge  Judge
	inputs check.Inputs // builds the inputs of the steps, sharing their parts
}

// NewPreparer returns a Preparer that judges with judge (nil: the built-in
// policies).
func NewPreparer(judge Judge) (*Preparer, error) {
	if judge == nil {
		eng, err := builtinEngine()
		if err != nil {
			return nil, err
		}
		judge = eng
	}
	return &Preparer{judge: judge}, nil
}

// Prepare returns s with what the report needs of it, and without its
// states (Before and After), unless it adopts cpsgate: the report then
// starts from the state after it. Build takes such steps as they are; the
// Input then names the state at the end of the period (Input.End).
func (p *Preparer) Prepare(ctx context.Context, s Step) (Step, error) {
	d, err := p.prepare(ctx, s)
	if err != nil {
		return s, err
	}
	s.data = d
	if !s.Adopts {
		s.Before, s.After = nil, nil
	}
	return s, nil
}

// prepare reads step s (see stepData).
func (p *Preparer) prepare(ctx context.Context, s Step) (*stepData, error) {
	d := &stepData{after: map[string]*cps.Section{}, before: map[string]*cps.Section{}}
	set := change.Between(s.Before, s.After)
	blocks, paras, err := review.ParseBody("commit "+short(s.Commit.SHA)+" message", []byte(s.Commit.Message))
	if err != nil {
		d.msgProblem = "review in the commit message: " + err.Error()
	}
	msg := message{blocks: blocks, paras: paras}
	date := s.Commit.Date.UTC().Format(time.DateOnly)
	for _, r := range set.NewReviews {
		d.reviews = append(d.reviews, stepReview(s, r, OriginRegistry, date))
	}
	for _, r := range change.Attached(blocks, paras, s.Commit.Author, s.After) {
		d.reviews = append(d.reviews, stepReview(s, r, OriginMessage, date))
	}
	for _, f := range d.reviews {
		for _, id := range f.r.Sections {
			keep(d.after, s.After, id)
		}
	}
	d.stepEvents(s, set)
	if d.verdict, err = p.evaluate(ctx, s, set, msg); err != nil {
		return nil, err
	}
	d.parameters(s)
	return d, nil
}

// keep puts a copy of section id of st, if any, in m: a pointer into the
// document would keep all of the version's sections.
func keep(m map[string]*cps.Section, st *check.State, id string) {
	if sec := st.Sections[id]; sec != nil {
		c := *sec
		m[id] = &c
	}
}

// stepReview is review r, recorded by step s in its registry or commit
// message (origin), on date unless r names its own.
func stepReview(s Step, r review.Review, origin, date string) found {
	f := found{r: r, commit: s.Commit.SHA, origin: origin, date: cmp.Or(r.Date, date), hashes: map[string]string{}}
	for _, id := range r.Sections {
		if h := r.SectionHashes[id]; h != "" {
			f.hashes[id] = h
		} else if sec := s.After.Sections[id]; sec != nil {
			f.hashes[id] = sec.Hash
		}
	}
	return f
}

// stepEvents records the flag, section and review events of step s,
// whose changes are set.
func (d *stepData) stepEvents(s Step, set change.Set) {
	base := stepBase(s.Commit)
	for _, c := range set.Flags {
		e := base
		e.Subject, e.Change, e.Flag, e.Environment, e.Fields = SubjectFlag, c.Kind, c.Flag, c.Env, c.Fields
		e.File, e.Line = c.Pos.File, c.Pos.Line
		d.events = append(d.events, e)
	}
	for _, c := range change.Reported(set.CPS) {
		e := base
		e.Subject, e.Change, e.Section, e.OldSection, e.SectionName = SubjectSection, c.Kind, c.ID, c.OldID, c.Title
		e.Hash, e.File, e.Line = c.Hash, c.Pos.File, c.Pos.Line
		// A section added at an ID that another section left (an insertion
		// moved it on) gives the flags still linking that ID new text.
		reused := c.Kind == cps.Added && s.Before.Sections[c.ID] != nil
		if c.Kind != cps.Added || reused {
			e.LinkedFlags = linking(s.After, c.ID)
		}
		if c.Kind == cps.Modified || c.Kind == cps.Renumbered || reused {
			d.modified = append(d.modified, c.ID)
		}
		if c.Kind == cps.Removed {
			keep(d.before, s.Before, c.ID)
		} else {
			keep(d.after, s.After, c.ID)
		}
		d.events = append(d.events, e)
	}
	for _, f := range d.reviews {
		e := base
		e.Subject, e.Change, e.Flag = SubjectReview, flags.Added, f.r.Flag
		e.Reviewer, e.Verdict, e.Sections, e.Origin = f.r.Reviewer, f.r.Verdict, slices.Clone(f.r.Sections), f.origin
		e.File, e.Line = f.r.Pos.File, f.r.Pos.Line
		d.events = append(d.events, e)
	}
}

// parameters records the parameter events of step s (a value added,
// removed or changed, in each file and environment, as check reports
// them), to be judged at the end of the period (see judgeParameter).
func (d *stepData) parameters(s Step) {
	if s.Before == nil || s.After == nil {
		return
	}
	base := stepBase(s.Commit)
	base.Subject = SubjectParameter
	for _, name := range parameterNames(s.Before, s.After) {
		for _, c := range params.Diff(name, s.Before.Params.Of(name), s.After.Params.Of(name)) {
			e := base
			e.Change, e.Parameter, e.Old, e.New, e.Environment = c.Change, name, c.Old, c.New, c.Environment
			e.File, e.Line = c.File, c.Line
			d.params = append(d.params, paramEvent{e: e, p: s.After.Registry.LookupParameter(name)})
		}
	}
}

// Prepare is Preparer.Prepare with the built-in policies (history's
// Options.Prepare, for a report judged by them).
func Prepare(ctx context.Context, s Step) (Step, error) {
	p, err := builtinPreparer()
	if err != nil {
		return s, err
	}
	return p.Prepare(ctx, s)
}

// builtinPreparer is the Preparer of the built-in policies, made once.
var builtinPreparer = sync.OnceValues(func() (*Preparer, error) { return NewPreparer(nil) })

package report

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/params"
	"github.com/cpsgate/cpsgate/review"
	"github.com/cpsgate/cpsgate/revision"
)

// SubjectParameter is the subject of an event that changes a configuration
// parameter's value.
const SubjectParameter = "parameter"

// parameters adds the events of configuration parameters (stepData.params),
// judges each against the reviews of the parameter recorded in the
// registry at the end of the period (valid verdict, dated on or after the
// event's commit, of each linked section), and sets the inventory.
func (b *builder) parameters() {
	for i, d := range b.data {
		for _, pe := range d.params {
			e := pe.e
			b.judgeParameter(&e, pe.p, b.stepDates[i])
			b.rep.Events = append(b.rep.Events, e)
			if e.NeedsReview && !e.Reviewed {
				b.rep.Unreviewed = append(b.rep.Unreviewed, e)
			}
		}
	}
	b.rep.Parameters = params.Inventory(params.Revision{Registry: b.final.Registry, Values: b.final.Params, Sections: b.final.Sections})
}

// judgeParameter decides whether parameter event e, of a commit on date,
// is reviewed; p is the parameter's registry entry after the commit.
func (b *builder) judgeParameter(e *Event, p *flags.Parameter, date string) {
	if p == nil {
		return // removed from the registry with its values
	}
	e.NeedsReview = true
	reviews := p.Reviews
	if fp := b.final.Registry.LookupParameter(e.Parameter); fp != nil {
		reviews = fp.Reviews
	}
	refs := map[ReviewRef]bool{}
	for _, id := range p.CPS {
		covered := false
		for _, r := range reviews {
			if r.Date >= date && slices.Contains(r.Sections, id) && validParameterVerdict(r.Verdict) {
				covered = true
				refs[ReviewRef{Flag: e.Parameter, Reviewer: r.Reviewer, Date: r.Date, Verdict: r.Verdict}] = true
				break
			}
		}
		if !covered {
			e.Missing = append(e.Missing, e.Parameter+" §"+id)
		}
	}
	e.ReviewedBy = slices.SortedFunc(maps.Keys(refs), func(x, y ReviewRef) int {
		if x.Date != y.Date {
			return cmp.Compare(x.Date, y.Date)
		}
		return cmp.Compare(x.Reviewer, y.Reviewer)
	})
	e.Reviewed = len(e.Missing) == 0
}

// parameterNames are the parameters either registry lists, sorted.
func parameterNames(before, after *revision.State) []string {
	names := map[string]bool{}
	for _, reg := range []*flags.Registry{before.Registry, after.Registry} {
		if reg != nil {
			for _, p := range reg.Parameters {
				names[p.Name] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(names))
}

// parameterWhat describes a parameter event.
func parameterWhat(e Event) string {
	switch e.Change {
	case params.Added:
		return fmt.Sprintf("%s = %q added in %s", e.Parameter, e.New, e.Environment)
	case params.Removed:
		return fmt.Sprintf("%s = %q removed in %s", e.Parameter, e.Old, e.Environment)
	}
	return fmt.Sprintf("%s %q -> %q in %s", e.Parameter, e.Old, e.New, e.Environment)
}

// validParameterVerdict reports whether v is a verdict a review may carry.
func validParameterVerdict(v string) bool {
	return v == review.VerdictCompliant || v == review.VerdictCPSUpdated || v == review.VerdictNotApplicable
}

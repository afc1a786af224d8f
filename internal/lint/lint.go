// Package lint checks one revision's registry against its CPS and flag
// sources. It has no rules of its own for what the policies decide: it
// evaluates the gate's policies (the built-in ones and those the
// configuration adds) with the revision as both base and head, so that it
// reports exactly what `check` reports of a change that touches nothing,
// at the same positions and with the same severities. It adds one check the
// policies leave to the author: a registry review of a section that the
// flag does not link.
package lint

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/internal/inert"
	"github.com/cpsgate/cpsgate/policies"
	"github.com/cpsgate/cpsgate/result"
	"github.com/cpsgate/cpsgate/revision"
)

// Registry returns the problems of st's registry: the findings of the
// policies of st's gate (the built-in ones and those its configuration
// adds) with base = head = st, deny as errors and warn as
// warnings, and the reviews of unlinked sections. configFile and registry
// are the configuration's path and the registry's.
func Registry(ctx context.Context, st *revision.State, configFile, registry string) ([]cps.Problem, error) {
	eng, err := policies.New(ctx, revision.UserPolicies(st.Gate))
	if err != nil {
		return nil, fmt.Errorf("policies:\n%w", err)
	}
	in := check.BuildInput(st, st, check.Change{Config: configFile, Registry: registry})
	deny, warn, err := eng.Eval(ctx, in)
	if err != nil {
		return nil, err
	}
	var out []cps.Problem
	for _, f := range append(deny, warn...) {
		out = append(out, problem(f))
	}
	return append(out, unlinkedReviews(st)...), nil
}

// problem is a policy finding as lint reports it.
func problem(f result.Finding) cps.Problem {
	sev := cps.SeverityWarning
	if f.Severity == result.Deny {
		sev = cps.SeverityError
	}
	return cps.Problem{Severity: sev, Rule: f.Rule, Pos: diag.Pos{File: f.File, Line: f.Line}, Msg: f.Message}
}

// unlinkedReviews warns of registry reviews that name a section the flag
// does not link, or one the CPS does not have. (The policies judge only the
// reviews a change adds.)
func unlinkedReviews(st *revision.State) []cps.Problem {
	var out []cps.Problem
	if st.Registry == nil {
		return nil
	}
	for _, e := range st.Registry.Flags {
		linked := map[string]bool{}
		for _, id := range e.CPS {
			linked[id] = true
		}
		for _, r := range e.Reviews {
			for _, id := range r.Sections {
				why := ""
				switch _, ok := st.Sections[id]; {
				case !ok:
					why = "which no CPS document has"
				case !linked[id]:
					why = "which the flag does not link"
				default:
					continue
				}
				out = append(out, cps.Problem{Severity: cps.SeverityWarning, Rule: "unlinked_review", Pos: r.Pos,
					Msg: fmt.Sprintf("review of flag %s names section %s, %s", e.Name, id, why)})
			}
		}
	}
	return out
}

// Write sorts problems by position and writes them, one a line made inert,
// and says whether any is an error.
func Write(w io.Writer, problems []cps.Problem) (failed bool) {
	slices.SortStableFunc(problems, func(a, b cps.Problem) int {
		return cmp.Or(a.Pos.Compare(b.Pos), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Msg, b.Msg))
	})
	for _, p := range problems {
		fmt.Fprintf(w, "%s\n", inert.Lines(inert.Value(fmt.Sprintf("%s: %s: %s [%s]", p.Pos, p.Severity, p.Msg, p.Rule))))
		failed = failed || p.Severity == cps.SeverityError
	}
	return failed
}

package main

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/internal/inert"
)

func (e *env) lintCommand() *cobra.Command {
	o := &inspectOptions{}
	cmd := &cobra.Command{
		Use:   "lint [file.md...]",
		Short: "Check the CPS outline and the registry",
		Long: `lint checks the CPS documents against the RFC 3647 outline (every section
present and in order, no numbering gaps, no empty sections) and the registry
against the CPS and the sources (links to missing sections, unregistered or
unlinked flags, reviews of sections a flag does not link). With markdown files
as arguments it lints only those documents. Exit 1 when an error is found.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.format = "text"
			var problems []cps.Problem
			if len(args) > 0 {
				docs, err := e.documents(cmd.Context(), o, args)
				if err != nil {
					return err
				}
				problems = cps.Lint(docs)
			} else {
				_, st, err := e.load(cmd.Context(), o)
				if err != nil {
					return err
				}
				problems = append(cps.Lint(st.Docs), lintRegistry(st)...)
			}
			slices.SortStableFunc(problems, func(a, b cps.Problem) int {
				return cmp.Or(a.Pos.Compare(b.Pos), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Msg, b.Msg))
			})
			failed := false
			for _, p := range problems {
				fmt.Fprintf(e.stdout, "%s\n", inert.Lines(inert.Value(fmt.Sprintf("%s: %s: %s [%s]", p.Pos, p.Severity, p.Msg, p.Rule))))
				failed = failed || p.Severity == "error"
			}
			if failed {
				return errDeny
			}
			fmt.Fprintf(e.stdout, "cpsgate lint: %d warnings, no errors\n", len(problems))
			return nil
		},
	}
	o.registerCommon(cmd)
	return cmd
}

// lintRegistry checks the registry against the CPS and the flag sources.
func lintRegistry(st *check.State) []cps.Problem {
	var out []cps.Problem
	add := func(sev, rule string, pos diag.Pos, format string, args ...any) {
		out = append(out, cps.Problem{Severity: sev, Rule: rule, Pos: pos, Msg: fmt.Sprintf(format, args...)})
	}
	registered := map[string]bool{}
	if st.Registry != nil {
		for _, e := range st.Registry.Flags {
			registered[e.Name] = true
			if len(e.CPS) == 0 && e.NoCPSImpact == "" && e.Status != "removed" {
				add("warning", "unlinked_flag", e.Pos, "flag %s links no CPS section; add cps: [...] or no_cps_impact: \"<reason>\"", e.Name)
			}
			linked := map[string]bool{}
			for _, id := range e.CPS {
				linked[id] = true
				if _, ok := st.Sections[id]; !ok {
					add("error", "unknown_section", e.CPSPos, "flag %s links section %s, which no CPS document has", e.Name, id)
				}
			}
			for _, r := range e.Reviews {
				for _, id := range r.Sections {
					if _, ok := st.Sections[id]; !ok {
						add("error", "unknown_section", r.Pos, "review of flag %s names section %s, which no CPS document has", e.Name, id)
					} else if !linked[id] {
						add("warning", "unlinked_review", r.Pos, "review of flag %s names section %s, which the flag does not link", e.Name, id)
					}
				}
			}
		}
	}
	seen := map[string]bool{}
	for _, d := range st.Inventory.Defs {
		if !registered[d.Flag] && !seen[d.Flag] {
			seen[d.Flag] = true
			add("warning", "unregistered_flag", d.Pos, "flag %s has no registry entry", d.Flag)
		}
	}
	for _, s := range st.Inventory.Settings {
		if !registered[s.Flag] && !seen[s.Flag] {
			seen[s.Flag] = true
			add("warning", "unregistered_flag", s.Pos, "flag %s has no registry entry", s.Flag)
		}
	}
	return out
}

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/internal/lint"
)

func (e *env) lintCommand() *cobra.Command {
	o := &inspectOptions{}
	cmd := &cobra.Command{
		Use:   "lint [file.md...]",
		Short: "Check the CPS outline and the registry",
		Long: `lint checks the CPS documents against the RFC 3647 outline (every section
present and in order, no numbering gaps, no empty sections) and the registry
against the CPS and the sources: it evaluates the policies with this revision
as both base and head, and so reports what check reports of a change that
touches nothing (links to missing sections, unregistered or unlinked flags,
pre-existing debt), at the same lines and with the same severities (deny is
an error), and reviews of sections a flag does not link. With markdown files
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
				cfg, st, err := e.load(cmd.Context(), o)
				if err != nil {
					return err
				}
				reg, err := lint.Registry(cmd.Context(), st, cfg.File, cfg.Registry)
				if err != nil {
					return err
				}
				problems = append(cps.Lint(st.Docs), reg...)
			}
			if lint.Write(e.stdout, problems) {
				return errDeny
			}
			fmt.Fprintf(e.stdout, "cpsgate lint: %d warnings, no errors\n", len(problems))
			return nil
		},
	}
	o.registerCommon(cmd)
	return cmd
}

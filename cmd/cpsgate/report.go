package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/gitrepo"
	"github.com/cpsgate/cpsgate/history"
	"github.com/cpsgate/cpsgate/internal/clone"
	"github.com/cpsgate/cpsgate/report"
)

type reportOptions struct {
	from, to, branch, format, out, config, configRev string
	checkouts                                        []string // --cps-checkout values
}

func (e *env) reportCommand() *cobra.Command {
	o := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "report --from DATE|REF --to DATE|REF",
		Short: "Write the quarterly PMA report: every flag and CPS change of a period and its review",
		Long: `report walks the first-parent history of a branch over a period and writes the
report a Policy Management Authority reviews: every flag added, removed,
modified, enabled or disabled and every CPS section added, removed, modified
or renumbered, each with the commit, date, author, pull request and the
review that covers it; per flag its status, links and last review (stale
when the section text changed since); the CPS sections changed with the
flags that need re-review; the unreviewed changes; a traceability matrix
(section x flag); and the CPS sections no flag links. A period that contains
the commit adopting cpsgate starts from the state it left: what was present
at adoption is the inventory, not changes (--config-rev REF reads every
commit with the configuration at REF, to report on history before adoption).

--from and --to are dates (YYYY-MM-DD, UTC, both days included) or git refs
(--from is then the last commit before the period, as in FROM..TO). With
dates, the history walked is that of --branch (default HEAD); with a ref as
--to, that of the ref.

A change counts as reviewed when a review of the flag covering each section
it links is recorded in the same commit or a later one of the period: in the
flag registry, or in the commit message (a squash merge carries the PR
description: cps-review blocks and "CPS Compliance Review:" paragraphs).

Formats: md (GitHub markdown), html (self-contained, printable), json
(documented in report/README.md), csv (the events) and matrix-csv (the
traceability matrix). The report goes to stdout, or to -o FILE; the same
range always gives byte-identical output. Progress goes to stderr when it is
a terminal.

Exit codes: 0 the report is written and every change that needed a review
has one; 1 the report is written and lists unreviewed changes or unreadable
revisions; 2 no report (bad date or ref, unreadable repository).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.runReport(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.from, "from", "", "start of the period: `DATE` (YYYY-MM-DD) or ref of the last commit before it")
	f.StringVar(&o.to, "to", "", "end of the period: `DATE` (YYYY-MM-DD, included) or ref")
	f.StringVar(&o.branch, "branch", "HEAD", "the branch whose first-parent history is walked when --to is a date")
	f.StringVar(&o.format, "format", "md", "output format: "+strings.Join(report.FormatNames, ", "))
	f.StringVarP(&o.out, "output", "o", "", "write the report to `file` instead of stdout")
	f.StringVar(&o.config, "config", config.DefaultFile, "configuration `path`, relative to the repository root")
	f.StringVar(&o.configRev, "config-rev", "", "read every commit with the configuration at `REF` instead of its own (history from before adoption)")
	f.StringArrayVar(&o.checkouts, "cps-checkout", nil, clone.FlagUsage)
	_ = cmd.MarkFlagRequired("from")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

func (e *env) runReport(ctx context.Context, o *reportOptions) error {
	renderer, ok := report.For(o.format)
	if !ok {
		return fmt.Errorf("unknown format %q (known: %s)", o.format, strings.Join(report.FormatNames, ", "))
	}
	if err := config.CheckPath(o.config); err != nil {
		return fmt.Errorf("--config: %w", err)
	}
	repo, err := gitrepo.Open(ctx, e.dir)
	if err != nil {
		return err
	}
	defer repo.Close()
	dirs, err := e.parseCheckouts(o.checkouts)
	if err != nil {
		return err
	}
	var progress func(done, total int)
	if isTerminal(e.stderr) {
		progress = history.Progress(e.stderr)
	}
	in, err := history.Load(ctx, repo, history.Options{From: o.from, To: o.to, Branch: o.branch, Config: o.config, ConfigRev: o.configRev, External: clone.VersionedReader(ctx, dirs, repo.Root()), Progress: progress})
	if err != nil {
		return err
	}
	in.Links = report.LinksFromEnv(e.getenv)
	rep, err := report.Build(ctx, *in)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := renderer.Render(&buf, rep); err != nil {
		return err
	}
	if o.out != "" {
		if err := os.WriteFile(e.path(o.out), buf.Bytes(), 0o644); err != nil {
			return err
		}
	} else if _, err := e.stdout.Write(buf.Bytes()); err != nil {
		return err
	}
	if len(rep.Unreviewed) > 0 || len(rep.Problems) > 0 {
		return errDeny
	}
	return nil
}

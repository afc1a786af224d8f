package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/evidence"
	"github.com/cpsgate/cpsgate/gitrepo"
	"github.com/cpsgate/cpsgate/history"
	"github.com/cpsgate/cpsgate/internal/clone"
	"github.com/cpsgate/cpsgate/internal/gctune"
	"github.com/cpsgate/cpsgate/report"
)

// reportHeapBudget is the heap a report keeps within (gctune.Budget).
const reportHeapBudget = 160 << 20

type reportOptions struct {
	from, to, branch, format, out, config, configRev string
	results                                          string   // --test-results
	checkouts                                        []string // --cps-checkout values
}

func (e *env) reportCommand() *cobra.Command {
	o := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "report --from DATE|REF --to DATE|REF",
		Short: "Write the quarterly PMA report: every flag and CPS change of a period and its review",
		Long:  report.CommandHelp,
		Args:  cobra.NoArgs,
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
	f.StringVar(&o.results, "test-results", "", "`file` of go test -json output: the last result of each linked test")
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
	// A year of history allocates gigabytes and keeps tens of megabytes.
	defer gctune.Budget(e.getenv, reportHeapBudget)()
	in, err := history.Load(ctx, repo, history.Options{From: o.from, To: o.to, Branch: o.branch, Config: o.config, ConfigRev: o.configRev, External: clone.VersionedReader(ctx, dirs, repo.Root()), Progress: progress, Prepare: report.Prepare})
	if err != nil {
		return err
	}
	in.Links = report.LinksFromEnv(e.getenv)
	if o.results != "" {
		if in.TestResults, err = evidence.ReadResultsFile(e.path(o.results)); err != nil {
			return err
		}
	}
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

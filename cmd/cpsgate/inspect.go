package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/gitrepo"
	"github.com/cpsgate/cpsgate/internal/clone"
	"github.com/cpsgate/cpsgate/internal/inspect"
	"github.com/cpsgate/cpsgate/revision"
)

// inspectOptions are shared by the commands that read one revision.
type inspectOptions struct {
	rev       string
	config    string
	format    string
	checkouts []string
}

func (o *inspectOptions) register(cmd *cobra.Command, formats string) {
	f := cmd.Flags()
	o.registerCommon(cmd)
	f.StringVar(&o.format, "format", "text", "output format: "+formats)
}

// registerCommon registers the flags every inspecting command takes.
func (o *inspectOptions) registerCommon(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.rev, "rev", "", "read this `ref` instead of the work tree")
	f.StringVar(&o.config, "config", config.DefaultFile, "configuration `path`, relative to the repository root")
	f.StringArrayVar(&o.checkouts, "cps-checkout", nil, clone.FlagUsage)
}

// load reads the configuration and the state of one revision.
func (e *env) load(ctx context.Context, o *inspectOptions) (*config.Config, *check.State, error) {
	if o.format != "text" && o.format != "json" {
		return nil, nil, fmt.Errorf("unknown format %q (known: json, text)", o.format)
	}
	repo, err := gitrepo.Open(ctx, e.dir)
	if err != nil {
		return nil, nil, err
	}
	defer repo.Close()
	var snap check.Snapshot = repo.WorkTree()
	if o.rev != "" {
		sha, err := repo.Resolve(o.rev)
		if err != nil {
			return nil, nil, err
		}
		snap = repo.Commit(sha)
	}
	cfg, _, err := revision.LoadConfig(snap, snap, o.config)
	if err != nil {
		return nil, nil, err
	}
	dirs, err := e.parseCheckouts(o.checkouts)
	if err != nil {
		return nil, nil, err
	}
	st, err := check.Load(snap, cfg, clone.Reader(ctx, dirs, repo.Root()), false, nil)
	return cfg, st, err
}

func (e *env) sectionsCommand() *cobra.Command {
	o := &inspectOptions{}
	cmd := &cobra.Command{
		Use:   "sections [file.md...]",
		Short: "List the CPS sections with their IDs, positions and hashes",
		Long: `sections lists the numbered sections of the configured CPS documents (or of
the markdown files named as arguments), in document order.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			docs, err := e.documents(cmd.Context(), o, args)
			if err != nil {
				return err
			}
			return inspect.WriteSections(e.stdout, docs, o.format == "json")
		},
	}
	o.register(cmd, "text, json")
	return cmd
}

// documents parses the named markdown files, or the configured CPS.
func (e *env) documents(ctx context.Context, o *inspectOptions, files []string) ([]*cps.Document, error) {
	if len(files) == 0 {
		_, st, err := e.load(ctx, o)
		if err != nil {
			return nil, err
		}
		return st.Docs, nil
	}
	if o.format != "text" && o.format != "json" {
		return nil, fmt.Errorf("unknown format %q (known: json, text)", o.format)
	}
	return inspect.Documents(ctx, e.dir, o.rev, files, func(f string) ([]byte, error) { return readLimited(e.path(f), cps.MaxSize) })
}

// listCommand is `flags` or `parameters`: one revision's list, as text or
// JSON.
func (e *env) listCommand(use, short string, write func(io.Writer, *check.State, bool) error) *cobra.Command {
	o := &inspectOptions{}
	cmd := &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs, RunE: func(cmd *cobra.Command, _ []string) error {
		_, st, err := e.load(cmd.Context(), o)
		if err != nil {
			return err
		}
		return write(e.stdout, st, o.format == "json")
	}}
	o.register(cmd, "text, json")
	return cmd
}

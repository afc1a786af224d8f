package main

import (
	"embed"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/cpsgate/cpsgate/internal/demo"
)

// demoFiles is the example repository the demo builds: a small CPS in RFC
// 3647 shape, a flag registry, a Go features struct and deployment configs.
//
//go:embed all:demo
var demoFiles embed.FS

func (e *env) demoCommand() *cobra.Command {
	var keep bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Show the check on an embedded example: a flag enabled without review fails, then passes",
		Long: `demo builds a throwaway git repository from an embedded example CA (a CPS, a
flag registry, a Go features struct, deployment configs), makes a change that
enables a flag in production, runs the check as CI would (it fails and prints
the review to write), adds that review to the change's description and runs
the check again (it passes). With --keep the repository stays where it was
built, and its path is printed last, to look at with git or to try cpsgate's
other commands on.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := os.MkdirTemp("", "cpsgate-demo-")
			if err != nil {
				return err
			}
			if !keep {
				defer os.RemoveAll(dir)
			}
			sub, err := fs.Sub(demoFiles, "demo")
			if err != nil {
				return err
			}
			if err := demo.Run(cmd.Context(), dir, keep, sub, e.stdout, func(args []string, out, errs io.Writer) int {
				return Main(args, e.stdin, out, errs)
			}); err != nil {
				return err
			}
			if keep {
				fmt.Fprintf(e.stdout, "\nThe demo repository is kept at %s (branches main, enable-async-finalize and template-crl-updater).\n", dir)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&keep, "keep", false, "keep the demo repository and print its path instead of deleting it")
	return cmd
}

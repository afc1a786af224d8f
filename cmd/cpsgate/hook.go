package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/cpsgate/cpsgate/ci/precommit"
	"github.com/cpsgate/cpsgate/gitrepo"
)

func (e *env) hookCommand() *cobra.Command {
	hook := &cobra.Command{
		Use:   "hook",
		Short: "Manage the git pre-commit hook (for those not using the pre-commit framework)",
	}
	var force bool
	var bin string
	install := &cobra.Command{
		Use:   "install",
		Short: "Write a pre-commit hook that runs `cpsgate check --staged`",
		Long: `install writes the repository's pre-commit hook (honouring core.hooksPath) so
that a commit whose staged flag changes lack a review is blocked. An existing
hook not written by cpsgate is left alone unless --force is given.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			repo, err := gitrepo.Open(cmd.Context(), e.dir)
			if err != nil {
				return err
			}
			defer repo.Close()
			dir, err := repo.GitPath("hooks")
			if err != nil {
				return err
			}
			path := filepath.Join(dir, "pre-commit")
			old, err := os.ReadFile(path)
			switch {
			case errors.Is(err, fs.ErrNotExist):
			case err != nil:
				return err
			case !precommit.IsOurs(old) && !force:
				return fmt.Errorf("%s exists and was not written by cpsgate; add `%s check --staged` to it, or pass --force to replace it", path, bin)
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, precommit.Script(bin), 0o755); err != nil {
				return err
			}
			_, err = fmt.Fprintf(e.stdout, "installed %s\n", path)
			return err
		},
	}
	install.Flags().BoolVar(&force, "force", false, "replace an existing hook not written by cpsgate")
	install.Flags().StringVar(&bin, "binary", "cpsgate", "the cpsgate `command` the hook runs")
	hook.AddCommand(install)
	return hook
}

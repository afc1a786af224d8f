package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/internal/explain"
	"github.com/cpsgate/cpsgate/policies"
)

func (e *env) explainCommand() *cobra.Command {
	o := &inspectOptions{format: "text"}
	cmd := &cobra.Command{
		Use:   "explain FLAG|PARAMETER|SECTION|RULE",
		Short: "Everything known about one flag, parameter, CPS section or rule",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rules, err := policies.Rules()
			if err != nil {
				return err
			}
			_, st, err := e.load(cmd.Context(), o)
			if err != nil {
				return err
			}
			ok, err := explain.Write(e.stdout, st, rules, args[0])
			if err == nil && !ok {
				err = fmt.Errorf("%q is no flag, parameter, CPS section or rule (see cpsgate flags, parameters, sections)", args[0])
			}
			return err
		},
	}
	cmd.Flags().StringVar(&o.rev, "rev", "", "read this `ref` instead of the work tree")
	cmd.Flags().StringVar(&o.config, "config", config.DefaultFile, "configuration `path`, relative to the repository root")
	return cmd
}

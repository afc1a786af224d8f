package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/internal/adopt"
)

func (e *env) initCommand() *cobra.Command {
	var (
		force             bool
		cpsPaths          []string
		registry, cfgPath string
	)
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Draft .cpsgate.yaml and a flag registry with suggested CPS links",
		Long: `init finds the CPS (markdown with numbered sections), the flags in Go source
(structs of bool fields; iota enums with a map[Type]bool of defaults) and in
JSON/YAML configuration (maps of booleans under features:, flags: ...), writes
.cpsgate.yaml and drafts a registry entry for every flag: its doc comment as
description, and the CPS sections that best match it as comments. No flag is
linked until a human writes its sections under cps:. Existing files are kept
unless --force.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, p := range append([]string{cfgPath, registry}, cpsPaths...) {
				if err := config.CheckPath(p); err != nil {
					return err
				}
			}
			if !force {
				for _, p := range []string{cfgPath, registry} {
					if _, err := os.Lstat(e.path(p)); !errors.Is(err, fs.ErrNotExist) {
						return fmt.Errorf("%s exists; pass --force to overwrite it", p)
					}
				}
			}
			tree, err := adopt.NewTree(os.DirFS(e.dir))
			if err != nil {
				return err
			}
			found, err := tree.Detect(cpsPaths, []string{cfgPath, registry})
			if err != nil {
				return err
			}
			res, err := adopt.Plan(tree, found, cfgPath, registry)
			if err != nil {
				return err
			}
			for _, f := range []struct {
				path string
				data []byte
			}{{cfgPath, res.Config}, {registry, res.Registry}} {
				if err := os.MkdirAll(filepath.Dir(e.path(f.path)), 0o755); err != nil {
					return err
				}
				if err := os.WriteFile(e.path(f.path), f.data, 0o644); err != nil {
					return err
				}
			}
			_, err = fmt.Fprint(e.stdout, adopt.Summary(res, cfgPath, registry))
			return err
		},
	}
	f := cmd.Flags()
	f.BoolVar(&force, "force", false, "overwrite an existing configuration or registry")
	f.StringArrayVar(&cpsPaths, "cps", nil, "the CPS markdown `file` (repeat for several); default: found")
	f.StringVar(&registry, "registry", "flags/registry.yaml", "the registry `path` to write")
	f.StringVar(&cfgPath, "config", config.DefaultFile, "the configuration `path` to write")
	return cmd
}

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/internal/regedit"
)

func (e *env) reviewCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "review", Short: "Record reviews of flags and parameters against CPS sections", Args: cobra.NoArgs}
	var sections []string
	var reviewer, verdict, notes, cfgPath string
	add := &cobra.Command{
		Use:   "add FLAG|PARAMETER",
		Short: "Append a review to a flag's or parameter's registry entry, with today's date and the sections' current hashes",
		Long: `review add appends a review of FLAG (or PARAMETER) to its registry entry, editing
the file's text (comments and layout are kept): today's date, the reviewer, the
sections (default: the entry's links) with their current hashes, the CPS version, and
notes written in $EDITOR (or given with --notes). Added in a change, the
review is the change author's claim until the reviewer approves the change.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, st, err := e.load(cmd.Context(), &inspectOptions{format: "text", config: cfgPath})
			if err != nil {
				return err
			}
			today, err := check.Today(e.getenv("CPSGATE_TODAY"), time.Now())
			if err != nil {
				return err
			}
			r, err := regedit.Draft(st, cfg.Registry, func(p string) ([]byte, error) { return os.ReadFile(e.path(p)) }, args[0], sections, reviewer, verdict, today)
			if err != nil {
				return err
			}
			if notes == "" {
				if notes, err = e.editNotes(regedit.NotesTemplate(r)); err != nil {
					return err
				}
			}
			if r.Notes = notes; notes == "" {
				return errors.New("no notes: the review is not recorded")
			}
			path := e.path(cfg.Registry)
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out, err := regedit.AppendReview(cfg.Registry, src, args[0], r)
			if err != nil {
				return err
			}
			if err := os.WriteFile(path, out, 0o644); err != nil {
				return err
			}
			_, err = fmt.Fprintf(e.stdout, "added a review of %s by %s (%v) to %s: it counts once %s approves the change that adds it\n", r.Flag+r.Parameter, r.Reviewer, r.Sections, cfg.Registry, r.Reviewer)
			return err
		},
	}
	f := add.Flags()
	f.StringSliceVar(&sections, "sections", nil, "reviewed section `IDs` (default: the flag's links)")
	f.StringVar(&reviewer, "reviewer", "", "who reviewed: a login or e-mail address")
	f.StringVar(&verdict, "verdict", "compliant", "compliant, cps-updated or not-applicable")
	f.StringVar(&notes, "notes", "", "the review's notes (default: written in $EDITOR)")
	f.StringVar(&cfgPath, "config", config.DefaultFile, "configuration `path`, relative to the repository root")
	cmd.AddCommand(add)
	return cmd
}

// editNotes opens $EDITOR on a file holding template and returns the notes
// written in it.
func (e *env) editNotes(template string) (string, error) {
	editor := e.getenv("EDITOR")
	if editor == "" {
		return "", errors.New("no notes: set EDITOR or pass --notes")
	}
	dir, err := os.MkdirTemp("", "cpsgate-review-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "NOTES")
	if err := os.WriteFile(file, []byte(template), 0o600); err != nil {
		return "", err
	}
	cmd := exec.Command("sh", "-c", editor+` "$1"`, "sh", file)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = e.stdin, e.stderr, e.stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("$EDITOR (%s): %w", editor, err)
	}
	text, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	return regedit.ParseNotes(string(text)), nil
}

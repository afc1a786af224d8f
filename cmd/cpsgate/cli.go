package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"

	"github.com/spf13/cobra"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/internal/clone"
	"github.com/cpsgate/cpsgate/internal/inert"
	"github.com/cpsgate/cpsgate/internal/inspect"
	"github.com/cpsgate/cpsgate/internal/version"
)

// Exit codes, for every command.
const (
	ExitPass  = 0 // no finding of severity deny
	ExitDeny  = 1 // at least one deny finding
	ExitError = 2 // the tool could not decide: bad input, unreadable git state, policy error
)

// errDeny reports that the command ran and found deny findings.
var errDeny = errors.New("deny findings")

// env is what a command may touch: its streams and working directory.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	dir            string // -C: the directory to run in
	getenv         func(string) string
	httpClient     *http.Client // for the GitHub API; nil: a default client
}

// Main runs cpsgate with args (without the program name) and returns the
// exit code. Nothing below it exits the process.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, dir: ".", getenv: os.Getenv}
	return e.main(args)
}

// main runs the command line args in e and returns the exit code.
func (e *env) main(args []string) int {
	stdin, stdout, stderr := e.stdin, e.stdout, e.stderr
	root := e.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(context.Background())
	switch {
	case err == nil:
		return ExitPass
	case errors.Is(err, errDeny):
		return ExitDeny
	default:
		// Error messages quote repository text (keys, names, paths): show
		// its control characters escaped and let no line of it be a CI
		// runner's command.
		msg := inert.Lines(inert.Text(err.Error()))
		if positioned.MatchString(msg) {
			// Keep "file:line: message" at the start of a line, where
			// editors and CI annotations look for it.
			fmt.Fprintf(stderr, "cpsgate: cannot decide:\n%s\n", msg)
		} else {
			fmt.Fprintf(stderr, "cpsgate: %s\n", msg)
		}
		return ExitError
	}
}

// positioned matches an error message that starts with a file position.
var positioned = regexp.MustCompile(`^[^\s:]+:\d+[:\s]`)

func (e *env) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "cpsgate",
		Short: "Keep CA software honest to its CPS: flags, CPS sections and their reviews",
		Long: `cpsgate links the numbered sections of a CPS (markdown, RFC 3647 outline) to the
feature flags of the CA software, and fails a change that adds, modifies,
enables or disables a flag without a review of its linked sections.

Exit codes: 0 no deny finding, 1 at least one deny finding, 2 could not decide.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version.Get().Version,
	}
	root.PersistentFlags().StringVarP(&e.dir, "directory", "C", ".", "run as if started in `dir`")
	root.AddCommand(
		e.checkCommand(),
		e.sectionsCommand(),
		e.listCommand("flags", "List flags with their CPS links, sources and last review", func(w io.Writer, st *check.State, j bool) error {
			return inspect.WriteFlags(w, inspect.Flags(st), j)
		}),
		e.listCommand("parameters", "List configuration parameters with their bounds and values per environment", func(w io.Writer, st *check.State, j bool) error {
			return inspect.WriteParameters(w, inspect.Parameters(st), j)
		}),
		e.lintCommand(),
		e.reportCommand(),
		e.demoCommand(),
		e.hookCommand(),
		e.initCommand(),
		e.reviewCommand(),
		e.explainCommand(),
		e.versionCommand(),
	)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())
	})
	return root
}

func (e *env) versionCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build date and the Go and OPA versions",
		Long: `version prints cpsgate's version, the commit and date it was built from, and
the versions of Go and OPA it was built with. A release binary carries them
from its build; a go install or pre-commit build takes them from the module
version and the git revision Go recorded.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return version.Get().Write(e.stdout, format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// parseCheckouts reads the clones named by --cps-checkout REPO=DIR values
// and by $CPSGATE_CPS_CHECKOUT; relative directories are taken from -C.
func (e *env) parseCheckouts(values []string) (map[string]string, error) {
	return clone.Dirs(values, e.getenv(clone.Env), e.path)
}

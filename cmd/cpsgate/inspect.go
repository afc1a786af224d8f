package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/gitrepo"
	"github.com/cpsgate/cpsgate/internal/clone"
	"github.com/cpsgate/cpsgate/internal/inert"
	"github.com/cpsgate/cpsgate/review"
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
	f.StringArrayVar(&o.checkouts, "cps-checkout", nil, checkoutFlagUsage)
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

// sectionJSON is one element of `sections --format json`.
type sectionJSON struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Level  int    `json:"level"`
	File   string `json:"file"`
	Line   int    `json:"line"`
	Anchor string `json:"anchor"`
	Hash   string `json:"hash"`
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
			list := []sectionJSON{}
			for _, d := range docs {
				for _, s := range d.Sections {
					list = append(list, sectionJSON{s.ID, s.Title, s.Level, s.Pos.File, s.Pos.Line, s.Anchor, s.Hash})
				}
			}
			if o.format == "json" {
				return encodeJSON(e.stdout, list)
			}
			tw := inertTable(e.stdout)
			for _, s := range list {
				fmt.Fprintf(tw, "%s%s\t%s\t%s:%d\t%s\n", strings.Repeat("  ", strings.Count(s.ID, ".")), s.ID, s.Title, s.File, s.Line, s.Hash[:min(len(s.Hash), 19)])
			}
			return tw.Flush()
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
	read := func(f string) ([]byte, error) { return readLimited(e.path(f), cps.MaxSize) }
	if o.rev != "" {
		// The files as they are at --rev, named relative to -C.
		repo, err := gitrepo.Open(ctx, e.dir)
		if err != nil {
			return nil, err
		}
		defer repo.Close()
		sha, err := repo.Resolve(o.rev)
		if err != nil {
			return nil, err
		}
		snap := repo.Commit(sha)
		root := clone.RealPath(repo.Root())
		read = func(f string) ([]byte, error) {
			p := e.path(f)
			full := filepath.Join(clone.RealPath(filepath.Dir(p)), filepath.Base(p))
			rel, err := filepath.Rel(root, full)
			if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return nil, fmt.Errorf("%s: with --rev, a file must be inside the repository %s", f, repo.Root())
			}
			return snap.ReadFile(filepath.ToSlash(rel))
		}
	}
	var docs []*cps.Document
	for _, f := range files {
		src, err := read(f)
		if err != nil {
			return nil, err
		}
		doc, err := cps.Parse(f, src)
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	_, err := cps.Index(docs)
	return docs, err
}

// flagJSON is one element of `flags --format json`.
type flagJSON struct {
	Name        string         `json:"name"`
	Registered  bool           `json:"registered"`
	Status      string         `json:"status,omitempty"`
	Sections    []string       `json:"sections"`
	NoCPSImpact string         `json:"no_cps_impact,omitempty"`
	Sources     []string       `json:"sources"`
	LastReview  *lastReviewDoc `json:"last_review"`
}

type lastReviewDoc struct {
	Date     string `json:"date"`
	Reviewer string `json:"reviewer"`
	Verdict  string `json:"verdict"`
	Stale    bool   `json:"stale"`
}

func (e *env) flagsCommand() *cobra.Command {
	o := &inspectOptions{}
	cmd := &cobra.Command{
		Use:   "flags",
		Short: "List flags with their CPS links, sources and last review",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, st, err := e.load(cmd.Context(), o)
			if err != nil {
				return err
			}
			list := flagList(st)
			if o.format == "json" {
				return encodeJSON(e.stdout, list)
			}
			tw := inertTable(e.stdout)
			fmt.Fprintln(tw, "FLAG\tSTATUS\tCPS\tSOURCES\tLAST REVIEW")
			for _, f := range list {
				status := f.Status
				if !f.Registered {
					status = "UNREGISTERED"
				}
				links := strings.Join(f.Sections, ",")
				if links == "" {
					links = "-"
				}
				last := "none"
				if r := f.LastReview; r != nil {
					last = fmt.Sprintf("%s %s %s", r.Date, r.Reviewer, r.Verdict)
					if r.Stale {
						last += " (STALE)"
					}
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Name, status, links, strings.Join(f.Sources, " "), last)
			}
			return tw.Flush()
		},
	}
	o.register(cmd, "text, json")
	return cmd
}

// flagList joins the registry and the sources of one state, by flag name.
func flagList(st *check.State) []flagJSON {
	byName := map[string]*flagJSON{}
	get := func(name string) *flagJSON {
		if f, ok := byName[name]; ok {
			return f
		}
		f := &flagJSON{Name: name, Sections: []string{}, Sources: []string{}}
		byName[name] = f
		return f
	}
	if st.Registry != nil {
		for _, entry := range st.Registry.Flags {
			f := get(entry.Name)
			f.Registered, f.Status, f.NoCPSImpact = true, entry.Status, entry.NoCPSImpact
			f.Sections = append(f.Sections, entry.CPS...)
			f.LastReview = lastReview(entry.Reviews, st)
		}
	}
	for _, d := range st.Inventory.Defs {
		f := get(d.Flag)
		f.Sources = append(f.Sources, d.Pos.File+":"+fmt.Sprint(d.Pos.Line))
	}
	for _, s := range st.Inventory.Settings {
		f := get(s.Flag)
		f.Sources = append(f.Sources, fmt.Sprintf("%s=%t", s.Env, s.Value))
	}
	var list []flagJSON
	for _, name := range sortedNames(byName) {
		list = append(list, *byName[name])
	}
	return list
}

// lastReview is the newest review by date; stale when a section hash it
// recorded no longer matches.
func lastReview(reviews []review.Review, st *check.State) *lastReviewDoc {
	if len(reviews) == 0 {
		return nil
	}
	last := slices.MaxFunc(reviews, func(a, b review.Review) int { return strings.Compare(a.Date, b.Date) })
	doc := &lastReviewDoc{Date: last.Date, Reviewer: last.Reviewer, Verdict: last.Verdict}
	for id, h := range last.SectionHashes {
		if s, ok := st.Sections[id]; !ok || s.Hash != h {
			doc.Stale = true
		}
	}
	return doc
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func encodeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(inert.JSON(b.Bytes()))
	return err
}

// inertTable is a tabwriter for a text listing: control characters in
// repository text shown escaped and no line a CI runner reads as a command.
// Its Flush writes to w.
func inertTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(&inertWriter{w: w}, 0, 4, 2, ' ', 0)
}

// inertWriter makes each Write inert; tabwriter writes whole lines.
type inertWriter struct{ w io.Writer }

func (iw *inertWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(iw.w, inert.Lines(inert.Text(string(p)))); err != nil {
		return 0, err
	}
	return len(p), nil
}

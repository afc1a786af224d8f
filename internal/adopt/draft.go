package adopt

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/internal/suggest"
)

// Suggestions is how many ranked sections a drafted entry explains.
const Suggestions = 3

// Draft is the drafted registry entry of one flag.
type Draft struct {
	Flag        string
	Description string
	Kinds       []string        // source kinds that declare or set it
	Suggested   []suggest.Match // best first; never links
}

// Result is what init writes.
type Result struct {
	Found    *Found
	Drafts   []Draft // sorted by flag
	Config   []byte  // the .cpsgate.yaml text
	Registry []byte  // the registry text
}

// Plan drafts the configuration and the registry from what Detect found.
// configFile and registry are the paths to write, relative to the root. The
// texts are decoded as cpsgate will read them, and the sources discovered
// in tree, before Plan returns them.
func Plan(tree *Tree, found *Found, configFile, registry string) (*Result, error) {
	if len(found.CPS) == 0 {
		return nil, fmt.Errorf("no CPS found (a markdown file with at least %d numbered section headings such as \"## 4.9 Certificate revocation\"): name it with --cps", MinSections)
	}
	if len(found.Sources) == 0 {
		return nil, errors.New("no flag source found (a Go struct of bool fields, a Go iota enum with a map[Type]bool of defaults, or JSON/YAML files with a map of booleans under features:, flags: ...)")
	}
	res := &Result{Found: found}
	res.Config = configText(found, registry)
	cfg, err := config.Decode(configFile, res.Config)
	if err != nil {
		return nil, fmt.Errorf("the drafted configuration does not decode (a bug): %w", err)
	}
	inv, err := flags.Discover(tree, cfg.Sources)
	if err != nil {
		return nil, err
	}
	res.Drafts = Drafts(inv, found.CPS)
	res.Registry = registryText(res.Drafts)
	if _, err := flags.DecodeRegistry(registry, res.Registry); err != nil {
		return nil, fmt.Errorf("the drafted registry does not decode (a bug): %w", err)
	}
	return res, nil
}

// Index returns the ranking index of the sections of docs, each section
// with its parents' titles as context.
func Index(docs []*cps.Document) *suggest.Index {
	titles := map[string]string{}
	for _, d := range docs {
		for _, s := range d.Sections {
			titles[s.ID] = s.Title
		}
	}
	var list []suggest.Doc
	for _, d := range docs {
		for _, s := range d.Sections {
			var parents []string
			id := s.ID
			for {
				i := strings.LastIndexByte(id, '.')
				if i < 0 {
					break
				}
				id = id[:i]
				parents = append(parents, titles[id])
			}
			text := s.Text
			for _, h := range s.Headings {
				text += " " + h.Title
			}
			list = append(list, suggest.Doc{ID: s.ID, Title: s.Title, Context: strings.Join(parents, " "), Text: text})
		}
	}
	return suggest.NewIndex(list)
}

// Drafts returns a draft per flag of inv, sorted by name, with the
// Suggestions best sections of docs.
func Drafts(inv *flags.Inventory, docs []*cps.Document) []Draft {
	ix := Index(docs)
	byName := map[string]*Draft{}
	var names []string
	get := func(name string) *Draft {
		d := byName[name]
		if d == nil {
			d = &Draft{Flag: name}
			byName[name] = d
			names = append(names, name)
		}
		return d
	}
	for _, def := range inv.Defs {
		d := get(def.Flag)
		if d.Description == "" {
			d.Description = def.Description
		}
		if !slices.Contains(d.Kinds, def.Kind) {
			d.Kinds = append(d.Kinds, def.Kind)
		}
	}
	for _, s := range inv.AllSettings() {
		d := get(s.Flag)
		if !slices.Contains(d.Kinds, s.Kind) {
			d.Kinds = append(d.Kinds, s.Kind)
		}
	}
	slices.Sort(names)
	out := make([]Draft, 0, len(names))
	for _, n := range names {
		d := byName[n]
		d.Suggested = ix.Rank(suggest.Query{Name: d.Flag, Text: d.Description}, Suggestions)
		out = append(out, *d)
	}
	return out
}

// quote returns s as a double-quoted YAML scalar (JSON's escapes are
// YAML's).
func quote(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// configText is the .cpsgate.yaml for what was found.
func configText(found *Found, registry string) []byte {
	var b strings.Builder
	b.WriteString("# Drafted by `cpsgate init`: check the CPS and the sources it found, then\n# commit this file with the registry. See README.md, \"Quick start\".\ncps:\n")
	for _, d := range found.CPS {
		fmt.Fprintf(&b, "  - path: %s\n", quote(d.File))
	}
	fmt.Fprintf(&b, "registry: %s\nsources:\n", quote(registry))
	for _, s := range found.Sources {
		fmt.Fprintf(&b, "  - kind: %s\n", s.Kind)
		for _, f := range flags.Lookup(s.Kind).Fields() {
			if v := s.Get(f.Name); v != "" {
				fmt.Fprintf(&b, "    %s: %s\n", f.Name, quote(v))
			}
		}
	}
	b.WriteString("policies: []\n")
	return []byte(b.String())
}

// registryText is the drafted registry: an entry per flag without links,
// its suggestions as comments.
func registryText(drafts []Draft) []byte {
	var b strings.Builder
	b.WriteString(`# Flag registry drafted by ` + "`cpsgate init`" + `. No flag is linked to the CPS yet:
# for each one, read the suggested sections (ranked by text similarity of the
# flag's name and doc comment with each section's title and text; BM25F) and
# write the right ones under cps: (uncomment the line), or write
# no_cps_impact: "<reason>". A suggestion left as a comment is not a link.
flags:
`)
	for _, d := range drafts {
		fmt.Fprintf(&b, "  - name: %s\n", quote(d.Flag))
		if d.Description != "" {
			fmt.Fprintf(&b, "    description: %s\n", quote(d.Description))
		}
		b.WriteString("    status: active\n")
		if len(d.Suggested) == 0 {
			b.WriteString("    # No CPS section shares a word with this flag: link the sections by hand.\n")
			continue
		}
		b.WriteString("    # Suggested CPS sections (score: matching words):\n")
		for _, m := range d.Suggested {
			fmt.Fprintf(&b, "    #   %-8s %s (%.2f: %s)\n", m.ID, oneLine(m.Title), m.Score, strings.Join(m.Terms, ", "))
		}
		fmt.Fprintf(&b, "    # cps: [%s]\n", quote(d.Suggested[0].ID))
	}
	return []byte(b.String())
}

// oneLine folds white space, for a comment.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Summary is what init prints: what it found and wrote, and what to do next.
func Summary(res *Result, configFile, registry string) string {
	var b strings.Builder
	for _, d := range res.Found.CPS {
		fmt.Fprintf(&b, "CPS: %s (%d sections)\n", d.File, len(d.Sections))
	}
	for _, s := range res.Found.Sources {
		fmt.Fprintf(&b, "source: %s\n", s.Describe())
	}
	withSuggestion := 0
	for _, d := range res.Drafts {
		if len(d.Suggested) > 0 {
			withSuggestion++
		}
	}
	fmt.Fprintf(&b, "wrote %s and %s: %d flags drafted, %d with suggested sections, none linked yet.\n", configFile, registry, len(res.Drafts), withSuggestion)
	fmt.Fprintf(&b, "Next: confirm each flag's sections under cps: in %s, then run cpsgate lint and cpsgate flags.\n", registry)
	return b.String()
}

// Package config reads the repository's cpsgate configuration file
// (.cpsgate.yaml): which CPS documents to parse, where the flag registry is,
// where flags live in code and configuration, and which extra policy
// directories to evaluate.
package config

import (
	"bytes"
	"fmt"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/internal/yamlnode"
)

// DefaultFile is the configuration's path relative to the repository root.
const DefaultFile = ".cpsgate.yaml"

// MaxSize is the largest configuration file accepted.
const MaxSize = 1 << 20

// Config is the decoded configuration.
type Config struct {
	File        string
	CPS         []Document
	Registry    string
	RegistryPos diag.Pos // where the configuration names the registry
	Sources     []flags.SourceSpec
	// Tests are the go-test sources (gotest.go): where the tests linked to
	// CPS sections live.
	Tests    []TestSource
	Policies []string // directories of extra Rego policies, relative to the root
	// Reviewers may attach a review to a change in a pull-request comment
	// (check --github): GitHub logins, and teams written @org/team.
	Reviewers []string
}

// Document is one CPS document. Path alone is a path in this repository.
// With Repo ("owner/name") it is a path in that repository, at Ref when one
// is given: read through a local clone of it (Checkout, --cps-checkout or
// $CPSGATE_CPS_CHECKOUT) or, in the GitHub integration, through the
// repository contents API.
type Document struct {
	Path string
	Repo string
	Ref  string
	// Checkout is where a clone of Repo usually sits, relative to the
	// repository root, slash-separated; it may lead outside the repository
	// ("../cp-cps") and through symbolic links. "" when not configured.
	Checkout string
	Pos      diag.Pos
}

// External reports whether the document is kept in another repository.
func (d Document) External() bool { return d.Repo != "" }

// Name is how messages and findings name the document: its path, or for a
// document of another repository "owner/name@ref:path" ("owner/name:path"
// without a ref).
func (d Document) Name() string {
	if d.Repo == "" {
		return d.Path
	}
	if d.Ref == "" {
		return d.Repo + ":" + d.Path
	}
	return d.Repo + "@" + d.Ref + ":" + d.Path
}

// Decode parses and validates a configuration file strictly: unknown keys
// and missing required ones are errors with their positions.
func Decode(file string, src []byte) (*Config, error) {
	if len(src) > MaxSize {
		return nil, diag.Errorf(diag.Pos{File: file, Line: 1}, "configuration is %d bytes, over the limit of %d", len(src), MaxSize)
	}
	d := &yamlnode.Decoder{File: file}
	roots := d.Parse(bytes.TrimPrefix(src, []byte("\ufeff")))
	switch {
	case len(d.Errs) > 0:
		return nil, d.Errs.Err()
	case len(roots) == 0 || yamlnode.IsNull(roots[0]):
		d.Errs.Add(diag.Pos{File: file, Line: 1}, "configuration is empty; it needs at least cps: and registry:")
		return nil, d.Errs.Err()
	case len(roots) > 1 && !yamlnode.IsNull(roots[1]):
		// An empty one (a trailing ---) is harmless, as in the registry; its
		// node would sit on a line past the end of the file.
		d.Errs.Add(d.Pos(roots[1]), "configuration: a second YAML document is not allowed")
	}
	top := roots[0]
	fields := d.Fields(top, "configuration", "cps", "registry", "sources", "policies", "reviewers")
	if fields == nil {
		return nil, d.Errs.Err()
	}
	c := &Config{File: file}
	if v := d.Required(top, fields, "configuration", "cps"); v != nil {
		c.CPS = documents(d, v)
	}
	if v := d.Required(top, fields, "configuration", "registry"); v != nil {
		c.Registry = relPath(d, v, "registry")
		c.RegistryPos = d.Pos(v)
	}
	if f, ok := fields["sources"]; ok {
		c.Sources, c.Tests = sources(d, f.Value)
	}
	if f, ok := fields["policies"]; ok {
		for _, item := range d.List(f.Value, "policies") {
			c.Policies = append(c.Policies, relPath(d, item, "policies"))
		}
	}
	if f, ok := fields["reviewers"]; ok {
		c.Reviewers = reviewers(d, f.Value)
	}
	if err := d.Errs.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

var (
	loginPattern = regexp.MustCompile(`^@?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$`)
	teamPattern  = regexp.MustCompile(`^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9_.-]+$`)
)

// reviewers reads the list of GitHub logins and @org/team names.
func reviewers(d *yamlnode.Decoder, n *yaml.Node) []string {
	var out []string
	for _, item := range d.List(n, "reviewers") {
		s := d.NonEmpty(item, "reviewer")
		switch {
		case s == "":
		case !loginPattern.MatchString(s) && !teamPattern.MatchString(s):
			d.Errs.Add(d.Pos(item), "reviewer %s is neither a GitHub login nor a team written @org/team", yamlnode.Quote(s))
		default:
			out = append(out, s)
		}
	}
	return out
}

// relPath reads a slash-separated path relative to the repository root.
func relPath(d *yamlnode.Decoder, n *yaml.Node, what string) string {
	p := d.NonEmpty(n, what)
	if p == "" {
		return ""
	}
	if err := CheckPath(p); err != nil {
		d.Errs.Add(d.Pos(n), "%v", err)
	}
	return p
}

// CheckPath validates a repository-relative path.
func CheckPath(p string) error {
	switch {
	case strings.HasPrefix(p, "/"):
		return fmt.Errorf("path %q must be relative to the repository root", p)
	case strings.Contains(p, `\`):
		return fmt.Errorf("path %q must use forward slashes", p)
	case path.Clean(p) != strings.TrimSuffix(p, "/") || strings.HasPrefix(p, "../") || p == "..":
		return fmt.Errorf("path %q must be clean and stay inside the repository", p)
	}
	return nil
}

func documents(d *yamlnode.Decoder, n *yaml.Node) []Document {
	items := d.List(n, "cps")
	if len(items) == 0 && n.Kind != yaml.AliasNode {
		d.Errs.Add(d.Pos(n), "cps must list at least one document")
	}
	var docs []Document
	for _, item := range items {
		fields := d.Fields(item, "cps entry", "path", "repo", "ref", "checkout")
		if fields == nil {
			continue
		}
		doc := Document{Pos: d.Pos(item), Repo: d.Get(fields, "repo"), Ref: d.Get(fields, "ref")}
		if v := d.Required(item, fields, "cps entry", "path"); v != nil {
			doc.Path = relPath(d, v, "path")
		}
		if doc.Repo != "" && !repoPattern.MatchString(doc.Repo) {
			d.Errs.Add(d.Pos(fields["repo"].Value), "repo %s is not a repository written owner/name", yamlnode.Quote(doc.Repo))
		}
		for _, key := range []string{"ref", "checkout"} {
			if f, ok := fields[key]; ok && doc.Repo == "" {
				d.Errs.Add(d.Pos(f.Key), "%s: needs repo: (a CPS document in this repository is read at the revision checked)", key)
			}
		}
		if f, ok := fields["checkout"]; ok {
			doc.Checkout = d.NonEmpty(f.Value, "checkout")
			if err := checkCheckout(doc.Checkout); doc.Checkout != "" && err != nil {
				d.Errs.Add(d.Pos(f.Value), "%v", err)
			}
		}
		docs = append(docs, doc)
	}
	checkouts := map[string]Document{}
	for _, doc := range docs {
		if doc.Repo == "" {
			continue
		}
		if first, ok := checkouts[doc.Repo]; ok && first.Checkout != doc.Checkout {
			d.Errs.Add(doc.Pos, "repository %s has checkout %s here and %s at line %d: name one clone for all its documents",
				doc.Repo, yamlnode.Quote(doc.Checkout), yamlnode.Quote(first.Checkout), first.Pos.Line)
			continue
		}
		checkouts[doc.Repo] = doc
	}
	return docs
}

// repoPattern is a GitHub repository written owner/name.
var repoPattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9_.-]+$`)

// checkCheckout validates the path of a clone: relative to the repository
// root (so the configuration works on every machine), slash-separated and
// clean; unlike other paths it may lead outside the repository.
func checkCheckout(p string) error {
	switch {
	case strings.HasPrefix(p, "/") || strings.HasPrefix(p, "~") || len(p) > 1 && p[1] == ':':
		return fmt.Errorf("checkout %q must be relative to the repository root (for example ../cp-cps), so that it works on every clone", p)
	case strings.Contains(p, `\`):
		return fmt.Errorf("checkout %q must use forward slashes", p)
	case path.Clean(p) != strings.TrimSuffix(p, "/") || p == ".":
		return fmt.Errorf("checkout %q must be a clean path (for example ../cp-cps)", p)
	}
	return nil
}

// VersionChange is a CPS document whose Ref differs between two
// configurations that are otherwise the same.
type VersionChange struct {
	Repo, Path  string
	OldRef, Ref string
	Pos         diag.Pos // of the document in the newer configuration
}

// RefsChanged compares the configuration of a change's base (c) with that
// of its head: when they differ only in the ref: of CPS documents kept in
// other repositories (positions, comments and layout aside), it returns
// those documents; otherwise (no difference, or any other difference) nil.
func (c *Config) RefsChanged(head *Config) []VersionChange {
	if c == nil || head == nil || len(c.CPS) != len(head.CPS) {
		return nil
	}
	var out []VersionChange
	a, b := c.normalized(), head.normalized()
	for i := range a.CPS {
		if a.CPS[i].Ref != b.CPS[i].Ref {
			if a.CPS[i].Repo == "" {
				return nil
			}
			out = append(out, VersionChange{Repo: head.CPS[i].Repo, Path: head.CPS[i].Path, OldRef: c.CPS[i].Ref, Ref: head.CPS[i].Ref, Pos: head.CPS[i].Pos})
			a.CPS[i].Ref = b.CPS[i].Ref
		}
	}
	if len(out) == 0 || !reflect.DeepEqual(a, b) {
		return nil
	}
	return out
}

// normalized is a copy of c without positions, for comparing meaning.
func (c *Config) normalized() *Config {
	n := *c
	n.RegistryPos = diag.Pos{}
	n.CPS = slices.Clone(c.CPS)
	for i := range n.CPS {
		n.CPS[i].Pos = diag.Pos{}
	}
	n.Sources = slices.Clone(c.Sources)
	for i := range n.Sources {
		n.Sources[i].Pos = diag.Pos{}
	}
	n.Tests = slices.Clone(c.Tests)
	for i := range n.Tests {
		n.Tests[i].Pos = diag.Pos{}
	}
	return &n
}

// specKeys are the source fields that SourceSpec holds in fields of its own.
var specKeys = []string{"path", "type", "glob", "key", "environment"}

// sources reads the sources: list. Flag sources are the kinds registered in
// flags; the go-test kind (tests as evidence) is this package's own.
func sources(d *yamlnode.Decoder, n *yaml.Node) ([]flags.SourceSpec, []TestSource) {
	var specs []flags.SourceSpec
	var tests []TestSource
	// The keys an entry may have: kind, and every field of a registered
	// source kind (a kind registered by another package brings its own).
	keys := append([]string{"kind"}, flags.FieldNames()...)
	for _, item := range d.List(n, "sources") {
		fields := d.Fields(item, "source", keys...)
		if fields == nil {
			continue
		}
		s := flags.SourceSpec{
			Pos: d.Pos(item), Type: d.Get(fields, "type"), Glob: d.Get(fields, "glob"),
			Key: d.Get(fields, "key"), Environment: d.Get(fields, "environment"),
		}
		for _, k := range keys[1:] {
			if slices.Contains(specKeys, k) {
				continue // a field of SourceSpec, read above
			}
			if v := d.Get(fields, k); v != "" {
				if s.Extra == nil {
					s.Extra = map[string]string{}
				}
				s.Extra[k] = v
			}
		}
		if v := d.Required(item, fields, "source", "kind"); v != nil {
			s.Kind = d.Enum(v, "kind", append(flags.Kinds(), KindGoTest)...)
		}
		if f, ok := fields["path"]; ok {
			s.Path = relPath(d, f.Value, "path")
		}
		if s.Kind == KindGoTest {
			if t, ok := goTestSource(d, s); ok {
				tests = append(tests, t)
			}
			continue
		}
		for _, msg := range flags.CheckSpec(s) {
			d.Errs.Add(s.Pos, "%s", msg)
		}
		specs = append(specs, s)
	}
	return specs, tests
}

// Paths are every repository path the configuration names as input of the
// check, for deciding whether a commit is relevant.
func (c *Config) Paths() (exact []string, globs []string) {
	exact = append(exact, c.File, c.Registry)
	for _, d := range c.CPS {
		if d.Repo == "" {
			exact = append(exact, d.Path)
		}
	}
	for _, s := range c.Sources {
		if s.Path != "" {
			exact = append(exact, s.Path)
		}
		if fs := flags.ReadsFiles(s); fs != nil && fs.Glob(s) != "" {
			globs = append(globs, fs.Glob(s))
		} else if s.Glob != "" {
			globs = append(globs, s.Glob)
		}
		globs = append(globs, flags.MoreGlobs(s)...)
	}
	for _, t := range c.Tests {
		globs = append(globs, t.Glob)
	}
	for _, p := range c.Policies {
		globs = append(globs, strings.TrimSuffix(p, "/")+"/**")
	}
	return exact, globs
}

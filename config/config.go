// Package config reads the repository's cpsgate configuration file
// (.cpsgate.yaml): which CPS documents to parse, where the flag registry is,
// where flags live in code and configuration, and which extra policy
// directories to evaluate.
package config

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/flags"
)

// DefaultFile is the configuration's path relative to the repository root.
const DefaultFile = ".cpsgate.yaml"

// MaxSize is the largest configuration file accepted.
const MaxSize = 1 << 20

// Config is the decoded configuration.
type Config struct {
	File     string
	CPS      []Document
	Registry string
	Sources  []flags.SourceSpec
	Policies []string // directories of extra Rego policies, relative to the root
}

// Document is one CPS document. Repo and Ref name another repository (read
// through the GitHub integration); Path alone is a path in this repository,
// or, when it starts with "../", a second checkout beside it.
type Document struct {
	Path string
	Repo string
	Ref  string
	Pos  diag.Pos
}

// Decode parses and validates a configuration file strictly: unknown keys
// and missing required ones are errors with their positions.
func Decode(file string, src []byte) (*Config, error) {
	if len(src) > MaxSize {
		return nil, diag.Errorf(diag.Pos{File: file, Line: 1}, "configuration is %d bytes, over the limit of %d", len(src), MaxSize)
	}
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, yamlError(file, err)
	}
	d := decoder{file: file}
	c := &Config{File: file}
	if len(root.Content) == 0 {
		d.errs.Add(diag.Pos{File: file, Line: 1}, "configuration is empty; it needs at least cps: and registry:")
		return nil, d.errs.Err()
	}
	top := root.Content[0]
	d.mapping(top, "configuration", map[string]func(*yaml.Node){
		"cps":      func(n *yaml.Node) { c.CPS = d.documents(n) },
		"registry": func(n *yaml.Node) { c.Registry = d.relPath(n) },
		"sources":  func(n *yaml.Node) { c.Sources = d.sources(n) },
		"policies": func(n *yaml.Node) {
			for _, item := range d.list(n, "policies") {
				c.Policies = append(c.Policies, d.relPath(item))
			}
		},
	}, "cps", "registry")
	return c, d.errs.Err()
}

type decoder struct {
	file string
	errs diag.Errors
}

func (d *decoder) pos(n *yaml.Node) diag.Pos {
	return diag.Pos{File: d.file, Line: n.Line, Col: n.Column}
}

// mapping walks a mapping node, calling the handler of each known key, and
// reports unknown, duplicate and missing required keys.
func (d *decoder) mapping(n *yaml.Node, what string, fields map[string]func(*yaml.Node), required ...string) {
	if n.Kind == yaml.AliasNode {
		d.errs.Add(d.pos(n), "YAML aliases are not allowed in %s", what)
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errs.Add(d.pos(n), "%s must be a mapping", what)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		handle, ok := fields[k.Value]
		switch {
		case !ok:
			d.errs.Add(d.pos(k), "unknown key %q in %s (known: %s)", k.Value, what, knownKeys(fields))
		case seen[k.Value]:
			d.errs.Add(d.pos(k), "key %q appears twice in %s", k.Value, what)
		case v.Kind == yaml.AliasNode:
			d.errs.Add(d.pos(v), "YAML aliases are not allowed in %s", what)
		default:
			handle(v)
		}
		seen[k.Value] = true
	}
	for _, r := range required {
		if !seen[r] {
			d.errs.Add(d.pos(n), "%s needs key %q", what, r)
		}
	}
}

func knownKeys(fields map[string]func(*yaml.Node)) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return strings.Join(keys, ", ")
}

func (d *decoder) list(n *yaml.Node, what string) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		d.errs.Add(d.pos(n), "%s must be a list", what)
		return nil
	}
	return n.Content
}

func (d *decoder) str(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.errs.Add(d.pos(n), "%s must be a string", what)
		return ""
	}
	return n.Value
}

// relPath reads a slash-separated path relative to the repository root.
func (d *decoder) relPath(n *yaml.Node) string {
	p := d.str(n, "a path")
	if p == "" {
		return ""
	}
	if err := CheckPath(p); err != nil {
		d.errs.Add(d.pos(n), "%v", err)
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

func (d *decoder) documents(n *yaml.Node) []Document {
	items := d.list(n, "cps")
	if n.Kind == yaml.SequenceNode && len(items) == 0 {
		d.errs.Add(d.pos(n), "cps must list at least one document")
	}
	var docs []Document
	for _, item := range items {
		doc := Document{Pos: d.pos(item)}
		d.mapping(item, "a cps entry", map[string]func(*yaml.Node){
			"path": func(v *yaml.Node) { doc.Path = d.relPath(v) },
			"repo": func(v *yaml.Node) { doc.Repo = d.str(v, "repo") },
			"ref":  func(v *yaml.Node) { doc.Ref = d.str(v, "ref") },
		}, "path")
		docs = append(docs, doc)
	}
	return docs
}

func (d *decoder) sources(n *yaml.Node) []flags.SourceSpec {
	var specs []flags.SourceSpec
	for _, item := range d.list(n, "sources") {
		s := flags.SourceSpec{Pos: d.pos(item)}
		d.mapping(item, "a source", map[string]func(*yaml.Node){
			"kind":        func(v *yaml.Node) { s.Kind = d.str(v, "kind") },
			"path":        func(v *yaml.Node) { s.Path = d.relPath(v) },
			"type":        func(v *yaml.Node) { s.Type = d.str(v, "type") },
			"glob":        func(v *yaml.Node) { s.Glob = d.str(v, "glob") },
			"key":         func(v *yaml.Node) { s.Key = d.str(v, "key") },
			"environment": func(v *yaml.Node) { s.Environment = d.str(v, "environment") },
		}, "kind")
		d.checkSource(s)
		specs = append(specs, s)
	}
	return specs
}

// checkSource reports fields a source kind needs and fields it does not use.
func (d *decoder) checkSource(s flags.SourceSpec) {
	need := func(ok bool, key string) {
		if !ok {
			d.errs.Add(s.Pos, "a %s source needs %q", s.Kind, key)
		}
	}
	switch s.Kind {
	case flags.KindGoStruct:
		need(s.Path != "", "path")
		need(s.Type != "", "type")
		if s.Glob != "" || s.Key != "" || s.Environment != "" {
			d.errs.Add(s.Pos, "a go-struct source takes path and type only")
		}
	case flags.KindConfig:
		need(s.Glob != "", "glob")
		need(s.Key != "", "key")
		if s.Path != "" || s.Type != "" {
			d.errs.Add(s.Pos, "a config source takes glob, key and environment only")
		}
	case "":
	default:
		d.errs.Add(s.Pos, "unknown source kind %q (known: %s, %s)", s.Kind, flags.KindGoStruct, flags.KindConfig)
	}
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
		if s.Glob != "" {
			globs = append(globs, s.Glob)
		}
	}
	for _, p := range c.Policies {
		globs = append(globs, strings.TrimSuffix(p, "/")+"/**")
	}
	return exact, globs
}

// yamlError turns a yaml.v3 syntax error ("yaml: line 3: ...") into a
// positioned error.
func yamlError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	} else {
		line = 1
	}
	return diag.Errorf(diag.Pos{File: file, Line: line}, "invalid YAML: %s", msg)
}

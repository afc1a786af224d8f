// Package adopt drafts cpsgate's configuration and flag registry for a
// repository that has neither (`cpsgate init`): it finds the CPS, the flags
// in Go source (structs of bool fields, iota enums with a defaults map) and
// in JSON/YAML configuration, and drafts a registry entry per flag with
// suggested CPS links, ranked by internal/suggest, as comments a human
// confirms. A suggestion is never a link.
package adopt

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/gitrepo"
)

// Limits of the walk, so that init on a huge tree fails fast.
const (
	MaxFiles    = 50000   // files looked at
	MaxFileSize = 4 << 20 // larger files are skipped
	// MinSections is how many numbered sections a markdown file needs to be
	// taken for a CPS.
	MinSections = 8
)

// flagMapKeys are the keys that commonly hold a flag map in configuration.
var flagMapKeys = []string{"features", "feature_flags", "featureFlags", "flags", "toggles"}

// Tree is the files of a directory tree, read through fsys.
type Tree struct {
	fsys  fs.FS
	files []string // sorted, slash-separated, regular files only
}

// skipDir reports directories init does not look into.
func skipDir(name string) bool {
	return name != "." && (strings.HasPrefix(name, ".") || name == "vendor" || name == "node_modules" || name == "testdata")
}

// NewTree lists the regular files of fsys, leaving out hidden directories,
// vendor, node_modules and testdata.
func NewTree(fsys fs.FS) (*Tree, error) {
	t := &Tree{fsys: fsys}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && skipDir(d.Name()):
			return fs.SkipDir
		case !d.Type().IsRegular():
			return nil
		}
		if len(t.files) >= MaxFiles {
			return fmt.Errorf("more than %d files under the directory: run init in the repository root", MaxFiles)
		}
		t.files = append(t.files, p)
		return nil
	})
	return t, err
}

// ReadFile reads a file of the tree (flags.FS).
func (t *Tree) ReadFile(name string) ([]byte, error) { return fs.ReadFile(t.fsys, name) }

// Glob returns the files of the tree that pattern matches, ** included (flags.FS).
func (t *Tree) Glob(pattern string) ([]string, error) {
	var out []string
	for _, f := range t.files {
		if gitrepo.Match(pattern, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// read returns a file's contents, or nil when it is too large or unreadable.
func (t *Tree) read(name string) []byte {
	info, err := fs.Stat(t.fsys, name)
	if err != nil || info.Size() > MaxFileSize {
		return nil
	}
	src, err := fs.ReadFile(t.fsys, name)
	if err != nil {
		return nil
	}
	return src
}

// Found is what Detect finds.
type Found struct {
	CPS     []*cps.Document    // markdown files with numbered sections, most sections first
	Sources []flags.SourceSpec // in the order of the files
}

// Detect finds the CPS documents and the flag sources of the tree. cpsPaths,
// when given, name the CPS documents instead of looking for them. skip lists
// files that are not sources (the configuration and registry to write).
func (t *Tree) Detect(cpsPaths []string, skip []string) (*Found, error) {
	f := &Found{}
	var errs []error
	if len(cpsPaths) > 0 {
		for _, p := range cpsPaths {
			src, err := t.ReadFile(p)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			doc, err := cps.Parse(p, src)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			f.CPS = append(f.CPS, doc)
		}
	} else {
		f.CPS = t.findCPS()
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	goSources := t.goSources()
	f.Sources = append(f.Sources, goSources...)
	f.Sources = append(f.Sources, t.configSources(skip)...)
	return f, nil
}

// findCPS returns the markdown files with at least MinSections numbered
// sections, most sections first.
func (t *Tree) findCPS() []*cps.Document {
	var docs []*cps.Document
	for _, p := range t.files {
		if ext := strings.ToLower(path.Ext(p)); ext != ".md" && ext != ".markdown" {
			continue
		}
		src := t.read(p)
		if src == nil {
			continue
		}
		doc, err := cps.Parse(p, src)
		if err != nil || len(doc.Sections) < MinSections {
			continue
		}
		docs = append(docs, doc)
	}
	slices.SortStableFunc(docs, func(a, b *cps.Document) int { return len(b.Sections) - len(a.Sections) })
	return docs
}

// goSources returns a go-struct source for every struct type whose fields
// are all bools, at least two of them exported, and a go-enum source for
// every named type with exported iota constants and a map[Type]bool literal
// in the same package.
func (t *Tree) goSources() []flags.SourceSpec {
	var specs []flags.SourceSpec
	enumConsts := map[string]map[string]bool{} // dir -> types with iota constants
	boolMaps := map[string]map[string]bool{}   // dir -> key types of map[T]bool literals
	var dirs []string
	for _, p := range t.files {
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			continue
		}
		src := t.read(p)
		if src == nil {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), p, src, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		dir := path.Dir(p)
		if enumConsts[dir] == nil {
			enumConsts[dir], boolMaps[dir] = map[string]bool{}, map[string]bool{}
			dirs = append(dirs, dir)
		}
		for _, decl := range file.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gen.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					if st, ok := s.Type.(*ast.StructType); ok && boolStruct(st) {
						specs = append(specs, flags.SourceSpec{Kind: flags.KindGoStruct, Path: p, Type: s.Name.Name})
					}
				case *ast.ValueSpec:
					if id, ok := s.Type.(*ast.Ident); ok && gen.Tok == token.CONST && mentionsIota(s.Values) {
						enumConsts[dir][id.Name] = true
					}
				}
			}
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if m, ok := n.(*ast.MapType); ok {
				if v, ok := m.Value.(*ast.Ident); ok && v.Name == "bool" {
					if k, ok := m.Key.(*ast.Ident); ok {
						boolMaps[dir][k.Name] = true
					}
				}
			}
			return true
		})
	}
	for _, dir := range dirs {
		var types []string
		for typ := range enumConsts[dir] {
			if boolMaps[dir][typ] {
				types = append(types, typ)
			}
		}
		slices.Sort(types)
		for _, typ := range types {
			specs = append(specs, flags.SourceSpec{Kind: flags.KindGoEnum, Path: dir, Type: typ})
		}
	}
	return specs
}

// boolStruct reports whether every field of st is a bool and at least two
// are exported.
func boolStruct(st *ast.StructType) bool {
	exported := 0
	for _, field := range st.Fields.List {
		if id, ok := field.Type.(*ast.Ident); !ok || id.Name != "bool" || len(field.Names) == 0 {
			return false
		}
		for _, n := range field.Names {
			if n.IsExported() {
				exported++
			}
		}
	}
	return exported >= 2
}

// mentionsIota reports whether an expression of exprs uses iota.
func mentionsIota(exprs []ast.Expr) bool {
	found := false
	for _, e := range exprs {
		ast.Inspect(e, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == "iota" {
				found = true
			}
			return !found
		})
	}
	return found
}

// configSources returns a config source per directory, file type and key
// for the JSON and YAML files holding a map of booleans under one of
// flagMapKeys, at any depth.
func (t *Tree) configSources(skip []string) []flags.SourceSpec {
	type group struct{ dir, ext, key string }
	seen := map[group]bool{}
	var specs []flags.SourceSpec
	for _, p := range t.files {
		ext := strings.ToLower(path.Ext(p))
		if (ext != ".json" && ext != ".yaml" && ext != ".yml") || slices.Contains(skip, p) {
			continue
		}
		src := t.read(p)
		if src == nil {
			continue
		}
		var root yaml.Node
		if yaml.Unmarshal(src, &root) != nil {
			continue
		}
		for _, key := range boolMapKeys(&root, 0) {
			g := group{path.Dir(p), path.Ext(p), key}
			if seen[g] {
				continue
			}
			seen[g] = true
			glob := "*" + g.ext
			if g.dir != "." {
				glob = g.dir + "/" + glob
			}
			specs = append(specs, flags.SourceSpec{Kind: flags.KindConfig, Glob: glob, Key: key})
		}
	}
	return specs
}

// boolMapKeys returns the keys of flagMapKeys under which n holds a
// non-empty mapping of booleans, at any depth, in document order.
func boolMapKeys(n *yaml.Node, depth int) []string {
	if depth > flags.MaxConfigDepth {
		return nil
	}
	var out []string
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			out = append(out, boolMapKeys(c, depth+1)...)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if slices.Contains(flagMapKeys, k.Value) && allBools(v) && !slices.Contains(out, k.Value) {
				out = append(out, k.Value)
				continue
			}
			out = append(out, boolMapKeys(v, depth+1)...)
		}
	}
	return out
}

// allBools reports whether n is a non-empty mapping whose values are all
// booleans.
func allBools(n *yaml.Node) bool {
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		return false
	}
	for i := 1; i < len(n.Content); i += 2 {
		if v := n.Content[i]; v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
			return false
		}
	}
	return true
}

package flags

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"

	"github.com/cpsgate/cpsgate/diag"
)

// KindGoEnum is the source kind of enum-style flags in Go: the exported
// constants of a `const ( ... = iota )` block of a named type, with their
// defaults in a `map[Type]bool{...}` literal of the same package.
const KindGoEnum = "go-enum"

func init() { Register(goEnumSource{}) }

// goEnumSource reads an enum type of a Go file or package directory.
type goEnumSource struct{}

func (goEnumSource) Kind() string { return KindGoEnum }

func (goEnumSource) Fields() []Field {
	return []Field{{Name: "path", Required: true}, {Name: "type", Required: true}}
}

func (goEnumSource) Discover(fsys FS, spec SourceSpec, found *Found) error {
	defs, err := discoverGoEnum(fsys, spec)
	found.Defs = append(found.Defs, defs...)
	return err
}

// enumParts is what the files of a package declare of one enum type.
type enumParts struct {
	typeFound bool
	consts    []Definition
	defaults  map[string]bool
	mapPos    *diag.Pos // of the first defaults map
}

// ExtractGoEnum parses one Go source file and returns a Definition for each
// exported constant of type typeName declared in a const block with iota,
// its Default taken from a map[typeName]bool literal in the file when it has
// an entry there. found reports whether the file declares typeName.
func ExtractGoEnum(file string, src []byte, typeName string) (defs []Definition, found bool, err error) {
	var p enumParts
	if err := p.add(file, src, typeName); err != nil {
		return nil, p.typeFound, err
	}
	return p.definitions(), p.typeFound, nil
}

// add reads one file into p.
func (p *enumParts) add(file string, src []byte, typeName string) error {
	if len(src) > MaxGoSourceSize {
		return diag.Errors{diag.Errorf(diag.Pos{File: file, Line: 1}, "Go source is %d bytes, over the limit of %d", len(src), MaxGoSourceSize)}.Err()
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return syntaxError(file, err)
	}
	var errs diag.Errors
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok {
			continue
		}
		switch gen.Tok {
		case token.TYPE:
			for _, spec := range gen.Specs {
				if spec.(*ast.TypeSpec).Name.Name == typeName {
					p.typeFound = true
				}
			}
		case token.CONST:
			p.consts = append(p.consts, enumConsts(fset, file, gen, typeName)...)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok || !isBoolMapOf(lit.Type, typeName) {
			return true
		}
		pos := position(fset, file, lit.Pos())
		if p.mapPos != nil {
			errs.Add(pos, "a second map[%s]bool of defaults (the first is at %s): keep one", typeName, p.mapPos)
			return false
		}
		p.mapPos = &pos
		p.defaults = map[string]bool{}
		for _, elt := range lit.Elts {
			kv, ok := elt.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			name := exprName(kv.Key)
			v, ok := kv.Value.(*ast.Ident)
			if name == "" || !ok || (v.Name != "true" && v.Name != "false") {
				errs.Add(position(fset, file, kv.Pos()), "the default of a %s flag must be a constant name mapped to true or false", typeName)
				continue
			}
			p.defaults[name] = v.Name == "true"
		}
		return false
	})
	return errs.Err()
}

// definitions returns the constants with their defaults.
func (p *enumParts) definitions() []Definition {
	defs := make([]Definition, len(p.consts))
	for i, d := range p.consts {
		if v, ok := p.defaults[d.Flag]; ok {
			d.Default = &v
		}
		defs[i] = d
	}
	return defs
}

// enumConsts returns the exported constants of type typeName in a const
// block whose value uses iota, following Go's implicit repetition: a spec
// without type and values repeats the previous one.
func enumConsts(fset *token.FileSet, file string, gen *ast.GenDecl, typeName string) []Definition {
	var defs []Definition
	inEnum := false
	for _, spec := range gen.Specs {
		vs := spec.(*ast.ValueSpec)
		if len(vs.Values) > 0 || vs.Type != nil {
			ident, ok := vs.Type.(*ast.Ident)
			inEnum = ok && ident.Name == typeName && usesIota(vs.Values)
		}
		if !inEnum {
			continue
		}
		desc := strings.Join(strings.Fields(vs.Doc.Text()+" "+vs.Comment.Text()), " ")
		for _, name := range vs.Names {
			if !name.IsExported() {
				continue
			}
			defs = append(defs, Definition{Flag: name.Name, Kind: KindGoEnum, Description: desc, Pos: position(fset, file, name.Pos())})
		}
	}
	return defs
}

// usesIota reports whether any of exprs mentions iota.
func usesIota(exprs []ast.Expr) bool {
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

// isBoolMapOf reports whether t is map[typeName]bool (or map[pkg.typeName]bool).
func isBoolMapOf(t ast.Expr, typeName string) bool {
	m, ok := t.(*ast.MapType)
	if !ok {
		return false
	}
	v, ok := m.Value.(*ast.Ident)
	return ok && v.Name == "bool" && exprName(m.Key) == typeName
}

// exprName is the name an identifier or a qualified identifier refers to.
func exprName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}

// discoverGoEnum returns the flags of the enum spec.Type in spec.Path, a .go
// file or a package directory whose non-test files are read together (the
// constants and the defaults map may be in different files).
func discoverGoEnum(fsys FS, spec SourceSpec) ([]Definition, error) {
	if spec.Path == "" || spec.Type == "" {
		return nil, diag.Errors{diag.Errorf(spec.Pos, "a %s source needs a path and a type", KindGoEnum)}.Err()
	}
	files, err := goFiles(fsys, spec.Path)
	if err != nil {
		return nil, diag.Errors{diag.Errorf(spec.Pos, "%v", err)}.Err()
	}
	if err := checkFileCount(spec, spec.Path, files); err != nil {
		return nil, err
	}
	var p enumParts
	var errs diag.Errors
	for _, file := range files {
		src, err := fsys.ReadFile(file)
		if err != nil {
			errs.Add(spec.Pos, "%v", err)
			continue
		}
		addError(&errs, spec.Pos, p.add(file, src, spec.Type))
	}
	switch {
	case len(errs) > 0:
	case !p.typeFound:
		errs.Add(spec.Pos, "type %s not found in %s", spec.Type, spec.Path)
	case len(p.consts) == 0:
		errs.Add(spec.Pos, "no exported constants of type %s in a const block with iota in %s", spec.Type, spec.Path)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return p.definitions(), nil
}

package flags

import (
	"cmp"
	"errors"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/gitrepo"
)

// KindGoStruct is the source kind of a Go struct type's exported bool
// fields, as encoding/json and yaml v3 decode configuration into them.
const KindGoStruct = "go-struct"

func init() { Register(goStructSource{}) }

// goStructSource reads a struct type of a Go file or package directory.
type goStructSource struct{}

func (goStructSource) Kind() string { return KindGoStruct }

// Globs: the struct of a Go file is read with the other files of its
// package (see Discover).
func (goStructSource) Globs(spec SourceSpec) []string {
	if !strings.HasSuffix(spec.Path, ".go") {
		return nil // a directory: its path covers its files
	}
	return []string{path.Join(path.Dir(spec.Path), "*.go")}
}

func (goStructSource) Fields() []Field {
	return []Field{{Name: "path", Required: true}, {Name: "type", Required: true}}
}

func (goStructSource) Discover(fsys FS, spec SourceSpec, found *Found) error {
	gs, err := discoverGoStruct(fsys, spec, found.memo)
	if gs != nil {
		found.Structs = append(found.Structs, gs)
		found.Defs = append(found.Defs, gs.Defs...)
	}
	return err
}

// discoverGoStruct reads the struct type spec.Type in spec.Path, a .go file
// or a directory whose non-test .go files are read. The other .go files of
// a file's directory are read for the types it refers to.
//
// memo, when not nil, shares the parse of a package whose files are the
// same with the other revision; the result is then shared, never changed.
func discoverGoStruct(fsys FS, spec SourceSpec, memo Memo) (*GoStruct, error) {
	if spec.Path == "" || spec.Type == "" {
		return nil, diag.Errors{diag.Errorf(spec.Pos, "a %s source needs a path and a type", KindGoStruct)}.Err()
	}
	names, err := goFiles(fsys, spec.Path)
	if err != nil {
		return nil, diag.Errors{diag.Errorf(spec.Pos, "%v", err)}.Err()
	}
	if err := checkFileCount(spec, spec.Path, names); err != nil {
		return nil, err
	}
	var errs diag.Errors
	read := func(names []string) []GoFile {
		var files []GoFile
		for _, name := range names {
			src, err := fsys.ReadFile(name)
			if err != nil {
				errs.Add(spec.Pos, "%v", err)
				continue
			}
			files = append(files, GoFile{Name: name, Src: src})
		}
		return files
	}
	files := read(names)
	var others []GoFile
	if strings.HasSuffix(spec.Path, ".go") {
		siblings, err := goFiles(fsys, path.Dir(spec.Path))
		var link *gitrepo.LinkError
		if errors.As(err, &link) {
			errs.Add(spec.Pos, "%v", err)
		}
		if len(siblings) > MaxSourceFiles {
			siblings = nil
		}
		others = read(slices.DeleteFunc(siblings, func(f string) bool { return f == path.Clean(spec.Path) }))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	var key any
	if memo != nil {
		key = newGoPackageKey(files, others, spec.Type)
	}
	res, err := memoDo(memo, key, func() (goPackageResult, error) {
		gs, found, err := ExtractGoPackage(files, others, spec.Type)
		return goPackageResult{gs: gs, found: found}, err
	})
	gs, found := res.gs, res.found
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, diag.Errors{diag.Errorf(spec.Pos, "type %s not found in %s", spec.Type, spec.Path)}.Err()
	}
	return gs, nil
}

// MaxGoSourceSize is the largest Go source file ExtractGoStruct parses.
const MaxGoSourceSize = 32 << 20

// maxTypeDepth bounds how far type names and embedded structs are followed.
const maxTypeDepth = 32

// ExtractGoStruct parses one Go source file (without building it) and returns
// a Definition for every flag of the struct type typeName, as
// ExtractGoPackage does for a package of that one file.
func ExtractGoStruct(file string, src []byte, typeName string) (defs []Definition, found bool, err error) {
	gs, found, err := ExtractGoPackage([]GoFile{{Name: file, Src: src}}, nil, typeName)
	if gs == nil {
		return nil, found, err
	}
	return gs.Defs, found, err
}

// GoFile is one Go source file of a package.
type GoFile struct {
	Name string
	Src  []byte
}

// GoStruct is what a struct type means to the programs that decode
// configuration into it: its flags, and the fields that encoding/json and
// go.yaml.in/yaml/v3 set from each key.
type GoStruct struct {
	Type string
	Defs []Definition
	// JSON are the fields encoding/json sets, in its order (the order of
	// their index sequences): it matches a key to the field of that exact
	// name, else to the first whose name equals it under Unicode case
	// folding.
	JSON []KeyField
	// YAML are the fields yaml v3 sets, by key: it matches keys exactly.
	YAML map[string]KeyField
	// YAMLErr is set when yaml v3 refuses the struct type (a duplicate key,
	// an unsupported tag option): decoding any YAML into it fails.
	YAMLErr *diag.Error
}

// KeyField is a field of a struct as a decoder sees it.
type KeyField struct {
	Key  string   // the key it is read from
	Name string   // the Go field name
	Flag bool     // of a bool type (bool, an alias of it, a named bool type, pointers to them)
	Type string   // the type as written, for messages
	Pos  diag.Pos // of the field name
}

// ExtractGoPackage parses the Go source files of one package (without
// building them) and returns the flags of the struct type typeName, declared
// in one of files: its exported fields of a bool type (bool, an alias of
// bool, a named type whose underlying type is bool, or a pointer to one of
// these), with fields of embedded structs promoted as encoding/json promotes
// them (yaml v3 only with ",inline"). A field's json and yaml tags give the
// keys it is read from (Definition.JSONKey, YAMLKey). others are more files
// of the package, read for the types that files refer to; their syntax
// errors are ignored. What cannot be resolved from the package's source (an
// embedded struct of another package, whose fields would be promoted) is an
// error at its position. found reports whether files declare typeName.
func ExtractGoPackage(files, others []GoFile, typeName string) (gs *GoStruct, found bool, err error) {
	pkg := &goPackage{fset: token.NewFileSet(), types: map[string][]typeDecl{}}
	var errs diag.Errors
	var targets []typeDecl
	for i, f := range slices.Concat(files, others) {
		primary := i < len(files)
		if len(f.Src) > MaxGoSourceSize {
			if primary {
				errs.Add(diag.Pos{File: f.Name, Line: 1}, "Go source is %d bytes, over the limit of %d", len(f.Src), MaxGoSourceSize)
			}
			continue
		}
		af, err := parser.ParseFile(pkg.fset, f.Name, f.Src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			if primary {
				addError(&errs, diag.Pos{File: f.Name, Line: 1}, syntaxError(f.Name, err))
			}
			continue
		}
		if pkg.name == "" {
			pkg.name = af.Name.Name
		} else if af.Name.Name != pkg.name && !primary {
			continue // another package in the directory (e.g. documentation)
		}
		for _, decl := range af.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.TYPE {
				continue
			}
			for _, spec := range gen.Specs {
				ts := spec.(*ast.TypeSpec)
				d := typeDecl{file: f.Name, spec: ts}
				pkg.types[ts.Name.Name] = append(pkg.types[ts.Name.Name], d)
				if primary && ts.Name.Name == typeName {
					targets = append(targets, d)
				}
			}
		}
	}
	if err := errs.Err(); err != nil {
		return nil, len(targets) > 0, err
	}
	if len(targets) == 0 {
		return &GoStruct{Type: typeName}, false, nil
	}
	if len(targets) > 1 {
		second := targets[1]
		return nil, true, diag.Errors{diag.Errorf(pkg.pos(second.file, second.spec.Name.Pos()),
			"type %s is declared more than once (build constraints?); cpsgate cannot tell which one the program uses", typeName)}.Err()
	}
	t := targets[0]
	st, ok := t.spec.Type.(*ast.StructType)
	if !ok || t.spec.Assign.IsValid() {
		return nil, true, diag.Errors{diag.Errorf(pkg.pos(t.file, t.spec.Name.Pos()), "type %s is not a struct type", typeName)}.Err()
	}
	gs = &GoStruct{Type: typeName}
	if gs.JSON, err = pkg.jsonFields(t.file, st); err != nil {
		return nil, true, err
	}
	gs.YAML, gs.YAMLErr = pkg.yamlFields(t.file, st)
	gs.Defs = pkg.definitions(gs, t.file, st)
	return gs, true, nil
}

// goPackage is the parsed source of one package, for type lookups.
type goPackage struct {
	fset  *token.FileSet
	name  string
	types map[string][]typeDecl
}

// typeDecl is one type declaration and the file it is in.
type typeDecl struct {
	file string
	spec *ast.TypeSpec
}

func (p *goPackage) pos(file string, at token.Pos) diag.Pos {
	return position(p.fset, file, at)
}

// lookup returns the one declaration of the type called name.
func (p *goPackage) lookup(name string) (typeDecl, bool) {
	decls := p.types[name]
	if len(decls) != 1 {
		return typeDecl{}, false
	}
	return decls[0], true
}

// boolness says whether a type is a bool type.
type boolness int

const (
	notBool boolness = iota
	isBool
	unknownKind // declared in another package, or not declared at all
)

// boolKind says whether type expression e, of the package, is bool, an alias
// of bool, a named type whose underlying type is bool, or a pointer to one.
func (p *goPackage) boolKind(e ast.Expr, depth int) boolness {
	if depth > maxTypeDepth {
		return unknownKind
	}
	switch t := e.(type) {
	case *ast.ParenExpr:
		return p.boolKind(t.X, depth+1)
	case *ast.StarExpr:
		return p.boolKind(t.X, depth+1)
	case *ast.Ident:
		if d, ok := p.lookup(t.Name); ok {
			if d.spec.TypeParams != nil {
				return notBool
			}
			return p.boolKind(d.spec.Type, depth+1)
		}
		if len(p.types[t.Name]) > 1 {
			return unknownKind
		}
		switch t.Name {
		case "bool":
			return isBool
		case "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
			"uintptr", "float32", "float64", "complex64", "complex128", "byte", "rune", "any", "error":
			return notBool
		}
		return unknownKind
	case *ast.SelectorExpr:
		return unknownKind
	}
	return notBool // struct, map, slice, array, func, chan, interface, generic instance
}

// embedded returns, for the type of an embedded field, its name, and the
// declaration of its struct type when it is a struct of this package. foreign
// is set when cpsgate cannot see the type's declaration: it is of another
// package, or declared nowhere in the package's source, or generic.
func (p *goPackage) embedded(e ast.Expr) (name string, st *ast.StructType, file string, foreign bool) {
	if star, ok := e.(*ast.StarExpr); ok {
		e = star.X
	}
	switch t := e.(type) {
	case *ast.Ident:
		d, ok := p.lookup(t.Name)
		if !ok {
			return t.Name, nil, "", t.Name != "bool" && t.Name != "string" && t.Name != "error" && t.Name != "any"
		}
		for depth := 0; ok && depth < maxTypeDepth; depth++ {
			if d.spec.TypeParams != nil {
				return t.Name, nil, "", true
			}
			switch u := d.spec.Type.(type) {
			case *ast.StructType:
				return t.Name, u, d.file, false
			case *ast.Ident: // an alias or a defined type of another type
				if d, ok = p.lookup(u.Name); !ok {
					return t.Name, nil, "", u.Name != "bool" && u.Name != "string"
				}
				continue
			case *ast.SelectorExpr:
				return t.Name, nil, "", true
			}
			break
		}
		return t.Name, nil, "", false
	case *ast.SelectorExpr:
		return t.Sel.Name, nil, "", true
	case *ast.IndexExpr:
		name, _, _, _ := p.embedded(t.X)
		return name, nil, "", true
	case *ast.IndexListExpr:
		name, _, _, _ := p.embedded(t.X)
		return name, nil, "", true
	}
	return "", nil, "", true
}

// tagOf returns the struct tag of field f.
func tagOf(f *ast.Field) reflect.StructTag {
	if f.Tag == nil {
		return ""
	}
	s, err := strconv.Unquote(f.Tag.Value)
	if err != nil {
		return ""
	}
	return reflect.StructTag(s)
}

// typeString is the type expression e as written.
func (p *goPackage) typeString(e ast.Expr) string {
	var b strings.Builder
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.StarExpr:
		return "*" + p.typeString(t.X)
	case *ast.SelectorExpr:
		return p.typeString(t.X) + "." + t.Sel.Name
	case *ast.ParenExpr:
		return "(" + p.typeString(t.X) + ")"
	}
	b.WriteString("a composite type")
	return b.String()
}

// jsonCandidate is a field that encoding/json may set, before the Go rules
// for fields of the same name are applied.
type jsonCandidate struct {
	name   string
	tagged bool
	index  []int
	field  KeyField
}

// jsonFields returns the fields encoding/json sets in struct st, as its
// typeFields computes them: fields of untagged embedded structs are
// promoted, breadth first; of several fields of one name the shallowest
// wins, then a tagged one; two at the same depth and equally tagged cancel
// each other out.
func (p *goPackage) jsonFields(file string, st *ast.StructType) ([]KeyField, error) {
	type queued struct {
		file  string
		st    *ast.StructType
		index []int
		name  string // type name, "" for the top level
	}
	current, visited := []queued{{file: file, st: st}}, map[string]bool{}
	var cands []jsonCandidate
	for depth := 0; len(current) > 0; depth++ {
		if depth > maxTypeDepth {
			return nil, diag.Errors{diag.Errorf(p.pos(file, st.Pos()), "embedded structs nest deeper than %d levels", maxTypeDepth)}.Err()
		}
		var next []queued
		for _, q := range current {
			if q.name != "" {
				if visited[q.name] {
					continue
				}
				visited[q.name] = true
			}
			i := -1
			for _, f := range q.st.Fields.List {
				names := f.Names
				isEmbedded := len(names) == 0
				var embName string
				var embStruct *ast.StructType
				var embFile string
				var foreign bool
				if isEmbedded {
					embName, embStruct, embFile, foreign = p.embedded(f.Type)
					names = []*ast.Ident{{Name: embName, NamePos: f.Type.Pos()}}
				}
				tag := tagOf(f)
				for _, id := range names {
					i++
					exported := token.IsExported(id.Name)
					if isEmbedded {
						if !exported && embStruct == nil && !foreign {
							continue // an unexported embedded non-struct is ignored
						}
					} else if !exported {
						continue
					}
					jt := tag.Get("json")
					if jt == "-" {
						continue
					}
					name, opts, _ := strings.Cut(jt, ",")
					if !isValidJSONTag(name) {
						name = ""
					}
					index := append(slices.Clone(q.index), i)
					if isEmbedded && name == "" {
						switch {
						case foreign:
							return nil, diag.Errors{diag.Errorf(p.pos(q.file, f.Type.Pos()),
								"embedded field %s is from another package, or generic, or declared in no file cpsgate reads; cpsgate cannot read its fields, which encoding/json promotes (give it a json tag, or declare the flags in this package)", p.typeString(f.Type))}.Err()
						case embStruct != nil:
							next = append(next, queued{file: embFile, st: embStruct, index: index, name: embName})
							continue
						}
					}
					kf := KeyField{Key: name, Name: id.Name, Type: p.typeString(f.Type), Pos: p.pos(q.file, id.Pos())}
					if kf.Key == "" {
						kf.Key = id.Name
					}
					kind := p.boolKind(f.Type, 0)
					kf.Flag = kind == isBool && !hasOption(opts, "string")
					if kind == isBool && hasOption(opts, "string") {
						kf.Type += ` (json ",string")`
					}
					cands = append(cands, jsonCandidate{name: kf.Key, tagged: name != "", index: index, field: kf})
				}
			}
		}
		current = next
	}
	slices.SortFunc(cands, func(a, b jsonCandidate) int {
		return cmp.Or(cmp.Compare(a.name, b.name), cmp.Compare(len(a.index), len(b.index)),
			-cmpBool(a.tagged, b.tagged), slices.Compare(a.index, b.index))
	})
	var kept []jsonCandidate
	for i := 0; i < len(cands); {
		j := i + 1
		for j < len(cands) && cands[j].name == cands[i].name {
			j++
		}
		group := cands[i:j]
		if len(group) == 1 || len(group[0].index) != len(group[1].index) || group[0].tagged != group[1].tagged {
			kept = append(kept, group[0])
		}
		i = j
	}
	slices.SortFunc(kept, func(a, b jsonCandidate) int { return slices.Compare(a.index, b.index) })
	out := make([]KeyField, len(kept))
	for i, c := range kept {
		out[i] = c.field
	}
	return out, nil
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// hasOption reports whether the comma-separated tag options opts hold o.
func hasOption(opts, o string) bool {
	for opts != "" {
		var cur string
		cur, opts, _ = strings.Cut(opts, ",")
		if cur == o {
			return true
		}
	}
	return false
}

// isValidJSONTag is encoding/json's test of a tag name: an invalid one is
// ignored, and the field keeps its Go name.
func isValidJSONTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// yamlFields returns the fields yaml v3 sets in struct st, by key, as its
// getStructInfo computes them: the key is the tag's name or the lowercased
// field name; only ",inline" promotes the fields of an embedded struct. An
// error is what yaml v3 would refuse the type for.
func (p *goPackage) yamlFields(file string, st *ast.StructType) (map[string]KeyField, *diag.Error) {
	out := map[string]KeyField{}
	var walk func(file string, st *ast.StructType, depth int) *diag.Error
	walk = func(file string, st *ast.StructType, depth int) *diag.Error {
		if depth > maxTypeDepth {
			return diag.Errorf(p.pos(file, st.Pos()), "inline structs nest deeper than %d levels", maxTypeDepth)
		}
		for _, f := range st.Fields.List {
			names := f.Names
			isEmbedded := len(names) == 0
			if isEmbedded {
				name, _, _, _ := p.embedded(f.Type)
				names = []*ast.Ident{{Name: name, NamePos: f.Type.Pos()}}
			}
			raw := tagOf(f)
			tag := raw.Get("yaml")
			if tag == "" && !strings.Contains(string(raw), ":") {
				tag = string(raw)
			}
			for _, id := range names {
				at := p.pos(file, id.Pos())
				if !isEmbedded && !token.IsExported(id.Name) {
					continue
				}
				if tag == "-" {
					continue
				}
				key, opts, _ := strings.Cut(tag, ",")
				inline := false
				if opts != "" || strings.Contains(tag, ",") {
					for o := range strings.SplitSeq(opts, ",") {
						switch o {
						case "omitempty", "flow":
						case "inline":
							inline = true
						default:
							return diag.Errorf(at, "yaml v3 refuses the struct: unsupported flag %q in tag %q", o, tag)
						}
					}
				}
				if inline {
					e := f.Type
					if star, ok := e.(*ast.StarExpr); ok {
						e = star.X
					}
					if _, ok := e.(*ast.MapType); ok {
						continue // an inline map takes the keys no field takes: they read as flag names
					}
					_, sub, subFile, foreign := p.embedded(e)
					switch {
					case foreign:
						return diag.Errorf(at, "inline field %s is from another package, or generic, or declared in no file cpsgate reads; cpsgate cannot read its fields, which yaml v3 promotes", p.typeString(f.Type))
					case sub == nil:
						return diag.Errorf(at, "yaml v3 refuses the struct: option ,inline may only be used on a struct or map field")
					}
					if err := walk(subFile, sub, depth+1); err != nil {
						return err
					}
					continue
				}
				if key == "" {
					key = strings.ToLower(id.Name)
				}
				if prev, dup := out[key]; dup {
					return diag.Errorf(at, "yaml v3 refuses the struct: fields %s (line %d) and %s both read the key %q", prev.Name, prev.Pos.Line, id.Name, key)
				}
				out[key] = KeyField{Key: key, Name: id.Name, Flag: p.boolKind(f.Type, 0) == isBool, Type: p.typeString(f.Type), Pos: at}
			}
		}
		return nil
	}
	if err := walk(file, st, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// definitions returns the flags of the struct: the bool fields that either
// decoder sets, and the bool fields of the struct itself that a tag hides
// from both, each once, by position.
func (p *goPackage) definitions(gs *GoStruct, file string, st *ast.StructType) []Definition {
	byPos := map[diag.Pos]*Definition{}
	var defs []*Definition
	def := func(kf KeyField) *Definition {
		if d, ok := byPos[kf.Pos]; ok {
			return d
		}
		d := &Definition{Flag: kf.Name, Kind: KindGoStruct, Pos: kf.Pos}
		byPos[kf.Pos] = d
		defs = append(defs, d)
		return d
	}
	for _, kf := range gs.JSON {
		if kf.Flag {
			def(kf).JSONKey = kf.Key
		}
	}
	for _, kf := range gs.YAML {
		if kf.Flag {
			def(kf).YAMLKey = kf.Key
		}
	}
	for _, f := range st.Fields.List {
		if len(f.Names) == 0 || p.boolKind(f.Type, 0) != isBool {
			continue
		}
		for _, id := range f.Names {
			if token.IsExported(id.Name) {
				def(KeyField{Name: id.Name, Pos: p.pos(file, id.Pos())})
			}
		}
	}
	// Descriptions: the doc and line comments of each field.
	comments := map[diag.Pos]string{}
	for _, decls := range p.types {
		for _, d := range decls {
			s, ok := d.spec.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, f := range s.Fields.List {
				for _, id := range f.Names {
					comments[p.pos(d.file, id.Pos())] = fieldDescription(f)
				}
				if len(f.Names) == 0 {
					comments[p.pos(d.file, f.Type.Pos())] = fieldDescription(f)
				}
			}
		}
	}
	if len(defs) == 0 {
		return nil
	}
	out := make([]Definition, len(defs))
	for i, d := range defs {
		d.Description = comments[d.Pos]
		out[i] = *d
	}
	slices.SortFunc(out, func(a, b Definition) int { return a.Pos.Compare(b.Pos) })
	return out
}

// fieldDescription is the field's doc comment followed by its line comment,
// comment markers stripped and runs of white space folded to one space.
func fieldDescription(field *ast.Field) string {
	return strings.Join(strings.Fields(field.Doc.Text()+" "+field.Comment.Text()), " ")
}

// position converts a token.Pos to a diag.Pos in file.
func position(fset *token.FileSet, file string, p token.Pos) diag.Pos {
	tp := fset.Position(p)
	return diag.Pos{File: file, Line: tp.Line, Col: tp.Column}
}

// syntaxError converts a go/parser error to a diag error at the position of
// the first syntax error; the ones after it are mostly its consequences.
func syntaxError(file string, err error) error {
	pos, msg := diag.Pos{File: file}, err.Error()
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		pos.Line, pos.Col, msg = list[0].Pos.Line, list[0].Pos.Column, list[0].Msg
	}
	return diag.Errors{diag.Errorf(pos, "%s", msg)}.Err()
}

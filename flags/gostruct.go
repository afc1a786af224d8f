package flags

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"

	"github.com/cpsgate/cpsgate/diag"
)

// MaxGoSourceSize is the largest Go source file ExtractGoStruct parses.
const MaxGoSourceSize = 8 << 20

// ExtractGoStruct parses one Go source file (without building it) and returns
// a Definition for every exported bool field of the struct type typeName.
// found reports whether the file declares typeName at all. Fields with
// several names give one Definition per name; embedded, unexported and
// non-bool fields are skipped. A syntax error is returned at its position.
func ExtractGoStruct(file string, src []byte, typeName string) (defs []Definition, found bool, err error) {
	if len(src) > MaxGoSourceSize {
		return nil, false, diag.Errors{diag.Errorf(diag.Pos{File: file, Line: 1}, "Go source is %d bytes, over the limit of %d", len(src), MaxGoSourceSize)}.Err()
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, false, syntaxError(file, err)
	}
	var errs diag.Errors
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.TYPE {
			continue
		}
		for _, spec := range gen.Specs {
			ts := spec.(*ast.TypeSpec)
			if ts.Name.Name != typeName {
				continue
			}
			found = true
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				errs.Add(position(fset, file, ts.Name.Pos()), "type %s is not a struct type", typeName)
				continue
			}
			defs = append(defs, structFlags(fset, file, st)...)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, found, err
	}
	return defs, found, nil
}

// structFlags returns the exported bool fields of st as Definitions.
func structFlags(fset *token.FileSet, file string, st *ast.StructType) []Definition {
	var defs []Definition
	for _, field := range st.Fields.List {
		if ident, ok := field.Type.(*ast.Ident); !ok || ident.Name != "bool" {
			continue
		}
		desc := fieldDescription(field)
		for _, name := range field.Names {
			if !name.IsExported() {
				continue
			}
			defs = append(defs, Definition{
				Flag:        name.Name,
				Kind:        KindGoStruct,
				Description: desc,
				Pos:         position(fset, file, name.Pos()),
			})
		}
	}
	return defs
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

package params

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/flags"
)

// A templated configuration value holds {{ name }} references that the
// deployment renders from variables files before the program reads the
// file. cpsgate resolves plain references only; anything else a template
// language can say (filters, expressions, statements) it cannot model, and
// refuses.

var (
	// reference is one {{ ... }}.
	reference = regexp.MustCompile(`\{\{(.*?)\}\}`)
	// varName is what a plain reference holds.
	varName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)
)

// maxRenderDepth bounds variables defined through other variables.
const maxRenderDepth = 8

// hasTemplate reports whether s holds template syntax.
func hasTemplate(s string) bool {
	return strings.Contains(s, "{{") || strings.Contains(s, "{%") || strings.Contains(s, "{#") || strings.Contains(s, "}}")
}

// varsFile is a YAML (or JSON) file of variables: nested mappings give
// dotted names (crl.lifetime).
type varsFile struct {
	file string
	defs map[string]varDef
	err  error
}

type varDef struct {
	text string
	pos  diag.Pos
}

// parse reads the variables of src.
func (vf *varsFile) parse(src []byte) error {
	cf, err := flags.ParseConfigFile(vf.file, src)
	if err != nil {
		return err
	}
	leaves, err := cf.Leaves()
	if err != nil {
		return err
	}
	vf.defs = make(map[string]varDef, len(leaves))
	var errs diag.Errors
	for _, l := range leaves {
		if l.Scalar.IsNull {
			continue
		}
		if strings.ContainsAny(l.Scalar.Text, "\"\\\n\r") {
			errs.Add(l.Pos, "variable %s holds a quote, backslash or line break: rendered into a configuration file it would change the file's structure, which cpsgate cannot model", l.Path)
			continue
		}
		vf.defs[l.Path] = varDef{text: l.Scalar.Text, pos: l.Pos}
	}
	return errs.Err()
}

// render resolves the references in s from the variables files, the later
// files overriding the earlier ones, and returns the text and the variables
// used (in order of first use).
func render(s string, vars []*varsFile) (string, []VarRef, error) {
	if len(vars) == 0 {
		return "", nil, fmt.Errorf("the value %q is a template, but the config entry names no vars: file to resolve it from", s)
	}
	var refs []VarRef
	out, err := renderDepth(s, vars, &refs, 0)
	return out, refs, err
}

func renderDepth(s string, vars []*varsFile, refs *[]VarRef, depth int) (string, error) {
	if depth > maxRenderDepth {
		return "", fmt.Errorf("variables refer to each other more than %d levels deep (a cycle?)", maxRenderDepth)
	}
	var b strings.Builder
	last := 0
	for _, m := range reference.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(s[last:m[0]])
		last = m[1]
		name := strings.TrimSpace(s[m[2]:m[3]])
		if !varName.MatchString(name) {
			return "", fmt.Errorf("template expression {{%s}} is not a plain variable reference; cpsgate cannot model filters or expressions", s[m[2]:m[3]])
		}
		def, ok := lookupVar(vars, name)
		if !ok {
			files := make([]string, len(vars))
			for i, vf := range vars {
				files[i] = vf.file
			}
			return "", fmt.Errorf("variable %s is not defined in %s", name, strings.Join(files, ", "))
		}
		if !containsRef(*refs, name) {
			*refs = append(*refs, VarRef{Name: name, Pos: def.pos})
		}
		text := def.text
		if hasTemplate(text) {
			var err error
			if text, err = renderDepth(text, vars, refs, depth+1); err != nil {
				return "", err
			}
		}
		b.WriteString(text)
	}
	b.WriteString(s[last:])
	rest := reference.ReplaceAllString(s, "")
	if hasTemplate(rest) {
		return "", fmt.Errorf("the value %q holds template syntax other than {{ name }} references, which cpsgate cannot model", s)
	}
	return b.String(), nil
}

// lookupVar finds name in the variables files, the last file that defines
// it winning.
func lookupVar(vars []*varsFile, name string) (varDef, bool) {
	for i := len(vars) - 1; i >= 0; i-- {
		if d, ok := vars[i].defs[name]; ok {
			return d, true
		}
	}
	return varDef{}, false
}

func containsRef(refs []VarRef, name string) bool {
	for _, r := range refs {
		if r.Name == name {
			return true
		}
	}
	return false
}

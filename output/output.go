// Package output renders check results: one small reporter per format, each
// writing to an io.Writer and never reading the environment or files.
package output

import (
	"bytes"
	"fmt"
	"io"
	"slices"

	"github.com/cpsgate/cpsgate/result"
)

// Reporter writes a result in one format.
type Reporter interface {
	Report(w io.Writer, res *result.Result) error
}

// Formats maps the --format names of `check` to their reporters.
var Formats = map[string]Reporter{
	"text":     Text{},
	"json":     JSON{},
	"github":   GitHub{},
	"markdown": Markdown{},
	"sarif":    SARIF{},
}

// aliases are other names of formats: `md`, as `report` names markdown.
var aliases = map[string]string{"md": "markdown"}

// Names lists the format names, sorted.
func Names() []string {
	var names []string
	for n := range Formats {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// For returns the reporter of a format name.
func For(name string) (Reporter, error) {
	if a, ok := aliases[name]; ok {
		name = a
	}
	r, ok := Formats[name]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (known: %v)", name, Names())
	}
	return r, nil
}

// Render returns res as r renders it.
func Render(r Reporter, res *result.Result) ([]byte, error) {
	var b bytes.Buffer
	err := r.Report(&b, res)
	return b.Bytes(), err
}

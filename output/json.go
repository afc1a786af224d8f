package output

import (
	"encoding/json"
	"io"

	"github.com/cpsgate/cpsgate/result"
)

// JSON writes the contract's JSON document, indented, with a final newline.
type JSON struct{}

// Report implements Reporter.
func (JSON) Report(w io.Writer, res *result.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(res)
}

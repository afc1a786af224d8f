package output

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/cpsgate/cpsgate/internal/inert"
	"github.com/cpsgate/cpsgate/result"
)

// JSON writes the contract's JSON document, indented, with a final newline.
// Strings hold repository text as it is; only what a CI runner would read
// as a command in its log is written with a JSON escape (inert.JSON).
type JSON struct{}

// Report implements Reporter.
func (JSON) Report(w io.Writer, res *result.Result) error {
	return encodeJSON(w, res)
}

// encodeJSON writes v indented, with a final newline, made inert for a CI
// runner's log without changing what it decodes to.
func encodeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	compact := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	out := append(indentJSON(make([]byte, 0, 2*len(compact)), compact), '\n')
	_, err := w.Write(inert.JSON(out))
	return err
}

package check

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/flags"
)

// toySource is a source kind that only this test knows, to show that a
// kind is one file plus its Register line: `kind: limits` reads files of
// `Name = value` lines, whose values are numbers, durations or strings.
// Nothing else in cpsgate names it.
type toySource struct{}

func init() { flags.Register(toySource{}) }

func (toySource) Kind() string { return "limits" }

func (toySource) Fields() []flags.Field {
	return []flags.Field{{Name: "files", Required: true}, {Name: "environment"}}
}

func (s toySource) Discover(fsys flags.FileReader, spec flags.SourceSpec, found *flags.Found) error {
	return flags.DiscoverFiles(fsys, s, spec, found)
}

func (toySource) Glob(spec flags.SourceSpec) string { return spec.Get("files") }

func (toySource) ReadFile(file string, src []byte, spec flags.SourceSpec) ([]flags.Setting, error) {
	env := spec.Environment
	if env == "" {
		env = file
	}
	var out []flags.Setting
	var errs diag.Errors
	sc := bufio.NewScanner(bytes.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		name, text, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		name, text = strings.TrimSpace(name), strings.TrimSpace(text)
		v := flags.Value{Type: flags.TypeString, Text: text}
		if f, err := strconv.ParseFloat(text, 64); err == nil {
			v = flags.Value{Type: flags.TypeNumber, Text: strconv.FormatFloat(f, 'g', -1, 64)}
		} else if d, err := time.ParseDuration(text); err == nil {
			v = flags.Value{Type: flags.TypeDuration, Text: d.String()}
		} else if text == "" {
			errs.Add(diag.Pos{File: file, Line: line}, "%s has no value", name)
			continue
		}
		out = append(out, flags.Setting{Flag: name, Kind: "limits", Env: env, Typed: v, Pos: diag.Pos{File: file, Line: line, Col: 1}})
	}
	return out, errs.Err()
}

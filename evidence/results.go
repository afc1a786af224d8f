package evidence

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cpsgate/cpsgate/diag"
)

// Results of a test run.
const (
	Pass = "pass"
	Fail = "fail"
	Skip = "skip"
)

// Result is the last result of one test in `go test -json` output.
type Result struct {
	Package string  // import path
	Action  string  // pass | fail | skip
	Elapsed float64 // seconds
}

// Results are the last results of the top-level tests of a run, by test
// name.
type Results struct {
	File   string
	byName map[string][]Result // one per package, in order of appearance
}

// event is one line of `go test -json` (test2json) output.
type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
}

// MaxResultsSize is the largest results file read.
const MaxResultsSize = 256 << 20

// ReadResultsFile reads a file of `go test -json` output.
func ReadResultsFile(name string) (*Results, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("--test-results: %w", err)
	}
	defer f.Close()
	return ReadResults(name, io.LimitReader(f, MaxResultsSize+1))
}

// ReadResults reads `go test -json` output: one JSON event per line. A
// line that is not such an event is an error at its line; the last pass,
// fail or skip of each top-level test counts.
func ReadResults(file string, r io.Reader) (*Results, error) {
	res := &Results{File: file, byName: map[string][]Result{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	line, size := 0, 0
	for sc.Scan() {
		line++
		size += len(sc.Bytes()) + 1
		if size > MaxResultsSize {
			return nil, diag.Errorf(diag.Pos{File: file, Line: line}, "test results are over the limit of %d bytes", MaxResultsSize)
		}
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var ev event
		if text[0] != '{' || json.Unmarshal(text, &ev) != nil || ev.Action == "" {
			return nil, diag.Errorf(diag.Pos{File: file, Line: line, Col: 1}, "not a `go test -json` event; pass the output of go test -json")
		}
		if ev.Test == "" || strings.Contains(ev.Test, "/") {
			continue // a package's result, or a subtest's
		}
		switch ev.Action {
		case Pass, Fail, Skip:
		default:
			continue
		}
		rs := res.byName[ev.Test]
		found := false
		for i := range rs {
			if rs[i].Package == ev.Package {
				rs[i] = Result{Package: ev.Package, Action: ev.Action, Elapsed: ev.Elapsed}
				found = true
			}
		}
		if !found {
			rs = append(rs, Result{Package: ev.Package, Action: ev.Action, Elapsed: ev.Elapsed})
		}
		res.byName[ev.Test] = rs
	}
	if err := sc.Err(); err != nil {
		return nil, diag.Errorf(diag.Pos{File: file, Line: line + 1}, "reading test results: %v", err)
	}
	return res, nil
}

// Of returns the last result of test t: of the test of its name whose
// package's import path ends in its directory, or of the only test of its
// name when its directory is the repository root.
func (r *Results) Of(t Test) (Result, bool) {
	if r == nil {
		return Result{}, false
	}
	rs := r.byName[t.Name]
	for _, res := range rs {
		if t.Dir != "." && (res.Package == t.Dir || strings.HasSuffix(res.Package, "/"+t.Dir)) {
			return res, true
		}
	}
	if t.Dir == "." && len(rs) == 1 {
		return rs[0], true
	}
	return Result{}, false
}

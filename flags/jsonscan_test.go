package flags

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// readSeed returns the source of a FuzzExtractConfig corpus file.
func readSeed(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 3 || lines[0] != "go test fuzz v1" {
		t.Fatalf("%s: not a corpus file of FuzzExtractConfig", name)
	}
	lit, ok := strings.CutPrefix(lines[2], "[]byte(")
	if !ok {
		t.Fatalf("%s: no []byte value", name)
	}
	src, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return []byte(src)
}

// jsonInputs are the inputs of the differential tests: the JSON of
// TestExtractConfig, the corpus of FuzzExtractConfig and hand-picked
// corner cases.
func jsonInputs(t *testing.T) [][]byte {
	inputs := [][]byte{
		[]byte(`{"features": {"A": true}, "ra": [{"features": {"B": false}}]}`),
		[]byte(`{"a": -0.5e+10, "b": [1, 2.0, -3E-2, 0], "c": null, "d": "x\u00e9\n\"", "e": {}, "f": []}`),
		[]byte(` {"features" : { "A" : true , "B":false } } ` + "\r\n\t"),
		[]byte(`{"features": {"\ud83d\ude00": true, "\ud800": false, "é": true}}`),
		[]byte(`"top" `), []byte(`1`), []byte(`-`), []byte(`01`), []byte(`1.`), []byte(`.5`), []byte(`1e`), []byte(`+1`),
		[]byte(`truex`), []byte(`[true"x"]`), []byte(`{"a":1 "b":2}`), []byte(`[1,]`), []byte(`{"a":1,}`), []byte(`{,}`),
		[]byte(`{"a"}`), []byte(`{"a":}`), []byte(`{1:2}`), []byte(`[1 2]`), []byte(`{} {}`), []byte(``), []byte(`  `),
		[]byte("\"a\tb\""), []byte(`"\x"`), []byte(`"\u12"`), []byte(`"\`), []byte("\"\xff\""), []byte(`nul`), []byte(`[`),
		[]byte(strings.Repeat("[", MaxConfigDepth) + strings.Repeat("]", MaxConfigDepth)),
		[]byte(strings.Repeat("[", MaxConfigDepth+1) + strings.Repeat("]", MaxConfigDepth+1)),
		[]byte(strings.Repeat(`{"a":`, MaxConfigDepth-1) + "{}" + strings.Repeat("}", MaxConfigDepth-1)),
	}
	// As in TestExtractConfig.
	inputs = append(inputs,
		[]byte("{\n  \"features\": {\"AsyncFinalize\": true, \"StrictCAA\": false},\n  \"ra\": {\"features\": {\n    \"AsyncFinalize\": false\n  }},\n  \"other\": {\"x\": \"features\"}\n}"),
		[]byte(`[{"features": {"A": true}}, 1, [{"features": {"B": false}}]]`),
		[]byte(`{"features": {"A\u00e9": true}}`),
		[]byte(`{"features": {"A": 1, "B": null, "C": [], "D": "true"}, "x": {"features": [1]}}`),
		[]byte("{\r\n\"features\": {\"A\": true}\r\n}"),
		[]byte("{\"features\": {\n  \"A\": tru}\n}"),
	)
	seeds, err := filepath.Glob("testdata/fuzz/FuzzExtractConfig/*")
	if err != nil || len(seeds) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, name := range seeds {
		inputs = append(inputs, bytes.TrimPrefix(readSeed(t, name), utf8BOM))
	}
	return inputs
}

// mutations returns src with each byte in turn deleted, doubled and
// replaced by bytes that matter to JSON, and every prefix of src.
func mutations(src []byte) [][]byte {
	var out [][]byte
	edit := func(i, drop int, insert ...byte) {
		m := append(append(append([]byte(nil), src[:i]...), insert...), src[i+drop:]...)
		out = append(out, m)
	}
	for i := range src {
		out = append(out, src[:i])
		edit(i, 1)
		edit(i, 0, src[i])
		for _, c := range []byte(`{}[]:,"\ -0.eE+t1n` + "\t\n\x00\x80") {
			if c != src[i] {
				edit(i, 1, c)
			}
		}
	}
	return out
}

// checkSameJSON requires that parseJSON and readJSON, the token reader
// alone, read src alike: the same tree or the same error.
func checkSameJSON(t *testing.T, src []byte) {
	t.Helper()
	got, gotErr := parseJSON("a.json", src)
	want, wantErr := readJSON(src, newLineIndex("a.json", src))
	if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
		t.Fatalf("%q: error %v, the token reader's %v", src, gotErr, wantErr)
	}
	if diff := cmp.Diff(dumpNodes(want), dumpNodes(got)); diff != "" {
		t.Fatalf("%q: tree differs from the token reader's (-reader +scanner):\n%s", src, diff)
	}
}

// TestJSONScannerEqualsReader runs the scanner and the token reader on
// every input of jsonInputs and on their mutations.
func TestJSONScannerEqualsReader(t *testing.T) {
	n := 0
	for _, src := range jsonInputs(t) {
		checkSameJSON(t, src)
		for _, m := range mutations(src) {
			checkSameJSON(t, m)
			n++
		}
	}
	t.Logf("%d mutated inputs", n)
}

// TestJSONScannerReadsValidJSON checks that the scanner, not the token
// reader, reads the well-formed inputs.
func TestJSONScannerReadsValidJSON(t *testing.T) {
	for _, src := range jsonInputs(t) {
		_, err := readJSON(src, newLineIndex("a.json", src))
		s := &jsonScanner{src: src, lines: newLineIndex("a.json", src)}
		_, ok := s.document()
		if err != nil && ok {
			t.Errorf("%q: the scanner accepts what the token reader rejects: %v", src, err)
		}
		// Invalid UTF-8, which ExtractConfig rejects before, is left to
		// the token reader.
		if err == nil && !ok && utf8.Valid(src) {
			t.Errorf("%q: well-formed, but the scanner gives up", src)
		}
	}
}

// FuzzJSONScanner compares the scanner with the token reader.
func FuzzJSONScanner(f *testing.F) {
	f.Add([]byte(`{"features": {"A": true}, "ra": [{"features": {"B": false}}]}`))
	f.Add([]byte(`{"a": -0.5e+10, "b": [1, 2.0], "c": null, "d": "x\u00e9\n"}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		checkSameJSON(t, src)
	})
}

// dumpNodes writes out trees, every field of every node, one node a line.
func dumpNodes(docs []*cnode) string {
	var b strings.Builder
	var dump func(n *cnode, indent string)
	dump = func(n *cnode, indent string) {
		fmt.Fprintf(&b, "%skind=%d pos=%+v text=%q bool=%t,%t null=%t alias=%t entries=%t items=%t\n",
			indent, n.kind, n.pos, n.text, n.isBool, n.boolVal, n.isNull, n.aliasOf != nil, n.entries != nil, n.items != nil)
		for _, e := range n.entries {
			fmt.Fprintf(&b, "%s%q at %+v merge=%t:\n", indent, e.key, e.keyPos, e.merge)
			dump(e.value, indent+"  ")
		}
		for _, item := range n.items {
			dump(item, indent+"  ")
		}
	}
	for _, n := range docs {
		dump(n, "")
	}
	return b.String()
}

package output

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// randomValue is a JSON value of nested objects and arrays (some empty) and
// strings holding the characters that matter to an indenter: quotes,
// backslashes, braces, brackets, commas and colons.
func randomValue(r *rand.Rand, depth int) any {
	switch k := r.IntN(7); {
	case depth > 4 || k == 0:
		parts := []string{`"`, `\`, `{`, `}`, `[`, `]`, `,`, `:`, "a", " ", "\n", "é", `\"`, "<"}
		var b strings.Builder
		for range r.IntN(6) {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		return b.String()
	case k == 1:
		return r.Float64() * 1000
	case k == 2:
		return r.IntN(2) == 0
	case k == 3:
		return nil
	case k == 4:
		a := []any{}
		for range r.IntN(4) {
			a = append(a, randomValue(r, depth+1))
		}
		return a
	default:
		m := map[string]any{}
		for i := range r.IntN(4) {
			m[string(rune('a'+i))+`"{[:,`] = randomValue(r, depth+1)
		}
		return m
	}
}

func TestIndentJSONMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		src, err := json.Marshal(randomValue(r, 0))
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := json.Indent(&want, src, "", "  "); err != nil {
			t.Fatal(err)
		}
		if got := indentJSON(nil, src); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("case %d: %s\ngot:\n%s\nwant:\n%s", i, src, got, want.Bytes())
		}
	}
}

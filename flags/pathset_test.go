package flags

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLookupSetDifferential compares LookupSet with LookupPath of each path
// on random JSON and YAML documents (aliases, merge keys, lists, nulls,
// scalars on the way, keys that differ in case or are written twice, keys
// that are not strings) and random key paths (with *, case variants, absent
// keys): where LookupSet decides, its values are LookupPath's; it declines
// exactly when some LookupPath reports an error.
func TestLookupSetDifferential(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 2024))
	decided, declined := 0, 0
	for iter := range 4000 {
		json := iter%2 == 0
		g := &docGen{rng: rng, json: json}
		var file, src string
		if json {
			file, src = "c.json", g.object(0)
		} else {
			file = "c.yaml"
			src = "base: &b " + g.object(2) + "\nlist: &l " + g.array(2) + "\n"
			g.aliases = true // the anchors are defined
			src += "root: " + g.value(0) + "\n"
			if rng.IntN(4) == 0 {
				src += "---\nroot: " + g.value(0) + "\n"
			}
		}
		var pats []string
		var kps []KeyPath
		for range 1 + rng.IntN(4) {
			p := g.path()
			pats = append(pats, p)
			kps = append(kps, NewKeyPath(p))
		}
		cf, err := ParseConfigFile(file, []byte(src))
		if err != nil {
			continue // a document the readers refuse
		}
		// LookupSet first, on the ConfigFile LookupPath then uses: it
		// must not change what LookupPath reports.
		set, ok := cf.LookupSet(NewPathSet(kps))
		want := make([][]ConfigValue, len(kps))
		allOK := true
		for i, kp := range kps {
			vals, err := cf.LookupPath(kp)
			if err != nil {
				allOK = false
			}
			want[i] = vals
		}
		if ok != allOK {
			t.Fatalf("%s %q paths %q: LookupSet ok = %v, LookupPath without error = %v", file, src, pats, ok, allOK)
		}
		if !ok {
			declined++
			continue
		}
		decided++
		got := make([][]ConfigValue, len(kps))
		for j, v := range set {
			if j > 0 && set[j-1].Path > v.Path {
				t.Fatalf("%s %q: values out of path order", file, src)
			}
			got[v.Path] = append(got[v.Path], v.ConfigValue)
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Fatalf("%s %q paths %q: LookupSet differs from LookupPath (-got +want):\n%s", file, src, pats, diff)
		}
	}
	t.Logf("decided %d, declined %d", decided, declined)
	if decided < 1000 || declined < 200 {
		t.Errorf("decided %d, declined %d cases: the generator no longer covers both", decided, declined)
	}
}

// docGen generates small random configuration documents and key paths
// over one alphabet of keys.
type docGen struct {
	rng     *rand.Rand
	json    bool
	aliases bool // YAML: the anchors b and l may be used
}

var genKeys = []string{"a", "A", "b", "k", "K", "\u212a", "s", "\u017f", "x"}

func (g *docGen) key() string {
	if !g.json && g.rng.IntN(20) == 0 {
		return []string{"1", "true", "null"}[g.rng.IntN(3)] // not strings in YAML
	}
	return genKeys[g.rng.IntN(len(genKeys))]
}

func (g *docGen) quote(s string) string {
	if g.json {
		return fmt.Sprintf("%q", s)
	}
	return s
}

func (g *docGen) value(depth int) string {
	r := g.rng.IntN(10)
	switch {
	case depth < 4 && r < 5:
		return g.object(depth + 1)
	case depth < 4 && r < 7:
		return g.array(depth + 1)
	case g.aliases && r == 7:
		return []string{"*b", "*l"}[g.rng.IntN(2)]
	}
	return g.scalar()
}

func (g *docGen) scalar() string {
	s := []string{`1`, `"1h"`, `null`, `true`, `2.5`, `"x"`}
	if !g.json {
		s = append(s, `~`, `90h`, `yes`)
	}
	return s[g.rng.IntN(len(s))]
}

func (g *docGen) object(depth int) string {
	var parts []string
	seen := map[string]bool{}
	for range g.rng.IntN(5) {
		k := g.key()
		if seen[k] && g.rng.IntN(20) != 0 {
			continue // a key written twice, now and then
		}
		seen[k] = true
		parts = append(parts, g.quote(k)+": "+g.value(depth))
	}
	if g.aliases && g.rng.IntN(5) == 0 {
		parts = append(parts, "<<: *b")
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func (g *docGen) array(depth int) string {
	var parts []string
	for range g.rng.IntN(4) {
		parts = append(parts, g.value(depth))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func (g *docGen) path() string {
	var segs []string
	if !g.json && g.rng.IntN(4) != 0 {
		segs = append(segs, []string{"root", "base", "list"}[g.rng.IntN(3)])
	}
	for range 1 + g.rng.IntN(3) {
		if g.rng.IntN(3) == 0 {
			segs = append(segs, "*")
			continue
		}
		segs = append(segs, g.key())
	}
	return strings.Join(segs, ".")
}

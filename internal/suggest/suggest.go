// Package suggest ranks CPS sections against a feature flag by text
// similarity, to draft the links of a new registry entry. It splits the
// flag's name into words (CamelCase, snake_case, acronyms), adds its doc
// comment, and scores every section with BM25F over two fields, the
// section's title (weighted up, with its parents' titles) and its text.
//
// A suggestion is only that: a human confirms it before it becomes a link.
package suggest

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
)

// Doc is one CPS section to rank.
type Doc struct {
	ID      string
	Title   string
	Context string // the titles of the section's parents, a weaker title
	Text    string
}

// Query is what is known about a flag.
type Query struct {
	Name string // the flag's identifier, split into words
	Text string // its doc comment
}

// Match is one ranked section.
type Match struct {
	ID    string
	Title string
	Score float64
	Terms []string // the query's words that matched, strongest first
}

// Ranking parameters (BM25F). Title words weigh more than text words: a
// section's title names its subject, the text also mentions its neighbours.
const (
	k1            = 1.2
	contextWeight = 0.75
	textWeight    = 1.0
	titleB        = 0.3
	// emptyPrior scales the score of a section with next to no text of its
	// own ("No stipulation."): a flag acts on what the CPS commits to, so a
	// bare title is a weaker match than the same words in a commitment.
	emptyWords = 4 // fewer words than this is next to no text
)

// Tunables, variables for the experiments of the accuracy tests.
var (
	textB       = 0.3
	titleWeight = 3.0
	nameBoost   = 2.0 // a word of the flag's name counts twice a word of its comment
	emptyPrior  = 0.5
)

// field indexes of a document.
const (
	fTitle = iota
	fContext
	fText
	nFields
)

var ()

// Index is a set of sections ready to rank.
type Index struct {
	docs   []Doc
	tf     []map[string][nFields]float64 // per document, per stem
	length [][nFields]float64
	avg    [nFields]float64
	df     map[string]int
	empty  []bool // next to no text
}

// NewIndex indexes docs; their order breaks ties in Rank.
func NewIndex(docs []Doc) *Index {
	ix := &Index{docs: docs, df: map[string]int{}}
	var nonEmpty [nFields]float64
	for _, d := range docs {
		tf := map[string][nFields]float64{}
		var l [nFields]float64
		for f, s := range [nFields]string{d.Title, d.Context, d.Text} {
			for _, w := range Words(s) {
				st := Stem(w)
				v := tf[st]
				v[f]++
				tf[st] = v
				l[f]++
			}
		}
		for st := range tf {
			ix.df[st]++
		}
		for f := range nFields {
			ix.avg[f] += l[f]
			if l[f] >= emptyWords {
				nonEmpty[f]++
			}
		}
		ix.tf = append(ix.tf, tf)
		ix.length = append(ix.length, l)
		ix.empty = append(ix.empty, l[fText] < emptyWords)
	}
	// The average length of a field is over the sections where it is not
	// empty: a CPS has many sections without text, which would make every
	// section with some text look long.
	for f := range nFields {
		if nonEmpty[f] > 0 {
			ix.avg[f] /= nonEmpty[f]
		} else if len(docs) > 0 {
			ix.avg[f] /= float64(len(docs))
		}
		if ix.avg[f] == 0 {
			ix.avg[f] = 1
		}
	}
	return ix
}

// queryTerm is one stem of a query, its weight and the word it came from.
type queryTerm struct {
	stem   string
	weight float64
	word   string
}

// terms returns the stems of q with their weights, in first-seen order.
func terms(q Query) []queryTerm {
	var out []queryTerm
	at := map[string]int{}
	add := func(s string, w float64) {
		for _, word := range Words(s) {
			st := Stem(word)
			if i, ok := at[st]; ok {
				out[i].weight = max(out[i].weight, w) // a repeated word does not count twice
				continue
			}
			at[st] = len(out)
			out = append(out, queryTerm{st, w, word})
		}
	}
	add(q.Name, nameBoost)
	// Adjacent words of the name joined, as a text may write them
	// ("CAAAccountURI": "accounturi").
	name := Words(q.Name)
	for i := 0; i+1 < len(name); i++ {
		add(name[i]+name[i+1], nameBoost)
	}
	add(q.Text, 1)
	return out
}

// Rank returns the n best sections for q, best first, leaving out those that
// share no word with it. Equal scores keep the index's order.
func (ix *Index) Rank(q Query, n int) []Match {
	qt := terms(q)
	fieldB := [nFields]float64{titleB, titleB, textB}
	fieldWeight := [nFields]float64{titleWeight, contextWeight, textWeight}
	type scored struct {
		i     int
		score float64
		parts []part
	}
	var all []scored
	for i, tf := range ix.tf {
		var s scored
		s.i = i
		for _, t := range qt {
			v, ok := tf[t.stem]
			if !ok {
				continue
			}
			var pseudo float64
			for f := range nFields {
				norm := 1 - fieldB[f] + fieldB[f]*ix.length[i][f]/ix.avg[f]
				pseudo += fieldWeight[f] * v[f] / norm
			}
			df := float64(ix.df[t.stem])
			idf := math.Log(1 + (float64(len(ix.docs))-df+0.5)/(df+0.5))
			c := t.weight * idf * pseudo / (k1 + pseudo)
			s.score += c
			s.parts = append(s.parts, part{t.word, c})
		}
		if ix.empty[i] {
			s.score *= emptyPrior
		}
		if s.score > 0 {
			all = append(all, s)
		}
	}
	slices.SortStableFunc(all, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
	if len(all) > n {
		all = all[:n]
	}
	out := make([]Match, 0, len(all))
	for _, s := range all {
		slices.SortStableFunc(s.parts, func(a, b part) int { return cmp.Compare(b.c, a.c) })
		words := make([]string, len(s.parts))
		for k, p := range s.parts {
			words[k] = p.word
		}
		d := ix.docs[s.i]
		out = append(out, Match{ID: d.ID, Title: d.Title, Score: math.Round(s.score*100) / 100, Terms: words})
	}
	return out
}

// part is one word's contribution to a score.
type part struct {
	word string
	c    float64
}

// Words splits s into lowercase words: at every character that is not a
// letter or digit, between a lowercase letter and an uppercase one
// ("asyncFinalize"), before the last capital of an acronym followed by a
// lowercase letter ("ECDSAForAll": ecdsa, for, all) and between letters and
// digits. Stop words and one-letter words are left out.
func Words(s string) []string {
	var out []string
	for _, field := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		for _, w := range splitIdent(field) {
			w = strings.ToLower(w)
			if len([]rune(w)) < 2 || stopWords[w] {
				continue
			}
			out = append(out, w)
		}
	}
	return out
}

// splitIdent splits one run of letters and digits at case and digit
// boundaries.
func splitIdent(s string) []string {
	r := []rune(s)
	var out []string
	start := 0
	for i := 1; i < len(r); i++ {
		prev, cur := r[i-1], r[i]
		split := false
		switch {
		case unicode.IsLower(prev) && unicode.IsUpper(cur):
			split = true
		case unicode.IsUpper(prev) && unicode.IsUpper(cur) && i+1 < len(r) && unicode.IsLower(r[i+1]):
			split = true // "ECDSAFor": split before "F"
		case unicode.IsDigit(prev) != unicode.IsDigit(cur):
			split = true
		}
		if split {
			out = append(out, string(r[start:i]))
			start = i
		}
	}
	return append(out, string(r[start:]))
}

// stopWords carry no subject: English function words, and the verbs and
// nouns every flag name and comment uses ("enable", "flag", "when").
var stopWords = setOf(`a about after all also an and any are as at be been before being but by can
could do does each either for from has have if in into is it its may more most must no nor not
of on once one only or other our over same shall should so some such than that the their them
then there these they this those through to under until upon us was we were what when where which
while who whose will with within without would yes you your
enable enabled enables disable disabled disables allow allows allowed use uses using used flag
flags feature features turn turns true false set sets default instead new old rather per via
eg ie etc every`)

func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// Stem reduces an English word to a stem shared with its inflections and
// derivations ("validation", "validated", "validates" -> "valid"); it is a
// light suffix stripper, with a few CA terms whose forms differ in spelling
// ("revoke", "revocation") mapped to one stem.
func Stem(w string) string {
	if s, ok := synonyms[w]; ok {
		return s
	}
	// Plurals.
	switch {
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "s") && len(w) > 3 && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	// Derivational and inflectional suffixes, longest first.
	inflected := false
	for _, r := range suffixes {
		if strings.HasSuffix(w, r[0]) && len(w)-len(r[0])+len(r[1]) >= 3 {
			w = w[:len(w)-len(r[0])] + r[1]
			inflected = r[1] == "" && (strings.HasPrefix(r[0], "ed") || strings.HasPrefix(r[0], "ing"))
			break
		}
	}
	// A final -ate, -ize, -ive, -al or -e, so that "validate" and "valid",
	// "issue" and "issu(ing)" meet; after -ed or -ing, the same without
	// the e ("compromis(ed)", "archiv(ing)").
	ends := []string{"ate", "ize", "ise", "ive", "al", "e"}
	if inflected {
		ends = []string{"at", "iz", "is", "iv"}
	}
	for _, end := range ends {
		if strings.HasSuffix(w, end) && len(w)-len(end) >= 3 {
			w = w[:len(w)-len(end)]
			break
		}
	}
	// A doubled final consonant left by -ing, -ed ("logged" -> "logg").
	if n := len(w); n > 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouls", rune(w[n-1])) {
		w = w[:n-1]
	}
	if s, ok := synonyms[w]; ok {
		return s
	}
	return w
}

// suffixes are replaced at most once, the first that fits.
var suffixes = [][2]string{
	{"izations", "ize"}, {"ization", "ize"}, {"ational", "ate"}, {"ations", "ate"}, {"ation", "ate"},
	{"ating", "ate"}, {"ated", "ate"}, {"izing", "ize"}, {"ized", "ize"}, {"ements", ""}, {"ement", ""},
	{"ments", ""}, {"ment", ""}, {"ness", ""}, {"ances", ""}, {"ance", ""}, {"ences", ""}, {"ence", ""},
	{"ities", ""}, {"ity", ""}, {"ingly", ""}, {"ings", ""}, {"ing", ""}, {"edly", ""}, {"ed", ""},
	{"ers", ""}, {"er", ""}, {"ly", ""},
}

// synonyms map words, or stems, of the same CA notion to one stem.
var synonyms = map[string]string{
	"revok": "revoc", "revoke": "revoc", "revoked": "revoc", "revokes": "revoc", "revoking": "revoc",
	"cert": "certific", "certs": "certific",
	"ca": "ca", "cas": "ca",
	"ra":      "ra",
	"dns":     "dns",
	"tls":     "tls",
	"pre":     "pre",
	"precert": "precertific", "precerts": "precertific",
	"ct": "ct", "sct": "sct", "scts": "sct",
	"crl": "crl", "crls": "crl",
	"ocsp":    "ocsp",
	"keys":    "key",
	"domains": "domain",
	"hsm":     "hsm", "hsms": "hsm",
	"logs": "log", "logged": "log", "logging": "log",
	"audit": "audit", "audits": "audit", "audited": "audit", "auditing": "audit", "auditor": "audit", "auditors": "audit",
}

package flags

import (
	"fmt"
	"slices"
)

// PathSet is a set of key path patterns (see Lookup) compiled into a trie,
// so that a file is walked once for all of them (LookupSet) instead of once
// per pattern: a thousand parameters that share a glob, each set in a few of
// its files, cost a walk of what the files hold.
type PathSet struct {
	root *pathNode
	n    int
}

// pathNode is the trie node of a key path prefix.
type pathNode struct {
	ends []int // the indexes of the patterns that end here
	star *pathNode
	lits []*pathLit
	// exact and byFold index lits by segment, and by segment folded as
	// encoding/json folds keys (several segments may fold alike).
	exact  map[string]*pathLit
	byFold map[string][]*pathLit
}

// pathLit is a literal (not "*") segment below a node.
type pathLit struct {
	seg, folded string
	node        *pathNode
}

// NewPathSet compiles key paths; LookupSet reports values by their index
// in paths.
func NewPathSet(paths []KeyPath) *PathSet {
	ps := &PathSet{root: &pathNode{}, n: len(paths)}
	for i, kp := range paths {
		n := ps.root
		for j, seg := range kp.segs {
			n = n.child(seg, kp.folded[j])
		}
		n.ends = append(n.ends, i)
	}
	return ps
}

// Len is the number of key paths in the set.
func (ps *PathSet) Len() int { return ps.n }

func (n *pathNode) child(seg, folded string) *pathNode {
	if seg == "*" {
		if n.star == nil {
			n.star = &pathNode{}
		}
		return n.star
	}
	if l, ok := n.exact[seg]; ok {
		return l.node
	}
	if n.exact == nil {
		n.exact, n.byFold = map[string]*pathLit{}, map[string][]*pathLit{}
	}
	l := &pathLit{seg: seg, folded: folded, node: &pathNode{}}
	n.lits = append(n.lits, l)
	n.exact[seg] = l
	n.byFold[folded] = append(n.byFold[folded], l)
	return l.node
}

// SetValue is a value that the Path-th key path of a PathSet reaches.
type SetValue struct {
	Path int
	ConfigValue
}

// LookupSet looks every key path of ps up in the file in one walk: the
// values it returns, ordered by path index and, for one path, as LookupPath
// orders them, are exactly what LookupPath returns for each path. When ok is
// false, the walk met something that LookupPath would report as an error
// for some path (or came near cpsgate's limits on what aliases expand to):
// the caller then looks the paths up one by one with LookupPath, which
// reports it exactly. LookupSet does not change cf: its memos, and the
// duplicate keys the look-ups report once, are its own.
func (cf *ConfigFile) LookupSet(ps *PathSet) (vals []SetValue, ok bool) {
	s := &setWalk{cf: &ConfigFile{file: cf.file, json: cf.json, docs: cf.docs, w: newSettingsWalker("\x00", "", cf.json)}}
	for i, doc := range cf.docs {
		if !s.walk(doc, ps.root, documentPath(i), 0) {
			return nil, false
		}
	}
	if len(s.cf.w.errs) > 0 {
		return nil, false
	}
	slices.SortStableFunc(s.out, func(a, b SetValue) int { return a.Path - b.Path })
	return s.out, true
}

// setWalk is one walk of LookupSet, on a ConfigFile of its own.
type setWalk struct {
	cf     *ConfigFile
	out    []SetValue
	visits int
}

// walk visits n, at concrete path p, with the patterns of trie node t. It
// is lookup for every pattern below t at once, and returns false where any
// of them would report an error.
func (s *setWalk) walk(n *cnode, t *pathNode, p string, depth int) bool {
	n = n.resolve()
	s.visits++
	if depth > maxEffectiveDepth || s.visits > MaxConfigSettings || len(s.out) > MaxConfigSettings {
		return false
	}
	if len(t.ends) > 0 {
		if n.kind != scalarNode {
			return false // not a single value
		}
		for _, i := range t.ends {
			s.out = append(s.out, SetValue{Path: i, ConfigValue: ConfigValue{Path: p, Scalar: scalarOf(n, !s.cf.json), Pos: n.pos}})
		}
	}
	if t.star == nil && len(t.lits) == 0 {
		return true
	}
	switch n.kind {
	case objectNode:
		s.cf.checkKeys(n)
		if t.star != nil {
			for _, e := range s.cf.w.mergedEntries(n, 0) {
				if e.keyNotString != "" || !s.walk(e.value, t.star, joinKey(p, e.key), depth+1) {
					return false
				}
			}
		}
		if len(t.lits) == 0 {
			return true
		}
		groups := s.cf.keyGroups(n)
		if len(t.lits) <= len(groups) {
			for _, l := range t.lits {
				k := l.seg
				if s.cf.json {
					k = l.folded
				}
				if !s.follow(groups[k], l, p, depth) {
					return false
				}
			}
			return true
		}
		for k, found := range groups {
			if !s.cf.json {
				if l, ok := t.exact[k]; ok && !s.follow(found, l, p, depth) {
					return false
				}
				continue
			}
			for _, l := range t.byFold[k] {
				if !s.follow(found, l, p, depth) {
					return false
				}
			}
		}
		return true
	case arrayNode:
		if len(t.lits) > 0 {
			return false // an array where a pattern needs an object
		}
		for i, item := range n.items {
			if !s.walk(item, t.star, fmt.Sprintf("%s[%d]", p, i), depth+1) {
				return false
			}
		}
		return true
	default:
		// An empty value on the way has nothing set below it; any other
		// scalar on the way is an error.
		return n.isNull
	}
}

// follow walks the entries found for literal segment l, as lookup does.
func (s *setWalk) follow(found []centry, l *pathLit, p string, depth int) bool {
	switch {
	case len(found) == 0:
		return true
	case len(found) > 1 || found[0].keyNotString != "":
		return false // a duplicate key, keys equal under case folding, a key not a string
	}
	return s.walk(found[0].value, l.node, joinKey(p, l.seg), depth+1)
}

package flags

import (
	"cmp"
	"slices"
	"strings"

	"github.com/cpsgate/cpsgate/diag"
)

// settingGroup is the settings of one file, or those that sources add
// directly: a list, or, for a JSON configuration file the fast path read,
// a compact form (a quarter of the size) that the Inventory keeps, at
// building a setting on demand. A large CA's hundreds of files set millions
// of flags: the compact form keeps what the revisions of a check share
// small.
type settingGroup struct {
	list    []Setting
	compact *compactSettings
}

// compactSettings are config settings of one file: every one of kind
// KindConfig, in environment env, at a position in file.
type compactSettings struct {
	env, file string
	paths     []string // key paths of the flag maps
	items     []compactSetting
}

// compactSetting is a setting of a compactSettings.
type compactSetting struct {
	flag      string
	line, col int32
	path      int32 // index in paths
	value     bool
}

// len returns the number of settings.
func (g settingGroup) len() int {
	if g.compact != nil {
		return len(g.compact.items)
	}
	return len(g.list)
}

// flag returns the flag of the i-th setting.
func (g settingGroup) flag(i int) string {
	if g.compact != nil {
		return g.compact.items[i].flag
	}
	return g.list[i].Flag
}

// at returns the i-th setting.
func (g settingGroup) at(i int) Setting {
	if c := g.compact; c != nil {
		it := &c.items[i]
		return Setting{
			Flag: it.flag, Kind: KindConfig, Env: c.env, Path: c.paths[it.path], Value: it.value,
			Pos: diag.Pos{File: c.file, Line: int(it.line), Col: int(it.col)},
		}
	}
	return g.list[i]
}

// compareAt orders the i-th setting of g and the j-th of h as
// compareSettings does, for two settings of one flag: by environment, path
// then position, without building them.
func (g settingGroup) compareAt(i int, h settingGroup, j int) int {
	ge, gp, gf, gl, gc := g.key(i)
	he, hp, hf, hl, hc := h.key(j)
	if c := strings.Compare(ge, he); c != 0 {
		return c
	}
	if c := strings.Compare(gp, hp); c != 0 {
		return c
	}
	if c := strings.Compare(gf, hf); c != 0 {
		return c
	}
	if c := cmp.Compare(gl, hl); c != 0 {
		return c
	}
	return cmp.Compare(gc, hc)
}

// key returns what orders the i-th setting among those of its flag: its
// environment, path, and position (file, line, column).
func (g settingGroup) key(i int) (env, path, file string, line, col int) {
	if c := g.compact; c != nil {
		it := &c.items[i]
		return c.env, c.paths[it.path], c.file, int(it.line), int(it.col)
	}
	s := &g.list[i]
	return s.Env, s.Path, s.Pos.File, s.Pos.Line, s.Pos.Col
}

// settings returns the settings as a list (a new one for a compact group).
func (g settingGroup) settings() []Setting {
	if g.compact == nil {
		return g.list
	}
	out := make([]Setting, g.len())
	for i := range out {
		out[i] = g.at(i)
	}
	return out
}

// distinctPaths reports whether the group is compact and no two of its
// flag maps have the same key path: its settings then cannot set one
// field twice unless a key is renamed (the fast path refuses two keys of
// one map that are equal under case folding).
func (g settingGroup) distinctPaths() bool {
	c := g.compact
	if c == nil {
		return false
	}
	if len(c.paths) < 2 {
		return true
	}
	sorted := slices.Clone(c.paths)
	slices.Sort(sorted)
	return len(slices.Compact(sorted)) == len(c.paths)
}

package gitrepo

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// Git file modes, as in tree objects and the index.
const (
	modeType    = 0o170000
	modeDir     = 0o040000
	modeFile    = 0o100000
	modeSymlink = 0o120000
	modeGitlink = 0o160000
)

// entry is one entry of a tree object.
type entry struct {
	mode uint32
	id   string
}

// notFile explains why an entry of mode at p cannot be read as a file, or
// returns nil when it can.
func notFile(mode uint32, p string) error {
	switch mode & modeType {
	case modeFile:
		return nil
	case modeDir:
		return fmt.Errorf("%s is a directory", p)
	case modeSymlink:
		return fmt.Errorf("%s is a symbolic link; symlinks are not followed", p)
	case modeGitlink:
		return fmt.Errorf("%s is a submodule (gitlink), not a file", p)
	}
	return fmt.Errorf("%s is not a regular file", p)
}

// parseMode parses an octal git file mode.
func parseMode(s string) (uint32, error) {
	m, err := strconv.ParseUint(s, 8, 32)
	return uint32(m), err
}

// lookup walks the trees of revision rev to the entry at p. The caller
// holds r.mu.
func (r *Repo) lookup(rev, p string) (entry, error) {
	tree, err := r.rootTree(rev)
	if err != nil {
		return entry{}, err
	}
	parts := strings.Split(p, "/")
	dirs, base := parts[:len(parts)-1], parts[len(parts)-1]
	for i, name := range dirs {
		e, ok := tree[name]
		switch {
		case !ok:
			return entry{}, fs.ErrNotExist
		case e.mode&modeType == modeSymlink:
			return entry{}, notFile(e.mode, strings.Join(dirs[:i+1], "/"))
		case e.mode&modeType != modeDir:
			return entry{}, fs.ErrNotExist
		}
		if tree, err = r.tree(e.id); err != nil {
			return entry{}, err
		}
	}
	e, ok := tree[base]
	if !ok {
		return entry{}, fs.ErrNotExist
	}
	return e, nil
}

// rootTree returns the root tree of revision rev. The caller holds r.mu.
func (r *Repo) rootTree(rev string) (map[string]entry, error) {
	if id, ok := r.roots[rev]; ok {
		return r.trees[id], nil
	}
	obj, err := r.object(rev + "^{tree}")
	switch {
	case errors.Is(err, errMissing) && r.shallow:
		return nil, fmt.Errorf("revision %q not found: %s", rev, shallowHint)
	case errors.Is(err, errMissing):
		return nil, fmt.Errorf("revision %q not found", rev)
	case err != nil:
		return nil, fmt.Errorf("revision %q: %w", rev, err)
	}
	tree, err := r.cacheTree(obj)
	if err != nil {
		return nil, err
	}
	if r.roots == nil {
		r.roots = map[string]string{}
	}
	r.roots[rev] = obj.id
	return tree, nil
}

// tree returns the entries of the tree object id. The caller holds r.mu.
func (r *Repo) tree(id string) (map[string]entry, error) {
	if tree, ok := r.trees[id]; ok {
		return tree, nil
	}
	obj, err := r.object(id)
	if err != nil {
		return nil, fmt.Errorf("tree %s: %w", id, err)
	}
	return r.cacheTree(obj)
}

// prefetchTrees reads the trees ids that are not cached yet in one round
// trip to the batch process and caches them; what it cannot read is left to
// tree, which says why. The caller holds r.mu, which it releases meanwhile.
func (r *Repo) prefetchTrees(ids []string) {
	var want []string
	seen := map[string]bool{}
	for _, id := range ids {
		if _, ok := r.trees[id]; !ok && !seen[id] {
			seen[id] = true
			want = append(want, id)
		}
	}
	if len(want) < 2 {
		return // tree reads one the usual way
	}
	r.mu.Unlock()
	objs := r.objects(want)
	r.mu.Lock()
	for _, obj := range objs {
		if _, ok := r.trees[obj.id]; !ok && obj.kind == "tree" {
			_, _ = r.cacheTree(obj) // a malformed tree is tree's to report
		}
	}
}

// cacheTree parses a tree object and remembers it by id.
func (r *Repo) cacheTree(obj object) (map[string]entry, error) {
	if obj.kind != "tree" {
		return nil, fmt.Errorf("object %s is a %s, not a tree", obj.id, obj.kind)
	}
	tree, err := parseTree(obj.data, len(obj.id)/2)
	if err != nil {
		return nil, fmt.Errorf("tree %s: %w", obj.id, err)
	}
	if r.trees == nil {
		r.trees = map[string]map[string]entry{}
	}
	r.trees[obj.id] = tree
	return tree, nil
}

// parseTree decodes the entries "<octal mode> <name>\x00<raw id>" of a tree
// object whose ids are idLen bytes long.
func parseTree(data []byte, idLen int) (map[string]entry, error) {
	tree := map[string]entry{}
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		nul := bytes.IndexByte(data, 0)
		if sp < 0 || nul < sp || len(data) < nul+1+idLen {
			return nil, errors.New("malformed tree object")
		}
		mode, err := parseMode(string(data[:sp]))
		if err != nil {
			return nil, fmt.Errorf("malformed tree object: mode %q", data[:sp])
		}
		name := string(data[sp+1 : nul])
		tree[name] = entry{mode: mode, id: hex.EncodeToString(data[nul+1 : nul+1+idLen])}
		data = data[nul+1+idLen:]
	}
	return tree, nil
}

package gitrepo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Names of the snapshots that are not commits.
const (
	WorkTreeName = "WORKTREE"
	IndexName    = "STAGED"
	// EmptyTree is the id of git's empty tree, the Name of Repo.Empty.
	EmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
)

// Snapshot is read access to the files of one revision. It satisfies the
// FS interface of package flags: ReadFile's error wraps fs.ErrNotExist when
// the file is missing; Glob returns sorted paths matching a pattern as by
// Match. Symbolic links are listed but never read; submodules are not listed.
type Snapshot interface {
	ReadFile(name string) ([]byte, error)
	Glob(pattern string) ([]string, error)
	Name() string // a commit id, WorkTreeName, IndexName or EmptyTree
}

// readError says that reading name from the snapshot called snap failed.
func readError(snap, name string, err error) error {
	return fmt.Errorf("read %q at %s: %w", name, snap, err)
}

// glob validates pattern, lists the candidates under its literal directory
// and returns those that match, sorted. A symbolic link or a submodule that
// the pattern matches, or that it could reach files through, is an error:
// the program that reads the files would follow it to content that cpsgate
// does not read. list marks such entries with markLink; stat, when not nil,
// classifies an entry on disk (a link, a missing file) as the work tree
// needs.
func glob(pattern string, list func(prefix string) ([]string, error), stat func(name string) (link string, absent bool)) ([]string, error) {
	if err := checkPattern(pattern); err != nil {
		return nil, err
	}
	names, err := list(literalDir(pattern))
	if err != nil {
		return nil, err
	}
	var out []string
	var link *LinkError // the first by path, so that the error is deterministic
	for _, name := range names {
		kind, name := unmarkLink(name)
		matches := Match(pattern, name)
		if !matches && !MatchUnder(pattern, name) {
			continue
		}
		if kind == "" && stat != nil {
			var absent bool
			if kind, absent = stat(name); absent {
				continue
			}
		}
		if kind != "" && (link == nil || name < link.Path) {
			link = &LinkError{Path: name, Kind: kind, Pattern: pattern}
		}
		if matches {
			out = append(out, name)
		}
	}
	if link != nil {
		return nil, link
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Kinds of links, as LinkError names them.
const (
	KindSymlink = "a symbolic link"
	KindGitlink = "a submodule (gitlink)"
)

// LinkError is a symbolic link or a submodule at Path that glob Pattern
// matches or reaches files through.
type LinkError struct {
	Path, Kind, Pattern string
}

func (e *LinkError) Error() string {
	return fmt.Sprintf("%s is %s that glob %q reaches; cpsgate does not follow links, so it cannot read what the program reading these files would read (replace it with the files themselves)", e.Path, e.Kind, e.Pattern)
}

// linkMark starts the entry of a link in a listing: the mark, the kind's
// letter, the path. Paths never hold a NUL.
const linkMark = "\x00"

// markLink returns the listing entry of path p with git mode mode: p itself
// for a file, a marked entry for a symbolic link or a submodule.
func markLink(mode uint32, p string) string {
	switch mode & modeType {
	case modeSymlink:
		return linkMark + "l" + p
	case modeGitlink:
		return linkMark + "g" + p
	}
	return p
}

// unmarkLink splits a listing entry into the kind of link (empty for a
// file) and its path.
func unmarkLink(entry string) (kind, p string) {
	if !strings.HasPrefix(entry, linkMark) {
		return "", entry
	}
	if entry[1] == 'l' {
		return KindSymlink, entry[2:]
	}
	return KindGitlink, entry[2:]
}

// MatchUnder reports whether pattern could match a path below directory
// dir, so that a link at dir would let it reach files elsewhere.
func MatchUnder(pattern, dir string) bool {
	pat, segs := strings.Split(pattern, "/"), strings.Split(dir, "/")
	var under func(p, n int) bool
	under = func(p, n int) bool {
		switch {
		case n == len(segs):
			return p < len(pat)
		case p == len(pat):
			return false
		case pat[p] == "**":
			return true // it matches dir itself, and then anything below
		case matchSegment(pat[p], segs[n]):
			return under(p+1, n+1)
		}
		return false
	}
	return under(0, 0)
}

// listing returns the cached listing under key, or runs git with args and
// caches what parse makes of its output.
func (r *Repo) listing(key listKey, args []string, parse func([]byte) ([]string, error)) ([]string, error) {
	r.mu.Lock()
	names, ok := r.lists[key]
	r.mu.Unlock()
	if ok {
		return names, nil
	}
	// git runs without the lock: reads through the batch process, and the
	// listing of the other revision, go on meanwhile.
	out, err := r.run(r.ctx, args...)
	if err != nil {
		return nil, err
	}
	names, err = parse(out)
	if err != nil {
		return nil, fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lists == nil {
		r.lists = map[listKey][]string{}
	}
	r.lists[key] = names
	return names, nil
}

// pathspec is the argument tail that limits a listing to prefix.
func pathspec(prefix string) []string {
	if prefix == "" {
		return nil
	}
	return []string{"--", prefix}
}

// records splits NUL-terminated output.
func records(out []byte) []string {
	s := strings.TrimSuffix(string(out), "\x00")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\x00")
}

// Commit returns the snapshot of the commit rev, best a full id from Resolve.
func (r *Repo) Commit(rev string) Snapshot { return commitSnapshot{r: r, rev: rev} }

type commitSnapshot struct {
	r   *Repo
	rev string
}

func (s commitSnapshot) Name() string { return s.rev }

func (s commitSnapshot) ReadFile(name string) ([]byte, error) {
	p, err := cleanPath(name)
	if err != nil {
		return nil, err
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	e, err := s.r.lookup(s.rev, p)
	if err == nil {
		err = notFile(e.mode, p)
	}
	if err != nil {
		return nil, readError(s.rev, p, err)
	}
	data, err := s.r.blob(e.id)
	if err != nil {
		return nil, readError(s.rev, p, err)
	}
	return data, nil
}

func (s commitSnapshot) Glob(pattern string) ([]string, error) {
	return glob(pattern, func(prefix string) ([]string, error) {
		if names, ok, err := s.r.walk(s.rev, prefix, maxWalkTrees); ok || err != nil {
			return names, err
		}
		args := append([]string{"ls-tree", "-r", "-z", "--full-tree", s.rev}, pathspec(prefix)...)
		return s.r.listing(listKey{rev: s.rev, prefix: prefix}, args, parseLsTree)
	}, nil)
}

// maxWalkTrees is how many tree objects a listing reads through the batch
// process before it leaves a large directory to one git ls-tree.
const maxWalkTrees = 64

// walk lists, as git ls-tree -r would, the files and links (marked) at or
// under prefix in revision rev, reading tree objects through the batch
// process: no process of its own, and trees that base and head share are read
// once. It gives up (ok false) past limit trees.
func (r *Repo) walk(rev, prefix string, limit int) (names []string, ok bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var tree map[string]entry
	if prefix == "" {
		tree, err = r.rootTree(rev)
	} else {
		var e entry
		switch e, err = r.lookup(rev, prefix); {
		case errors.Is(err, fs.ErrNotExist):
			return nil, true, nil
		case err != nil:
			return nil, false, nil // ls-tree says what it makes of it
		case e.mode&modeType != modeDir:
			return []string{markLink(e.mode, prefix)}, true, nil
		}
		tree, err = r.tree(e.id)
	}
	if err != nil {
		return nil, false, err
	}
	type dir struct {
		path string
		tree map[string]entry
	}
	// Level by level: the trees of a level are asked for at once.
	level := []dir{{prefix, tree}}
	for read := 1; len(level) > 0; {
		var subs []string
		for _, d := range level {
			for _, e := range d.tree {
				if e.mode&modeType == modeDir && len(subs) <= limit-read {
					subs = append(subs, e.id)
				}
			}
		}
		r.prefetchTrees(subs)
		var next []dir
		for _, d := range level {
			for name, e := range d.tree {
				p := name
				if d.path != "" {
					p = d.path + "/" + name
				}
				switch e.mode & modeType {
				case modeDir:
					if read++; read > limit {
						return nil, false, nil
					}
					sub, err := r.tree(e.id)
					if err != nil {
						return nil, false, err
					}
					next = append(next, dir{p, sub})
				default:
					names = append(names, markLink(e.mode, p))
				}
			}
		}
		level = next
	}
	return names, true, nil
}

// parseLsTree returns the paths of `git ls-tree -r -z` output
// ("<mode> <type> <id>\t<path>"), symbolic links and submodules marked.
func parseLsTree(out []byte) ([]string, error) {
	var names []string
	for _, rec := range records(out) {
		meta, name, ok := strings.Cut(rec, "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 {
			return nil, fmt.Errorf("unexpected record %q", rec)
		}
		mode, err := parseMode(f[0])
		if err != nil {
			return nil, fmt.Errorf("unexpected mode in record %q", rec)
		}
		names = append(names, markLink(mode, name))
	}
	return names, nil
}

// blob reads the blob id through the batch process. The caller holds r.mu.
func (r *Repo) blob(id string) ([]byte, error) {
	if data, ok := r.blobs[id]; ok {
		return data, nil
	}
	obj, err := r.object(id)
	switch {
	case errors.Is(err, errMissing):
		return nil, fmt.Errorf("blob %s is missing from the object database", id)
	case err != nil:
		return nil, err
	case obj.kind != "blob":
		return nil, fmt.Errorf("object %s is a %s, not a blob", id, obj.kind)
	}
	if data, ok := r.blobs[id]; ok { // another reader read it meanwhile
		return data, nil
	}
	r.cacheBlob(id, obj.data)
	return obj.data, nil
}

// cacheBlob keeps the blob id, within maxBlobCache. The caller holds r.mu.
func (r *Repo) cacheBlob(id string, data []byte) {
	if r.blobBytes+len(data) <= maxBlobCache {
		if r.blobs == nil {
			r.blobs = map[string][]byte{}
		}
		r.blobs[id] = data
		r.blobBytes += len(data)
	}
}

// Prefetcher is a Snapshot that reads many files at once faster than one by
// one: a commit's, whose blobs it asks git for in one round trip. A reader
// that is about to read names calls Prefetch first; ReadFile then finds
// them cached. Prefetch never fails: what it cannot read is left to
// ReadFile, which says why.
type Prefetcher interface {
	Prefetch(names []string)
}

// Prefetch reads the blobs of the regular files among names that are not
// cached yet, in one round trip to the batch process.
func (s commitSnapshot) Prefetch(names []string) {
	r := s.r
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	seen := map[string]bool{}
	for _, name := range names {
		p, err := cleanPath(name)
		if err != nil {
			continue
		}
		e, err := r.lookup(s.rev, p)
		if err != nil || notFile(e.mode, p) != nil || seen[e.id] {
			continue
		}
		if _, ok := r.blobs[e.id]; !ok {
			seen[e.id] = true
			ids = append(ids, e.id)
		}
	}
	if len(ids) < 2 {
		return // ReadFile reads one the usual way
	}
	r.mu.Unlock()
	objs := r.objects(ids)
	r.mu.Lock()
	for _, obj := range objs {
		if _, ok := r.blobs[obj.id]; !ok && obj.kind == "blob" {
			r.cacheBlob(obj.id, obj.data)
		}
	}
}

// Index returns the snapshot of the staged files (stage 0 of the index).
// Reading a path with a merge conflict is an error.
func (r *Repo) Index() Snapshot { return indexSnapshot{r} }

type indexSnapshot struct{ r *Repo }

// indexEntry is one path of the index.
type indexEntry struct {
	mode     uint32
	id       string
	unmerged bool // has entries at stages 1-3
}

func (s indexSnapshot) Name() string { return IndexName }

func (s indexSnapshot) ReadFile(name string) ([]byte, error) {
	p, err := cleanPath(name)
	if err != nil {
		return nil, err
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	if err := s.r.loadIndex(); err != nil {
		return nil, err
	}
	e, ok := s.r.index[p]
	switch {
	case !ok && s.r.indexHasDir(p):
		err = notFile(modeDir, p)
	case !ok:
		err = fs.ErrNotExist
	case e.unmerged:
		err = fmt.Errorf("%s is unmerged (a merge conflict is in progress); resolve it and git add it", p)
	default:
		err = notFile(e.mode, p)
	}
	if err != nil {
		return nil, readError(IndexName, p, err)
	}
	data, err := s.r.blob(e.id)
	if err != nil {
		return nil, readError(IndexName, p, err)
	}
	return data, nil
}

func (s indexSnapshot) Glob(pattern string) ([]string, error) {
	return glob(pattern, func(string) ([]string, error) {
		s.r.mu.Lock()
		defer s.r.mu.Unlock()
		if err := s.r.loadIndex(); err != nil {
			return nil, err
		}
		return s.r.indexed, nil
	}, nil)
}

// loadIndex reads the whole index once, with `git ls-files -z --stage`.
// The caller holds r.mu.
func (r *Repo) loadIndex() error {
	if r.index != nil {
		return nil
	}
	args := []string{"ls-files", "-z", "--stage"}
	out, err := r.run(r.ctx, args...)
	if err != nil {
		return err
	}
	index := map[string]indexEntry{}
	var names []string
	for _, rec := range records(out) {
		name, e, err := parseStage(rec)
		if err != nil {
			return fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
		}
		if _, seen := index[name]; !seen {
			names = append(names, markLink(e.mode, name))
		}
		index[name] = e
	}
	slices.Sort(names)
	r.index, r.indexed = index, names
	return nil
}

// indexHasDir reports whether the index holds files under directory p. The
// caller holds r.mu and has loaded the index.
func (r *Repo) indexHasDir(p string) bool {
	i, _ := slices.BinarySearch(r.indexed, p+"/")
	return i < len(r.indexed) && strings.HasPrefix(r.indexed[i], p+"/")
}

// parseStage parses a record "<mode> <id> <stage>\t<path>" of ls-files --stage.
func parseStage(rec string) (string, indexEntry, error) {
	meta, name, ok := strings.Cut(rec, "\t")
	f := strings.Fields(meta)
	if !ok || len(f) != 3 {
		return "", indexEntry{}, fmt.Errorf("unexpected record %q", rec)
	}
	mode, err := parseMode(f[0])
	if err != nil {
		return "", indexEntry{}, fmt.Errorf("unexpected mode in record %q", rec)
	}
	return name, indexEntry{mode: mode, id: f[1], unmerged: f[2] != "0"}, nil
}

// WorkTree returns the snapshot of the files on disk. Its listing holds the
// tracked files and the untracked ones that are not ignored, leaving out
// those deleted on disk.
func (r *Repo) WorkTree() Snapshot { return workTreeSnapshot{r} }

type workTreeSnapshot struct{ r *Repo }

func (s workTreeSnapshot) Name() string { return WorkTreeName }

func (s workTreeSnapshot) ReadFile(name string) ([]byte, error) {
	p, err := cleanPath(name)
	if err != nil {
		return nil, err
	}
	full, err := s.regularFile(p)
	if err != nil {
		return nil, readError(WorkTreeName, p, err)
	}
	data, err := os.ReadFile(full)
	if err != nil {
		return nil, readError(WorkTreeName, p, err)
	}
	return data, nil
}

// regularFile checks, without following symbolic links at any level, that
// p is a regular file within the size limit and returns its path on disk.
func (s workTreeSnapshot) regularFile(p string) (string, error) {
	parts := strings.Split(p, "/")
	full := s.r.root
	for i, part := range parts {
		full = filepath.Join(full, part)
		fi, err := os.Lstat(full)
		if errors.Is(err, fs.ErrNotExist) {
			return "", fs.ErrNotExist
		}
		if err != nil {
			return "", err
		}
		mode := diskMode(fi)
		switch {
		case i < len(parts)-1 && mode == modeSymlink:
			return "", notFile(mode, strings.Join(parts[:i+1], "/"))
		case i < len(parts)-1 && mode != modeDir:
			return "", fs.ErrNotExist
		case i < len(parts)-1:
			continue
		}
		if err := notFile(mode, p); err != nil {
			return "", err
		}
		if fi.Size() > s.r.MaxBlobSize {
			return "", &tooLargeError{size: fi.Size(), limit: s.r.MaxBlobSize}
		}
	}
	return full, nil
}

// diskMode maps the type of a file on disk to a git mode.
func diskMode(fi fs.FileInfo) uint32 {
	switch t := fi.Mode().Type(); {
	case t == 0:
		return modeFile
	case t&fs.ModeSymlink != 0:
		return modeSymlink
	case t&fs.ModeDir != 0:
		return modeDir
	}
	return 0
}

func (s workTreeSnapshot) Glob(pattern string) ([]string, error) {
	return glob(pattern, func(prefix string) ([]string, error) {
		args := append([]string{"ls-files", "-z", "--cached", "--others", "--exclude-standard"}, pathspec(prefix)...)
		return s.r.listing(listKey{workTree: true, prefix: prefix}, args, func(out []byte) ([]string, error) {
			return records(out), nil
		})
	}, s.stat)
}

// stat classifies a listed path by what is on disk: a symbolic link, a
// directory (a submodule, or an untracked nested repository, which ls-files
// lists with a trailing slash) as a link; a missing path as absent.
func (s workTreeSnapshot) stat(name string) (link string, absent bool) {
	fi, err := os.Lstat(filepath.Join(s.r.root, filepath.FromSlash(strings.TrimSuffix(name, "/"))))
	switch {
	case err != nil:
		return "", true
	case fi.Mode().Type()&fs.ModeSymlink != 0:
		return KindSymlink, false
	case fi.IsDir():
		return KindGitlink, false
	}
	return "", false
}

// Empty returns a snapshot without files, the base for a repository
// without commits.
func (r *Repo) Empty() Snapshot { return emptySnapshot{} }

type emptySnapshot struct{}

func (emptySnapshot) Name() string { return EmptyTree }

func (emptySnapshot) ReadFile(name string) ([]byte, error) {
	p, err := cleanPath(name)
	if err != nil {
		return nil, err
	}
	return nil, readError(EmptyTree, p, fs.ErrNotExist)
}

func (emptySnapshot) Glob(pattern string) ([]string, error) {
	return nil, checkPattern(pattern)
}

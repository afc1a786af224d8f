// Package history loads what the PMA report is built from: it walks the
// first-parent history of a branch over a period, through a small git
// interface, and reads the state of the repository (revision.State) after
// each commit that touches the configured paths, re-reading only what a
// commit changed and parsing each version of a CPS document or registry
// once. Build in package report turns the result into the report.
package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/gitrepo"
	"github.com/cpsgate/cpsgate/internal/clone"
	"github.com/cpsgate/cpsgate/params"
	"github.com/cpsgate/cpsgate/report"
	"github.com/cpsgate/cpsgate/revision"
)

// Git is what the loader asks of a repository; *gitrepo.Repo has it.
type Git interface {
	Resolve(ref string) (string, error)
	Commit(sha string) gitrepo.Snapshot
	Empty() gitrepo.Snapshot
	Walk(ctx context.Context, tip string, paths []string, visit func(*gitrepo.WalkEntry) bool) error
	Tags(ctx context.Context) (map[string][]string, error)
	Blob(id string) ([]byte, error)
	Blobs(ids []string) [][]byte
}

// Options name the period and how to read it.
type Options struct {
	// From and To are the ends of the period: dates (YYYY-MM-DD, both
	// included) or refs (From the last commit before the period).
	From, To string
	// Branch is the branch whose first-parent history is walked when To is
	// a date.
	Branch string
	// Config is the configuration path, relative to the repository root.
	Config string
	// ConfigRev, when not "", is a revision whose configuration every
	// commit is read with, in place of its own: to report on history from
	// before adoption (report --config-rev).
	ConfigRev string
	// External reads a CPS document kept in another repository and says
	// which version it is (nil: such a document cannot be read).
	External func(config.Document) (clone.Doc, error)
	// Progress, when not nil, is told how many commits are read.
	Progress func(done, total int)
	// Prepare, when not nil, is given each step as soon as it is read, a
	// few at once on other goroutines (report.Prepare), and what it returns
	// replaces the step: the states of a long period are then not all
	// kept. The Input's End is then the state at the end of the period.
	Prepare func(context.Context, report.Step) (report.Step, error)
}

// datePattern is the form of a date on the command line.
var datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// bound is one end of the period: a date or a commit.
type bound struct {
	date  time.Time // zero for a ref
	isRef bool
	sha   string
}

// parseBound reads --from or --to: a date (YYYY-MM-DD) or a ref.
func parseBound(repo Git, name, value string) (bound, error) {
	if datePattern.MatchString(value) {
		d, err := time.Parse(time.DateOnly, value)
		if err != nil {
			return bound{}, fmt.Errorf("--%s %q: not a valid date (YYYY-MM-DD): %v", name, value, strings.TrimPrefix(err.Error(), "parsing time "))
		}
		return bound{date: d}, nil
	}
	sha, err := repo.Resolve(value)
	if err != nil {
		return bound{}, fmt.Errorf("--%s %q is neither a date (YYYY-MM-DD) nor a commit: %w", name, value, err)
	}
	return bound{isRef: true, sha: sha}, nil
}

// Load resolves the period, walks its history and loads the states
// the report is built from.
func Load(ctx context.Context, repo Git, o Options) (*report.Input, error) {
	progress := o.Progress
	from, err := parseBound(repo, "from", o.From)
	if err != nil {
		return nil, err
	}
	to, err := parseBound(repo, "to", o.To)
	if err != nil {
		return nil, err
	}
	if !from.isRef && !to.isRef && from.date.After(to.date) {
		return nil, fmt.Errorf("--from %s is after --to %s", o.From, o.To)
	}
	// The tags are listed while the history is read.
	type tagList struct {
		byCommit map[string][]string
		err      error
	}
	tagsc := make(chan tagList, 1)
	go func() {
		byCommit, err := repo.Tags(ctx)
		tagsc <- tagList{byCommit, err}
	}()
	tip := o.Branch
	if to.isRef {
		tip = to.sha
	}
	// One walk of the first-parent history finds the period and lists what
	// its commits changed within the paths the report reads; those paths
	// are guessed from the configuration at the tip, checked below against
	// the ones of the head and base, and the walk done again in the rare
	// case they differ.
	l := newHistoryLoader(o.Config)
	l.external = o.External
	var retro *report.Retroactive
	if o.ConfigRev != "" {
		if retro, l.fixedCfg, err = fixedConfig(repo, o.ConfigRev, o.Config); err != nil {
			return nil, err
		}
	}
	var tipPaths []string
	if tipSHA, err := repo.Resolve(tip); err == nil {
		if ps, err := reportPaths(repo.Commit(tipSHA), repo.Empty(), o.Config, l.fixedCfg); err == nil {
			tipPaths = ps
		}
	}
	var chain []commitDate          // newest first, down to the base
	var walked []*gitrepo.WalkEntry // by index in chain; nil when it changed none of tipPaths
	headIdx, baseIdx := -1, -1      // chain[headIdx] is the head; chain[baseIdx] the base, if any
	if to.isRef {
		headIdx = 0
	}
	end := to.date.AddDate(0, 0, 1)
	err = repo.Walk(ctx, tip, tipPaths, func(e *gitrepo.WalkEntry) bool {
		i := len(chain)
		// A long history is mostly commits that change none of the paths:
		// of those, only the id and the date are kept.
		chain = append(chain, commitDate{e.SHA, e.Date})
		if tipPaths == nil || len(e.Files) > 0 {
			walked = append(walked, e)
		} else {
			walked = append(walked, nil)
		}
		if headIdx < 0 && e.Date.Before(end) {
			headIdx = i
		}
		if baseIdx < 0 {
			if from.isRef && e.SHA == from.sha || !from.isRef && headIdx >= 0 && e.Date.Before(from.date) {
				baseIdx = i
			}
		}
		if headIdx >= 0 && baseIdx >= 0 {
			return false // the rest is before the period
		}
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("reading the history of %s: %w", tip, err)
	}
	if headIdx < 0 {
		return nil, fmt.Errorf("no commit of %s is dated on or before --to %s", o.Branch, o.To)
	}
	if baseIdx < 0 {
		if from.isRef {
			return nil, fmt.Errorf("--from %s is not on the first-parent history of %s", o.From, tip)
		}
		baseIdx = len(chain)
	}
	if baseIdx < headIdx {
		return nil, fmt.Errorf("--from %s is after --to %s on the first-parent history", o.From, o.To)
	}
	in := &report.Input{From: o.From, To: o.To, Head: chain[headIdx].SHA, Commits: baseIdx - headIdx, Retroactive: retro}
	if baseIdx < len(chain) {
		in.Base = chain[baseIdx].SHA
	}

	snap := func(sha string) revision.Snapshot {
		if sha == "" {
			return repo.Empty()
		}
		return repo.Commit(sha)
	}
	paths, err := reportPaths(snap(in.Head), snap(in.Base), o.Config, l.fixedCfg)
	if err != nil {
		return nil, err
	}
	period := walked[headIdx:baseIdx]
	if !slices.Equal(paths, tipPaths) || (paths == nil) != (tipPaths == nil) {
		// The configuration of the period names other paths: walk it again.
		period = nil
		err := repo.Walk(ctx, in.Head, paths, func(e *gitrepo.WalkEntry) bool {
			if e.SHA == in.Base {
				return false
			}
			period = append(period, e)
			return true
		})
		if err != nil {
			return nil, err
		}
	}
	var entries []*gitrepo.WalkEntry // oldest first
	for i := len(period) - 1; i >= 0; i-- {
		if period[i] != nil && (paths == nil || len(period[i].Files) > 0) {
			entries = append(entries, period[i])
		}
	}

	prev := l.load(snap(in.Base), nil, nil)
	in.Start, in.StartVersions, in.StartProblems = prev.st, prev.versions, prev.problems
	if l.fatal != nil {
		return nil, l.fatal
	}
	snaps := make([]*walkSnapshot, len(entries))
	for i, entry := range entries {
		snaps[i] = newWalkSnapshot(repo, entry)
	}
	in.Steps = make([]report.Step, len(entries))
	prep := newPreparing(ctx, o.Prepare, len(entries))
	defer prep.wait()
	for i, entry := range entries {
		if progress != nil && i%10 == 0 {
			progress(i, len(entries))
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if i%readAhead == 0 {
			l.readAhead(repo, snaps[i:min(i+readAhead, len(snaps))])
		}
		next := l.load(snaps[i], prev, entry.Files)
		snaps[i], entries[i] = nil, nil // read: let them go
		prep.add(in.Steps, i, report.Step{
			Commit: report.Commit{SHA: entry.SHA, Date: entry.Date, Author: entry.Author, Subject: entry.Subject, Message: entry.Message},
			Before: prev.st, After: next.st, Versions: next.versions, Problems: next.problems,
			Adopts: prev.cfg == nil && !prev.carried && next.cfg != nil,
		})
		prev = next
	}
	if err := prep.wait(); err != nil {
		return nil, err
	}
	if o.Prepare != nil {
		in.End = prev.st
	}
	if progress != nil {
		progress(len(entries), len(entries))
	}
	if l.fatal != nil {
		// A CPS that cannot be read would make every link look unknown
		// and every review stale: no report rather than a false one.
		return nil, l.fatal
	}
	tags := <-tagsc
	if tags.err != nil {
		return nil, tags.err
	}
	in.Tags = periodTags(tags.byCommit, chain[headIdx:min(baseIdx+1, len(chain))])
	in.Remote = l.remote
	if in.Tests, err = headTests(snap(in.Head), o.Config, in); err != nil {
		return nil, err
	}
	return in, nil
}

// preparing hands steps to Options.Prepare, one more at once than there
// are cores (so that a core freed while the loader reads the next state
// finds work): the loader waits for one to finish before it reads on, so
// that only a few states are alive at a time.
type preparing struct {
	ctx     context.Context
	prepare func(context.Context, report.Step) (report.Step, error)
	slots   chan struct{}
	wg      sync.WaitGroup
	errs    []error // by step
}

func newPreparing(ctx context.Context, prepare func(context.Context, report.Step) (report.Step, error), n int) *preparing {
	return &preparing{ctx: ctx, prepare: prepare, slots: make(chan struct{}, runtime.GOMAXPROCS(0)+1), errs: make([]error, n)}
}

// add sets steps[i] to s, prepared when there is a Prepare.
func (p *preparing) add(steps []report.Step, i int, s report.Step) {
	if p.prepare == nil {
		steps[i] = s
		return
	}
	p.slots <- struct{}{}
	p.wg.Go(func() {
		defer func() { <-p.slots }()
		steps[i], p.errs[i] = p.prepare(p.ctx, s)
	})
}

// wait waits for the steps handed over and returns the error of the
// earliest step that failed.
func (p *preparing) wait() error {
	p.wg.Wait()
	for _, err := range p.errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// commitDate is a commit of the first-parent history: its id and date.
type commitDate struct {
	SHA  string
	Date time.Time
}

// periodTags returns the tags (byCommit, as Repo.Tags lists them) on the
// commits of chain (newest first, the base last), oldest first.
func periodTags(byCommit map[string][]string, chain []commitDate) []report.Tag {
	if len(byCommit) == 0 {
		return nil
	}
	var tags []report.Tag
	for i := len(chain) - 1; i >= 0; i-- {
		for _, name := range byCommit[chain[i].SHA] {
			tags = append(tags, report.Tag{Name: name, Commit: chain[i].SHA, Date: chain[i].Date})
		}
	}
	return tags
}

// fixedConfig reads the configuration at rev, which report --config-rev
// applies to every commit.
func fixedConfig(repo Git, rev, cfgPath string) (*report.Retroactive, []byte, error) {
	sha, err := repo.Resolve(rev)
	if err != nil {
		return nil, nil, fmt.Errorf("--config-rev %q: %w", rev, err)
	}
	src, err := repo.Commit(sha).ReadFile(cfgPath)
	if err != nil {
		return nil, nil, fmt.Errorf("--config-rev %s: no configuration at %s: %w", rev, short(sha), err)
	}
	if _, err := config.Decode(cfgPath, src); err != nil {
		return nil, nil, fmt.Errorf("--config-rev %s (%s):\n%w", rev, short(sha), err)
	}
	return &report.Retroactive{Ref: rev, Commit: sha}, src, nil
}

// reportPaths lists the paths whose commits the report reads: the
// configuration file and every path the configuration names, at the head
// and at the base of the period (or in fixed, the configuration applied to
// every commit); nil (every commit) when a glob has no literal directory.
func reportPaths(head, base revision.Snapshot, cfgPath string, fixed []byte) ([]string, error) {
	set := map[string]bool{cfgPath: true}
	configured := false
	for _, snap := range []revision.Snapshot{head, base} {
		src, err := snap.ReadFile(cfgPath)
		if fixed != nil {
			src, err = fixed, nil
		}
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		cfg, err := config.Decode(cfgPath, src)
		if err != nil {
			if snap == head {
				return nil, fmt.Errorf("configuration at the end of the period (%s):\n%w", head.Name(), err)
			}
			continue
		}
		configured = true
		exact, globs := cfg.Paths()
		more, all := parameterGlobs(snap, cfg.Registry)
		if all {
			return nil, nil
		}
		globs = append(globs, more...)
		for _, p := range exact {
			set[p] = true
		}
		for _, g := range globs {
			dir := literalDir(g)
			if dir == "" {
				return nil, nil
			}
			set[dir] = true
		}
	}
	if !configured {
		return nil, fmt.Errorf("%s not found at the end of the period (%s): this repository is not configured for cpsgate (see the README's quick start); to report on history from before adoption, pass --config-rev with a configured revision", cfgPath, head.Name())
	}
	return slices.Sorted(func(yield func(string) bool) {
		for p := range set {
			if !yield(p) {
				return
			}
		}
	}), nil
}

// literalDir is the directory part of a glob before its first wildcard.
func literalDir(glob string) string {
	parts := strings.Split(glob, "/")
	var lit []string
	for _, p := range parts[:len(parts)-1] {
		if strings.ContainsAny(p, "*?[{\\") {
			break
		}
		lit = append(lit, p)
	}
	return strings.Join(lit, "/")
}

// historyLoader loads the state of one commit after another, re-reading
// only what a commit changed and caching parsed files by content: a CPS
// document or a registry that many commits share is parsed once.
type historyLoader struct {
	cfgPath string
	// fixedCfg, when not nil, is the configuration every commit is read
	// with (report --config-rev), in place of its own.
	fixedCfg []byte
	// remote names the documents read from other repositories, by name.
	remote map[string]report.RemoteDoc
	// docs and regs are the last version read of each document and
	// registry, by path (a commit that reads it again, or a revert of the
	// commit before, finds it there): older versions are the states' to
	// keep, or to let go.
	docs map[string]lastRead[docResult]
	regs map[string]lastRead[regResult]
	// regCache decodes the registry entry by entry, each distinct entry once.
	regCache *flags.RegistryCache
	// docCache parses CPS documents, each distinct part once.
	docCache *cps.ParseCache
	// memo shares what the sources read between consecutive commits.
	memo *genMemo
	// external reads a CPS document kept in another repository, at the
	// ref: of the configuration of the commit (nil: none can be read);
	// fatal is the first such document that could not be read.
	external func(config.Document) (clone.Doc, error)
	fatal    error
}

// lastRead is the last version read of a file, and its content.
type lastRead[T any] struct {
	src    string
	result T
}

type docResult struct {
	doc     *cps.Document
	version report.DocVersion
	err     error
}

type regResult struct {
	reg *flags.Registry
	err error
}

// histState is the state at one commit and how it was configured.
type histState struct {
	st       *revision.State
	cfg      *config.Config // nil: not configured at this commit
	cfgSrc   []byte
	docs     map[string]*cps.Document // by configured path
	versions []report.DocVersion
	problems []string
	carried  bool // carried over a commit whose configuration could not be read
}

func newHistoryLoader(cfgPath string) *historyLoader {
	return &historyLoader{cfgPath: cfgPath, remote: map[string]report.RemoteDoc{}, docs: map[string]lastRead[docResult]{}, regs: map[string]lastRead[regResult]{}, regCache: flags.NewRegistryCache(), docCache: cps.NewParseCache(), memo: &genMemo{}}
}

func emptyHistState(rev string) *histState {
	return &histState{st: &revision.State{Rev: rev, Sections: map[string]*cps.Section{}, Inventory: &flags.Inventory{}, Gate: map[string][]byte{}}}
}

// load reads the state at snap. With prev (the state before) and changed
// (the paths the commit changed), it re-reads only what changed.
func (l *historyLoader) load(snap revision.Snapshot, prev *histState, changed []string) *histState {
	rev := snap.Name()
	unchanged := prev != nil && changed != nil && (l.fixedCfg != nil || !slices.Contains(changed, l.cfgPath))
	if unchanged && prev.cfg == nil && !prev.carried {
		return emptyHistState(rev) // still not configured
	}
	var cfgSrc []byte
	var err error
	switch {
	case l.fixedCfg != nil:
		cfgSrc = l.fixedCfg
	case unchanged && !prev.carried:
		cfgSrc = prev.cfgSrc
	default:
		cfgSrc, err = snap.ReadFile(l.cfgPath)
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return emptyHistState(rev) // before adoption, or after removal
	case err != nil:
		return carry(rev, prev, err.Error())
	}
	full := prev == nil || prev.cfg == nil || !bytes.Equal(cfgSrc, prev.cfgSrc)
	h := &histState{cfgSrc: cfgSrc, docs: map[string]*cps.Document{}}
	if full {
		cfg, err := config.Decode(l.cfgPath, cfgSrc)
		if err != nil {
			return carry(rev, prev, "configuration: "+err.Error())
		}
		h.cfg = cfg
		prev = nil // nothing to reuse under another configuration
	} else {
		h.cfg = prev.cfg
	}
	cfg := h.cfg
	st := &revision.State{Rev: rev, Gate: map[string][]byte{}}
	h.st = st

	// CPS documents.
	docsChanged := prev == nil
	for _, d := range cfg.CPS {
		if d.Repo == "" && slices.Contains(changed, d.Path) {
			docsChanged = true
		}
	}
	if docsChanged {
		var list []*cps.Document
		for _, d := range cfg.CPS {
			if d.External() {
				// Another repository, at the ref: this commit's
				// configuration names.
				doc, v, err := l.externalDoc(snap, d)
				if err != nil {
					if l.fatal == nil {
						l.fatal = err
					}
					continue
				}
				h.docs[d.Name()] = doc
				h.versions = append(h.versions, v)
				list = append(list, doc)
				continue
			}
			doc, v, err := l.doc(snap, d.Path)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				continue
			case err != nil:
				h.problems = append(h.problems, err.Error())
				if prev != nil && prev.docs[d.Path] != nil {
					doc = prev.docs[d.Path]
					v = versionOf(prev.versions, d.Path)
				} else {
					continue
				}
			}
			h.docs[d.Path] = doc
			h.versions = append(h.versions, v)
			list = append(list, doc)
		}
		idx, err := cps.Index(list)
		if err != nil && prev != nil {
			h.problems = append(h.problems, err.Error())
			st.Docs, st.Sections, h.docs, h.versions = prev.st.Docs, prev.st.Sections, prev.docs, prev.versions
		} else {
			if err != nil {
				h.problems = append(h.problems, err.Error())
				idx = map[string]*cps.Section{}
				list = nil
			}
			st.Docs, st.Sections = list, idx
		}
	} else {
		st.Docs, st.Sections, h.docs, h.versions = prev.st.Docs, prev.st.Sections, prev.docs, prev.versions
	}

	// The registry.
	if prev == nil || slices.Contains(changed, cfg.Registry) {
		reg, err := l.registry(snap, cfg.Registry)
		if err != nil {
			h.problems = append(h.problems, err.Error())
			if prev != nil {
				reg = prev.st.Registry
			}
		}
		st.Registry = reg
	} else {
		st.Registry = prev.st.Registry
	}
	st.Params = l.params(snap, prev, st.Registry, changed, &h.problems)

	// The sources, all at once as check reads them (a configuration key
	// names the flag of the Go field it sets); the inventory is shared with
	// the state before when the commit changed none of their files, and the
	// files that did not change are read once (l.memo).
	changedInv := prev == nil
	for _, spec := range cfg.Sources {
		changedInv = changedInv || touches(spec, changed)
	}
	if !changedInv {
		st.Inventory = prev.st.Inventory
		return h
	}
	l.memo.next()
	inv, err := l.discover(snap, cfg.Sources)
	if err != nil {
		h.problems = append(h.problems, err.Error())
		inv = &flags.Inventory{}
		if prev != nil {
			inv = prev.st.Inventory
		}
	}
	st.Inventory = inv
	return h
}

// discover reads the sources at snap as check does (flags.DiscoverShared),
// leaving out a source whose files do not exist (yet) at the commit.
func (l *historyLoader) discover(snap revision.Snapshot, specs []flags.SourceSpec) (*flags.Inventory, error) {
	inv, err := flags.DiscoverShared(snap, specs, l.memo)
	if err == nil {
		return inv, nil
	}
	var present []flags.SourceSpec
	for _, spec := range specs {
		if _, err := flags.DiscoverShared(snap, []flags.SourceSpec{spec}, l.memo); err == nil || !missingSource(err) {
			present = append(present, spec)
		}
	}
	if len(present) == len(specs) {
		return nil, err
	}
	return flags.DiscoverShared(snap, present, l.memo)
}

// genMemo is the flags.Memo of the history: what the sources read at one
// commit, kept for the next (most files are the same) and then dropped, so
// that a year of a large CA's history does not keep every version of its
// files' settings (the states keep the settings they use).
type genMemo struct {
	mu        sync.Mutex
	cur, last map[any]memoResult
}

type memoResult struct {
	v   any
	err error
}

// next starts the next commit's generation.
func (m *genMemo) next() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.last, m.cur = m.cur, map[any]memoResult{}
}

// Do returns f's result for key, from this commit or the one before when
// either computed it (flags.Memo).
func (m *genMemo) Do(key any, f func() (any, error)) (any, error) {
	m.mu.Lock()
	r, ok := m.cur[key]
	if !ok {
		r, ok = m.last[key]
	}
	m.mu.Unlock()
	if !ok {
		r.v, r.err = f()
	}
	m.mu.Lock()
	if m.cur == nil {
		m.cur = map[any]memoResult{}
	}
	m.cur[key] = r
	m.mu.Unlock()
	return r.v, r.err
}

// readAhead is how many commits' changed files the walk reads at once.
const readAhead = 64

// readAhead reads, with one request to git for all, the files that the
// commits of snaps changed.
func (l *historyLoader) readAhead(repo Git, snaps []*walkSnapshot) {
	type file struct {
		snap *walkSnapshot
		path string
	}
	var files []file
	var ids []string
	for _, s := range snaps {
		for path, id := range s.blobs {
			files = append(files, file{s, path})
			ids = append(ids, id)
		}
	}
	for i, data := range repo.Blobs(ids) {
		if data == nil {
			continue // the snapshot reads it again and reports why it cannot
		}
		s := files[i].snap
		if s.read == nil {
			s.read = map[string][]byte{}
		}
		s.read[files[i].path] = data
	}
}

// walkSnapshot is the snapshot of a commit of the walk: it reads the files
// the commit changed by their blob ids, without looking them up in trees.
type walkSnapshot struct {
	revision.Snapshot
	repo  Git
	blobs map[string]string // path -> blob id
	read  map[string][]byte // path -> content read by blob id
}

func newWalkSnapshot(repo Git, e *gitrepo.WalkEntry) *walkSnapshot {
	s := &walkSnapshot{Snapshot: repo.Commit(e.SHA), repo: repo, blobs: make(map[string]string, len(e.Changes))}
	for _, ch := range e.Changes {
		if ch.Blob != "" {
			s.blobs[ch.Path] = ch.Blob
		}
	}
	return s
}

func (s *walkSnapshot) ReadFile(name string) ([]byte, error) {
	if id := s.blobs[name]; id != "" {
		if data, ok := s.read[name]; ok {
			return data, nil // read again (configSource checks, then reads)
		}
		if data, err := s.repo.Blob(id); err == nil {
			if s.read == nil {
				s.read = map[string][]byte{}
			}
			s.read[name] = data
			return data, nil
		}
	}
	return s.Snapshot.ReadFile(name) // and its error, if any
}

func parseDoc(cache *cps.ParseCache, path string, src []byte) docResult {
	var r docResult
	r.doc, r.err = cache.Parse(path, src)
	v, source := report.DetectVersion(src)
	r.version = report.DocVersion{File: path, Version: v, Source: source}
	return r
}

// carry keeps the state before a commit that could not be read.
func carry(rev string, prev *histState, problem string) *histState {
	if prev == nil {
		h := emptyHistState(rev)
		h.problems = []string{problem}
		h.carried = true
		return h
	}
	h := *prev
	st := *prev.st
	st.Rev = rev
	h.st = &st
	h.problems = []string{problem}
	h.carried = true
	return &h
}

// doc parses the CPS document at path, cached by content.
func (l *historyLoader) doc(snap revision.Snapshot, path string) (*cps.Document, report.DocVersion, error) {
	src, err := snap.ReadFile(path)
	if err != nil {
		return nil, report.DocVersion{}, err
	}
	last, ok := l.docs[path]
	if !ok || last.src != string(src) {
		last = lastRead[docResult]{string(src), parseDoc(l.docCache, path, src)}
		l.docs[path] = last
	}
	r := last.result
	return r.doc, r.version, r.err
}

// externalDoc reads and parses a CPS document kept in another repository,
// cached by name and content. Its version is named after the repository
// and the path, without the ref, so that a ref: bump is a new version of the
// same document.
func (l *historyLoader) externalDoc(snap revision.Snapshot, d config.Document) (*cps.Document, report.DocVersion, error) {
	if l.external == nil {
		return nil, report.DocVersion{}, fmt.Errorf("%s: CPS document %s is in repository %s, which the report cannot read", d.Pos, d.Path, d.Repo)
	}
	c, err := l.external(d)
	if err != nil {
		return nil, report.DocVersion{}, fmt.Errorf("configuration at %s:\n%s: %w", short(snap.Name()), d.Pos, err)
	}
	name := d.Name()
	l.remote[name] = report.RemoteDoc{Repo: d.Repo, Ref: d.Ref, Path: d.Path}
	last, ok := l.docs[name]
	if !ok || last.src != string(c.Data) {
		last.src = string(c.Data)
		last.result.doc, last.result.err = l.docCache.Parse(name, c.Data)
		l.docs[name] = last
	}
	r := last.result
	if r.err == nil && len(r.doc.Sections) == 0 {
		r.err = fmt.Errorf("%s:1: CPS document %s has no numbered sections (headings such as \"## 4.9 Revocation\")", name, name)
	}
	v := report.DocVersion{File: d.Repo + ":" + d.Path, Version: c.Version, Source: c.Source}
	return r.doc, v, r.err
}

// registry decodes the registry at path, cached by content; a missing
// registry is nil.
func (l *historyLoader) registry(snap revision.Snapshot, path string) (*flags.Registry, error) {
	src, err := snap.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	last, ok := l.regs[path]
	if !ok || last.src != string(src) {
		last.src = string(src)
		last.result.reg, last.result.err = l.regCache.Decode(path, src)
		l.regs[path] = last
	}
	return last.result.reg, last.result.err
}

func versionOf(vs []report.DocVersion, file string) report.DocVersion {
	for _, v := range vs {
		if v.File == file {
			return v
		}
	}
	return report.DocVersion{File: file}
}

// touches reports whether a commit that changed the paths changed can
// change what spec finds.
func touches(spec flags.SourceSpec, changed []string) bool {
	glob := spec.Glob
	if fs := flags.ReadsFiles(spec); fs != nil {
		glob = fs.Glob(spec)
	}
	more := flags.MoreGlobs(spec)
	for _, p := range changed {
		switch {
		case spec.Path != "" && (p == spec.Path || strings.HasPrefix(p, strings.TrimSuffix(spec.Path, "/")+"/")):
			return true
		case glob != "" && gitrepo.Match(glob, p):
			return true
		case slices.ContainsFunc(more, func(g string) bool { return gitrepo.Match(g, p) }):
			return true
		}
	}
	return false
}

// missingSource reports whether a source failed only because its files do
// not exist (yet) at the revision.
func missingSource(err error) bool {
	msg := err.Error()
	return errors.Is(err, fs.ErrNotExist) || strings.Contains(msg, "matches no file") ||
		strings.Contains(msg, "no Go files in") || strings.Contains(msg, "file does not exist")
}

// short abbreviates a commit id.
func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// Progress writes the progress of Load to a terminal w, on one line that
// it clears at the end.
func Progress(w io.Writer) func(done, total int) {
	return func(done, total int) {
		if done == total {
			fmt.Fprintf(w, "\r%60s\r", "")
			return
		}
		fmt.Fprintf(w, "\rcpsgate report: commit %d of %d", done, total)
	}
}

// params reads the values of the registry's configuration parameters at
// snap, sharing those of the state before when neither the registry nor a
// file under a parameter's glob changed.
func (l *historyLoader) params(snap revision.Snapshot, prev *histState, reg *flags.Registry, changed []string, problems *[]string) *params.Values {
	if prev != nil && changed != nil && reg == prev.st.Registry && !parameterFilesChanged(reg, changed) {
		return prev.st.Params
	}
	vals, err := params.Read(snap, reg)
	if err != nil {
		*problems = append(*problems, err.Error())
		if prev != nil {
			return prev.st.Params
		}
		return &params.Values{}
	}
	return vals
}

// parameterFilesChanged reports whether a changed path lies under the
// literal directory of a parameter's glob (variables files live beside or
// above the configuration file: any change under its directory's parent
// counts).
func parameterFilesChanged(reg *flags.Registry, changed []string) bool {
	if reg == nil {
		return false
	}
	for _, p := range reg.Parameters {
		for _, loc := range p.Config {
			dir := parameterDir(loc)
			for _, c := range changed {
				if dir == "" || dir == "." || c == dir || strings.HasPrefix(c, dir+"/") {
					return true
				}
			}
		}
	}
	return false
}

// parameterGlobs returns the globs of the parameters in the registry at
// snap (widened to the parent directory when variables files are used);
// all is set when one reaches outside any literal directory.
func parameterGlobs(snap revision.Snapshot, registry string) (globs []string, all bool) {
	src, err := snap.ReadFile(registry)
	if err != nil {
		return nil, false
	}
	reg, err := flags.DecodeRegistry(registry, src)
	if err != nil {
		return nil, false
	}
	for _, p := range reg.Parameters {
		for _, loc := range p.Config {
			dir := parameterDir(loc)
			if dir == "" || dir == "." {
				return nil, true
			}
			globs = append(globs, dir+"/*")
		}
	}
	return globs, false
}

// parameterDir is the directory under which the files of a parameter's
// location lie: the glob's literal directory, its parent when variables
// files are used (one ../ at most; "" for any deeper).
func parameterDir(loc flags.ParamLocation) string {
	dir := literalDir(loc.Glob)
	for _, v := range loc.Vars {
		if strings.Count(v, "..") > 1 {
			return ""
		}
		if strings.Contains(v, "..") || strings.Contains(v, "/") {
			dir = path.Dir(dir)
		}
	}
	return dir
}

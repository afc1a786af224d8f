// Package revision is the state of the repository at one revision: the CPS
// sections, the registry, the flags the sources find, and the gate's own
// configuration and policies (State), read through the Snapshot interface
// by Load, which check and report share. It also chooses the gate revision
// (LoadConfig: the configuration of the base, or of the head when the change
// adopts cpsgate). It never touches git, the environment or the network.
package revision

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/evidence"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/params"
	"github.com/cpsgate/cpsgate/policies"
)

// Snapshot is read access to the files of one revision.
type Snapshot interface {
	flags.FS
	Name() string // commit id, or WORKTREE / STAGED
}

// DocReader reads a CPS document that the configuration places outside the
// repository (Document.Repo set). Nil means such documents are an error.
type DocReader func(doc config.Document) ([]byte, error)

// State is what one revision holds.
type State struct {
	Rev       string
	Docs      []*cps.Document
	Sections  map[string]*cps.Section
	Registry  *flags.Registry // nil when the revision has no registry file
	Inventory *flags.Inventory
	Params    *params.Values // the registry's configuration parameters' values
	// Tests are the test functions of the go-test sources, with their links
	// to CPS sections resolved (evidence.Resolve); nil without such sources.
	Tests []evidence.Test
	// Gate holds the configuration file and the policy files by path, to
	// detect a change that edits its own check.
	Gate map[string][]byte
}

// Load reads one revision as cfg describes it. A missing registry is an
// empty registry when allowMissing is set (a base from before adoption),
// an error otherwise.
//
// shared, when not nil, is common to the revisions of one check, which then
// parse identical CPS documents and registries once.
func Load(snap Snapshot, cfg *config.Config, external DocReader, allowMissing bool, shared *Shared) (*State, error) {
	st := &State{Rev: snap.Name()}
	// The parts read concurrently (a Snapshot is safe for concurrent use):
	// listing the sources waits for git while the CPS and the registry parse.
	var (
		wg                           sync.WaitGroup
		cpsErr, regErr, invErr, gate error
		testErr, paramsErr           error
		inv                          *flags.Inventory
		tests                        []evidence.Test
	)
	wg.Go(func() { inv, invErr = flags.DiscoverShared(snap, cfg.Sources, shared.memo()) })
	wg.Go(func() { tests, testErr = evidence.Discover(snap, cfg.Tests) })
	wg.Go(func() { cpsErr = st.loadCPS(snap, cfg, external, allowMissing, shared) })
	wg.Go(func() {
		// The parameters' values are read as soon as the registry that
		// names them is, while the sources are still being discovered.
		if regErr = st.loadRegistry(snap, cfg, allowMissing, shared); regErr == nil {
			st.Params, paramsErr = params.ReadShared(snap, st.Registry, shared.memo())
		}
	})
	gate = st.loadGate(snap, cfg)
	wg.Wait()
	if allowMissing {
		invErr, testErr = nil, nil
	}
	if inv == nil {
		inv = &flags.Inventory{}
	}
	st.Inventory = inv
	if err := errors.Join(cpsErr, regErr, invErr, testErr, gate); err != nil {
		return nil, err
	}
	if st.Registry != nil {
		st.Tests = evidence.Resolve(tests, st.Registry.Sections)
	} else {
		st.Tests = evidence.Resolve(tests, nil)
	}
	if paramsErr != nil {
		return nil, paramsErr
	}
	return st, nil
}

func (st *State) loadCPS(snap Snapshot, cfg *config.Config, external DocReader, allowMissing bool, shared *Shared) error {
	var errs diag.Errors
	var other []error
	for _, d := range cfg.CPS {
		src, err := readDoc(snap, d, external)
		if errors.Is(err, fs.ErrNotExist) && !d.External() {
			if !allowMissing {
				errs.Add(d.Pos, "CPS document %s not found at %s", d.Path, revName(snap))
			}
			continue
		}
		if err != nil {
			// A document of another repository that cannot be read is never
			// skipped: the check could not decide.
			other = append(other, fmt.Errorf("%s: %w", d.Pos, err))
			continue
		}
		// A document of another repository is named with its repository
		// and ref in sections and findings: owner/name@ref:path.
		doc, err := shared.cps(d.Name(), src)
		if err != nil {
			other = append(other, err)
			continue
		}
		if len(doc.Sections) == 0 && (!allowMissing || d.External()) {
			// Nothing could be linked or reviewed: fail closed.
			where := revName(snap)
			if d.External() {
				where = cmp.Or(d.Ref, "the work tree of its clone")
			}
			errs.Add(diag.Pos{File: d.Name(), Line: 1}, "CPS document %s has no numbered sections (headings such as \"## 4.9 Revocation\") at %s", d.Name(), where)
			continue
		}
		st.Docs = append(st.Docs, doc)
	}
	if len(errs) > 0 || len(other) > 0 {
		return errors.Join(append([]error{errs.Err()}, other...)...)
	}
	idx, err := cps.Index(st.Docs)
	st.Sections = idx
	return err
}

func readDoc(snap Snapshot, d config.Document, external DocReader) ([]byte, error) {
	if d.Repo == "" {
		return snap.ReadFile(d.Path)
	}
	if external == nil {
		return nil, fmt.Errorf("CPS document %s is in repository %s: pass --cps-checkout %s=DIR naming a local clone of it, set $CPSGATE_CPS_CHECKOUT, or add checkout: to this entry", d.Path, d.Repo, d.Repo)
	}
	return external(d)
}

func (st *State) loadRegistry(snap Snapshot, cfg *config.Config, allowMissing bool, shared *Shared) error {
	src, err := snap.ReadFile(cfg.Registry)
	switch {
	case errors.Is(err, fs.ErrNotExist) && allowMissing:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return diag.Errorf(cmp.Or(cfg.RegistryPos, diag.Pos{File: cfg.File}), "flag registry %s not found at %s", cfg.Registry, revName(snap))
	case err != nil:
		return err
	}
	st.Registry, err = shared.registry(cfg.Registry, src)
	return err
}

// loadGate reads the configuration file and every file under the configured
// policy directories.
func (st *State) loadGate(snap Snapshot, cfg *config.Config) (err error) {
	st.Gate, err = ReadGate(snap, cfg)
	return err
}

// ReadGate reads what makes up the gate at a revision: the configuration
// file and every file under the configured policy directories, by path.
func ReadGate(snap Snapshot, cfg *config.Config) (map[string][]byte, error) {
	gate := map[string][]byte{}
	paths := []string{cfg.File}
	for _, dir := range cfg.Policies {
		matches, err := snap.Glob(strings.TrimSuffix(dir, "/") + "/**")
		if err != nil {
			return nil, err
		}
		paths = append(paths, matches...)
	}
	for _, p := range paths {
		src, err := snap.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		gate[p] = src
	}
	return gate, nil
}

// UserPolicies returns the Rego modules (not tests) under the configured
// policy directories of this revision.
func (st *State) UserPolicies() []policies.Module { return UserPolicies(st.Gate) }

// UserPolicies returns the Rego modules (not tests) of a gate read by ReadGate.
func UserPolicies(gate map[string][]byte) []policies.Module {
	var mods []policies.Module
	for _, p := range sortedKeys(gate) {
		if strings.HasSuffix(p, ".rego") && !strings.HasSuffix(p, "_test.rego") {
			mods = append(mods, policies.Module{File: p, Src: gate[p]})
		}
	}
	return mods
}

func revName(snap Snapshot) string {
	switch n := snap.Name(); n {
	case "WORKTREE":
		return "the work tree"
	case "STAGED":
		return "the index"
	default:
		if len(n) > 12 {
			n = n[:12]
		}
		return "revision " + n
	}
}

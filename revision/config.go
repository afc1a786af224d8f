package revision

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"

	"github.com/cpsgate/cpsgate/config"
)

// LoadConfig chooses the gate revision: it reads the configuration from
// base, or from head when base has none (the change that adopts cpsgate),
// and says which revision it used. A change is checked by the
// configuration and policies of its base, so it cannot weaken its own
// check.
func LoadConfig(base, head Snapshot, path string) (*config.Config, Snapshot, error) {
	if err := config.CheckPath(path); err != nil {
		return nil, nil, fmt.Errorf("--config: %w", err)
	}
	for _, snap := range []Snapshot{base, head} {
		src, err := snap.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		cfg, err := config.Decode(path, src)
		if err != nil {
			return nil, nil, fmt.Errorf("configuration at %s:\n%w", snap.Name(), err)
		}
		return cfg, snap, nil
	}
	return nil, nil, fmt.Errorf("%s not found at base %s nor at head %s: this repository is not configured for cpsgate (see the README's quick start)", path, base.Name(), head.Name())
}

// VersionBump reads the configuration at head and, when it differs from
// cfg (the base's) only in the ref: of CPS documents kept in other
// repositories, returns cfg with the head's refs, to load the head with, and
// the documents whose version moves. Otherwise (no difference, any other
// difference, a head configuration that is missing or invalid) it returns
// cfg and nil, and the edit is a policy change like any other.
//
// A version bump is then a CPS change like an edit of a document kept in
// the repository: the sections of both versions are diffed, and reviews
// the new text makes stale are denied by the same rules.
func VersionBump(cfg *config.Config, head Snapshot) (*config.Config, []config.VersionChange) {
	src, err := head.ReadFile(cfg.File)
	if err != nil {
		return cfg, nil
	}
	hc, err := config.Decode(cfg.File, src)
	if err != nil {
		return cfg, nil
	}
	changes := cfg.RefsChanged(hc)
	if changes == nil {
		return cfg, nil
	}
	out := *cfg
	out.CPS = slices.Clone(cfg.CPS)
	for i := range out.CPS {
		out.CPS[i].Ref = hc.CPS[i].Ref
	}
	return &out, changes
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

package check

import (
	"slices"

	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/policies"
)

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

// versionChanges takes the configuration file out of the policy changes
// when the change only moves CPS versions (ch.CPSVersions), and lists them.
func versionChanges(policy []policies.PolicyChange, ch Change) ([]policies.PolicyChange, []policies.CPSVersionChange) {
	out := []policies.CPSVersionChange{}
	if len(ch.CPSVersions) == 0 {
		return policy, out
	}
	policy = slices.DeleteFunc(slices.Clone(policy), func(c policies.PolicyChange) bool {
		return c.File == ch.Config && c.Kind == "config" && c.Change == "modified"
	})
	for _, v := range ch.CPSVersions {
		out = append(out, policies.CPSVersionChange{
			Repo: v.Repo, Path: v.Path, OldRef: v.OldRef, Ref: v.Ref, File: v.Pos.File, Line: v.Pos.Line,
		})
	}
	return policy, out
}

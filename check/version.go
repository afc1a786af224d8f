package check

import (
	"slices"

	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/policies"
	"github.com/cpsgate/cpsgate/revision"
)

// VersionBump is revision.VersionBump.
func VersionBump(cfg *config.Config, head Snapshot) (*config.Config, []config.VersionChange) {
	return revision.VersionBump(cfg, head)
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

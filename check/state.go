package check

import (
	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/policies"
	"github.com/cpsgate/cpsgate/revision"
)

// The state at a revision lives in package revision; these names keep the
// check's API whole.
type (
	// Snapshot is revision.Snapshot.
	Snapshot = revision.Snapshot
	// DocReader is revision.DocReader.
	DocReader = revision.DocReader
	// State is revision.State.
	State = revision.State
	// Shared is revision.Shared.
	Shared = revision.Shared
)

// Load is revision.Load.
func Load(snap Snapshot, cfg *config.Config, external DocReader, allowMissing bool, shared *Shared) (*State, error) {
	return revision.Load(snap, cfg, external, allowMissing, shared)
}

// ReadGate is revision.ReadGate.
func ReadGate(snap Snapshot, cfg *config.Config) (map[string][]byte, error) {
	return revision.ReadGate(snap, cfg)
}

// UserPolicies is revision.UserPolicies.
func UserPolicies(gate map[string][]byte) []policies.Module { return revision.UserPolicies(gate) }

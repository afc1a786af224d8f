package cpsgate_test

import data.cpsgate

test_unlinked_flag_denied_when_touched if {
	inp := object.union(base_input, {
		"flags": {"Fast": registered_flag("Fast", [])},
		"flag_changes": [{"flag": "Fast", "change": "modified", "fields": ["cps"], "file": "flags/registry.yaml", "line": 7}],
	})
	keys(cpsgate.deny) == {["unlinked_flag", "Fast", ""]} with input as inp
}

test_unlinked_flag_warned_when_untouched if {
	inp := object.union(base_input, {"flags": {
		"Fast": registered_flag("Fast", []),
		"Quiet": object.union(registered_flag("Quiet", []), {"no_cps_impact": "logging only"}),
		"Old": object.union(registered_flag("Old", []), {"status": "removed"}),
	}})
	keys(cpsgate.warn) == {["unlinked_flag", "Fast", ""]} with input as inp
}

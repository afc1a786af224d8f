package cpsgate_test

import data.cpsgate

unregistered := {"name": "Fast", "registered": false, "in_base": false, "in_head": true, "status": "", "cps": [], "no_cps_impact": "", "description": "", "file": "", "line": 0, "sources": [{"kind": "go-struct", "file": "features/features.go", "line": 42}]}

test_unregistered_flag_denied_when_added if {
	inp := object.union(base_input, {
		"flags": {"Fast": unregistered},
		"flag_changes": [{"flag": "Fast", "change": "added", "file": "features/features.go", "line": 42}],
	})
	keys(cpsgate.deny) == {["unregistered_flag", "Fast", ""]} with input as inp
	some f in cpsgate.deny with input as inp
	f.file == "features/features.go"
	f.line == 42
	contains(f.message, "flags/registry.yaml")
}

test_unregistered_flag_warned_when_untouched if {
	inp := object.union(base_input, {"flags": {"Fast": unregistered}})
	count(cpsgate.deny) == 0 with input as inp
	keys(cpsgate.warn) == {["unregistered_flag", "Fast", ""]} with input as inp
}

# A flag registered as removed, then enabled: its links would go unchecked.
test_removed_flag_in_use_denied if {
	flag := object.union(registered_flag("Quiet", []), {"status": "removed", "in_base": false,
		"sources": [{"kind": "config", "file": "deploy/prod.json", "line": 4, "environment": "prod", "path": "features", "value": true}]})
	inp := object.union(base_input, {
		"flags": {"Quiet": flag},
		"flag_changes": [{"flag": "Quiet", "change": "enabled", "file": "deploy/prod.json", "line": 4, "environment": "prod", "path": "features"}],
	})
	keys(cpsgate.deny) == {["unregistered_flag", "Quiet", ""]} with input as inp
}

test_removed_flag_untouched_not_denied if {
	flag := object.union(registered_flag("Quiet", []), {"status": "removed"})
	count(cpsgate.deny) == 0 with input as object.union(base_input, {"flags": {"Quiet": flag}})
}

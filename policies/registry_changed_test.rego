package cpsgate_test

import data.cpsgate

test_registry_changed if {
	inp := object.union(base_input, {"registry_changes": [
		{"flag": "Fast", "change": "review_removed", "detail": "review by alice of 2024-01-01", "file": "flags/registry.yaml", "line": 9},
		{"flag": "Gone", "change": "entry_removed", "detail": "", "file": "flags/registry.yaml", "line": 40},
	]})
	messages := {f.flag: f.message | some f in cpsgate.deny} with input as inp
	messages == {
		"Fast": "flag Fast: review removed (review by alice of 2024-01-01): reviews are an audit trail: append a new review instead",
		"Gone": "flag Gone: registry entry removed: mark it `status: removed` instead of deleting its entry",
	}
}

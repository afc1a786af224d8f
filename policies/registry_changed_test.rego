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

test_parameter_registry_changed if {
	inp := object.union(base_input, {"parameter_registry_changes": [
		{"parameter": "crl.lifetime", "change": "review_modified", "detail": "review by alice of 2024-01-01", "file": "flags/registry.yaml", "line": 9},
		{"parameter": "ca.max", "change": "link_removed", "detail": "6.3.2", "file": "flags/registry.yaml", "line": 40},
	]})
	messages := {f.parameter: f.message | some f in cpsgate.deny; f.rule == "registry_changed"} with input as inp
	messages == {
		"crl.lifetime": "parameter crl.lifetime: review modified (review by alice of 2024-01-01): reviews are an audit trail: append a new review instead",
		"ca.max": "parameter ca.max: CPS link removed (6.3.2): removing a link needs its own review: attach a `cps-review` block for the parameter and the unlinked section explaining why it no longer applies, and have the change approved",
	}
}

package cpsgate_test

import data.cpsgate

enabled_in_prod := {"flag": "Fast", "change": "enabled", "environment": "deploy/prod.json", "file": "deploy/prod.json", "line": 4}

test_missing_review_denied_per_unreviewed_section if {
	inp := object.union(base_input, {
		"flags": {"Fast": registered_flag("Fast", ["4.3.1", "4.9.12"])},
		"flag_changes": [enabled_in_prod],
		"reviews": [pr_review("Fast", "bob", ["4.3.1"])],
	})
	keys(cpsgate.deny) == {["missing_review", "Fast", "4.9.12"]} with input as inp
	some f in cpsgate.deny with input as inp
	contains(f.message, "enabled in deploy/prod.json")
	contains(f.message, `4.9.12 "Special requirements re key compromise"`)
	f.file == "deploy/prod.json"
}

test_missing_review_denied_for_changed_value if {
	changed := {"flag": "Fast", "change": "changed", "value_type": "number", "old": "398", "new": "397", "environment": "prod", "file": "limits.txt", "line": 1}
	inp := object.union(base_input, {
		"flags": {"Fast": registered_flag("Fast", ["4.3.1"])},
		"flag_changes": [changed],
	})
	keys(cpsgate.deny) == {["missing_review", "Fast", "4.3.1"]} with input as inp
	some f in cpsgate.deny with input as inp
	contains(f.message, `changed from "398" to "397" in prod`)
	reviewed := object.union(inp, {"reviews": [pr_review("Fast", "bob", ["4.3.1"])]})
	count(cpsgate.deny) == 0 with input as reviewed
}

test_missing_review_located_at_first_change if {
	inp := object.union(base_input, {
		"flags": {"Fast": registered_flag("Fast", ["4.3.1"])},
		"flag_changes": [enabled_in_prod, {"flag": "Fast", "change": "added", "file": "features/features.go", "line": 10}],
	})
	some f in cpsgate.deny with input as inp
	f.file == "deploy/prod.json"
	contains(f.message, "(and in 1 other place)")
}

test_missing_review_needed_for_removal if {
	inp := object.union(base_input, {
		"flags": {"Fast": registered_flag("Fast", ["4.3.1"])},
		"flag_changes": [{"flag": "Fast", "change": "removed", "file": "features/features.go", "line": 10}],
	})
	keys(cpsgate.deny) == {["missing_review", "Fast", "4.3.1"]} with input as inp
	some f in cpsgate.deny with input as inp
	contains(f.message, "was removed in features/features.go:10")
}

test_missing_review_invalid_verdict_denied if {
	inp := object.union(base_input, {
		"flags": {"Fast": registered_flag("Fast", ["4.3.1"])},
		"reviews": [registry_review("Fast", "2024-01-01", ["4.3.1"]), object.union(pr_review("Fast", "bob", ["4.3.1"]), {"verdict": "fine"})],
	})
	keys(cpsgate.deny) == {["missing_review", "Fast", ""]} with input as inp
	some f in cpsgate.deny with input as inp
	contains(f.message, "does not count")
}

test_missing_review_debt_warned if {
	inp := object.union(base_input, {
		"flags": {
			"Fast": registered_flag("Fast", ["4.3.1", "4.9.12"]),
			"Old": object.union(registered_flag("Old", ["4.3.1"]), {"status": "deprecated"}),
		},
		"reviews": [registry_review("Fast", "2024-01-01", ["4.3.1"])],
	})
	count(cpsgate.deny) == 0 with input as inp
	keys(cpsgate.warn) == {["missing_review", "Fast", "4.9.12"]} with input as inp
}

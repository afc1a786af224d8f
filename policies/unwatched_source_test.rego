package cpsgate_test

import data.cpsgate

moved_prod := {"file": "deploy/prod.json", "kind": "config", "change": "removed", "flags": ["Fast", "Other"], "line": 4}

test_unwatched_source_denied_per_linked_section if {
	inp := object.union(base_input, {
		"flags": {"Fast": registered_flag("Fast", ["4.3.1", "4.9.12"])},
		"source_changes": [moved_prod],
	})
	keys(cpsgate.deny) == {["unwatched_source", "Fast", "4.3.1"], ["unwatched_source", "Fast", "4.9.12"]} with input as inp
	some f in cpsgate.deny with input as inp
	f.file == "deploy/prod.json"
	f.line == 4
	contains(f.message, "set flag Fast")
	["unwatched_source", "", ""] in keys(cpsgate.warn) with input as inp
}

test_unwatched_source_passes_when_reviewed if {
	inp := object.union(base_input, {
		"flags": {"Fast": registered_flag("Fast", ["4.3.1"])},
		"source_changes": [moved_prod],
		"reviews": [pr_review("Fast", "bob", ["4.3.1"])],
	})
	count(cpsgate.deny) == 0 with input as inp
	some w in cpsgate.warn with input as inp
	w.message == "deploy/prod.json is no longer read by any source (removed, or moved where no glob matches); it set Fast, Other"
}

test_unwatched_source_without_flags_only_warns if {
	inp := object.union(base_input, {"source_changes": [object.union(moved_prod, {"flags": [], "line": 0})]})
	count(cpsgate.deny) == 0 with input as inp
	some w in cpsgate.warn with input as inp
	w.message == "deploy/prod.json is no longer read by any source (removed, or moved where no glob matches)"
}

package cpsgate_test

import data.cpsgate

test_unknown_flag_denied_with_suggestion if {
	inp := object.union(base_input, {
		"flags": {"async_finalize": object.union(registered_flag("async_finalize", []), {"no_cps_impact": "n/a"})},
		"reviews": [pr_review("AsyncFinalize", "bob", ["4.3.1"])],
	})
	keys(cpsgate.deny) == {["unknown_flag", "AsyncFinalize", ""]} with input as inp
	some f in cpsgate.deny with input as inp
	endswith(f.message, "did you mean async_finalize?")
}

test_unknown_flag_not_reported_for_known_flag if {
	inp := object.union(base_input, {
		"flags": {"Fast": registered_flag("Fast", ["4.3.1"])},
		"reviews": [pr_review("Fast", "bob", ["4.3.1"])],
	})
	count(cpsgate.deny) == 0 with input as inp
}

test_review_of_linked_test_is_not_unknown_flag if {
	inp := object.union(base_input, {
		"reviews": [pr_review("TestCAA", "alice", ["4.3.1"])],
		"tests": {"TestCAA": {"id": "TestCAA", "in_head": true, "in_base": true, "sections": ["4.3.1"], "links": []}},
	})
	not "unknown_flag" in {f.rule | some f in cpsgate.deny with input as inp}
	without := object.remove(inp, ["tests"])
	"unknown_flag" in {f.rule | some f in cpsgate.deny with input as without}
}

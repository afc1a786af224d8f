package cpsgate_test

import data.cpsgate

evidence_change(name, kind, sections) := {"test": name, "change": kind, "sections": sections, "file": "ca/caa_test.go", "line": 12}

test_removed_test_denied if {
	inp := object.union(base_input, {"test_changes": [evidence_change("TestCAA", "removed", ["4.3.1"])]})
	got := keys(cpsgate.deny) with input as inp
	got == {["test_review", "TestCAA", "4.3.1"]}
}

test_each_evidence_change_denied if {
	every kind in ["removed", "renamed", "skipped", "unlinked"] {
		change := object.union(evidence_change("TestCAA", kind, ["4.3.1", "4.9.12"]), {"old_test": "TestOld"})
		inp := object.union(base_input, {"test_changes": [change]})
		got := keys(cpsgate.deny) with input as inp
		got == {["test_review", "TestCAA", "4.3.1"], ["test_review", "TestCAA", "4.9.12"]}
	}
}

test_added_modified_unskipped_not_denied if {
	changes := [evidence_change("TestA", "added", ["4.3.1"]), evidence_change("TestB", "modified", ["4.3.1"]), evidence_change("TestC", "unskipped", ["4.3.1"])]
	inp := object.union(base_input, {"test_changes": changes})
	count(cpsgate.deny) == 0 with input as inp
}

test_counting_review_resolves if {
	inp := object.union(base_input, {
		"test_changes": [evidence_change("TestCAA", "skipped", ["4.3.1"])],
		"reviews": [pr_review("TestCAA", "alice", ["4.3.1"])],
		"tests": {"TestCAA": {"id": "TestCAA", "in_head": true, "in_base": true, "sections": ["4.3.1"], "links": []}},
	})
	count(cpsgate.deny) == 0 with input as inp
}

test_renamed_reviewed_under_old_name if {
	change := object.union(evidence_change("TestNew", "renamed", ["4.3.1"]), {"old_test": "TestOld"})
	inp := object.union(base_input, {
		"test_changes": [change],
		"reviews": [pr_review("TestOld", "alice", ["4.3.1"])],
		"tests": {"TestOld": {"id": "TestOld", "in_head": false, "in_base": true, "sections": [], "links": []}},
	})
	count(cpsgate.deny) == 0 with input as inp
}

test_review_by_author_does_not_count if {
	inp := object.union(base_input, {
		"test_changes": [evidence_change("TestCAA", "removed", ["4.3.1"])],
		"reviews": [pr_review("TestCAA", "dave", ["4.3.1"])],
		"tests": {"TestCAA": {"id": "TestCAA", "in_head": false, "in_base": true, "sections": [], "links": []}},
	})
	found := keys(cpsgate.deny) with input as inp
	["test_review", "TestCAA", "4.3.1"] in found
	["self_review", "TestCAA", "4.3.1"] in found
}

test_section_gone_from_cps_not_asked if {
	inp := object.union(base_input, {"test_changes": [evidence_change("TestCAA", "removed", ["9.9"])]})
	count(cpsgate.deny) == 0 with input as inp
}

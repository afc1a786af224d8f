package cpsgate_test

import data.cpsgate

test_stale_review_modified_section_denied if {
	inp := object.union(base_input, {
		"flags": {"Fast": registered_flag("Fast", ["4.3.1"]), "Slow": registered_flag("Slow", ["4.3.1"])},
		"cps_changes": [{"section": "4.3.1", "change": "modified", "title": "", "file": "docs/cps.md", "line": 300}],
		"reviews": [
			registry_review("Fast", "2024-01-01", ["4.3.1"]),
			registry_review("Slow", "2024-01-01", ["4.3.1"]),
			pr_review("Slow", "bob", ["4.3.1"]),
		],
	})
	keys(cpsgate.deny) == {["stale_review", "Fast", "4.3.1"]} with input as inp
	some f in cpsgate.deny with input as inp
	f.file == "docs/cps.md"
	f.line == 300
}

test_stale_review_new_review_of_other_text_denied if {
	inp := object.union(base_input, {
		"flags": {"Fast": registered_flag("Fast", ["4.3.1", "4.9.12"])},
		"reviews": [object.union(pr_review("Fast", "bob", ["4.3.1", "4.9.12"]), {"section_hashes": {"4.3.1": "sha256:old", "4.9.12": "sha256:4912"}})],
	})
	keys(cpsgate.deny) == {["stale_review", "Fast", "4.3.1"]} with input as inp
}

test_stale_review_latest_registry_review_warned if {
	stale := object.union(registry_review("Fast", "2024-05-01", ["4.3.1"]), {"section_hashes": {"4.3.1": "sha256:old"}})
	fresh := object.union(registry_review("Fast", "2024-01-01", ["4.3.1"]), {"section_hashes": {"4.3.1": "sha256:431"}})
	inp := object.union(base_input, {"flags": {"Fast": registered_flag("Fast", ["4.3.1"])}, "reviews": [stale, fresh]})
	keys(cpsgate.warn) == {["stale_review", "Fast", "4.3.1"]} with input as inp

	# Reviewed again later against the current text: no longer stale.
	again := object.union(registry_review("Fast", "2024-06-01", ["4.3.1"]), {"section_hashes": {"4.3.1": "sha256:431"}})
	count(cpsgate.warn) == 0 with input as object.union(inp, {"reviews": [stale, fresh, again]})
}

# A reworded heading changes what the section promises.
test_stale_review_retitled_section_denied if {
	inp := object.union(base_input, {
		"flags": {"Fast": registered_flag("Fast", ["4.3.1"])},
		"cps_changes": [{"section": "4.3.1", "change": "retitled", "old_section": "", "title": "CA actions after issuance", "old_title": "CA actions during certificate issuance", "hash": "sha256:431", "old_hash": "sha256:431", "file": "docs/cps.md", "line": 300}],
	})
	keys(cpsgate.deny) == {["stale_review", "Fast", "4.3.1"]} with input as inp
}

# A link to a parent covers its subsections: a change under it is a change
# of the linked text, and reviews record the subtree's hash.
parent_linked := object.union(base_input, {
	"sections": object.union(base_input.sections, {"4.9": {"id": "4.9", "title": "Revocation", "level": 2, "file": "docs/cps.md", "line": 600, "anchor": "49-revocation", "hash": "sha256:empty", "tree_hash": "sha256:tree-new", "base_tree_hash": "sha256:tree-old"}}),
	"flags": {"Fast": registered_flag("Fast", ["4.9"])},
	"cps_changes": [{"section": "4.9.12", "change": "modified", "old_section": "", "title": "", "old_title": "", "hash": "sha256:4912", "old_hash": "sha256:old", "file": "docs/cps.md", "line": 610}],
})

test_stale_review_parent_link_subtree_changed if {
	keys(cpsgate.deny) == {["stale_review", "Fast", "4.9"]} with input as parent_linked
}

test_stale_review_parent_link_reviewed if {
	review := object.union(pr_review("Fast", "alice", ["4.9"]), {"section_hashes": {"4.9": "sha256:tree-new"}})
	count(cpsgate.deny) == 0 with input as object.union(parent_linked, {"reviews": [review]})
	old := object.union(review, {"section_hashes": {"4.9": "sha256:empty"}})
	keys(cpsgate.deny) == {["stale_review", "Fast", "4.9"]} with input as object.union(parent_linked, {"reviews": [old]})
}

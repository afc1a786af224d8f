package cpsgate_test

import data.cpsgate

test_unknown_section_renumbered_link_denied if {
	inp := object.union(base_input, {
		"flags": {"Fast": registered_flag("Fast", ["4.9.9"])},
		"cps_changes": [{"section": "4.9.12", "old_section": "4.9.9", "change": "renumbered", "title": "", "file": "docs/cps.md", "line": 610}],
	})
	keys(cpsgate.deny) == {["unknown_section", "Fast", "4.9.9"]} with input as inp
	some f in cpsgate.deny with input as inp
	contains(f.message, "renumbered to 4.9.12 in this change; update the link")
}

test_unknown_section_link_warned_when_untouched if {
	inp := object.union(base_input, {
		"flags": {"Fast": registered_flag("Fast", ["4.3.1", "9.99"])},
		"reviews": [registry_review("Fast", "2024-01-01", ["4.3.1"])],
	})
	keys(cpsgate.warn) == {["unknown_section", "Fast", "9.99"]} with input as inp
}

test_unknown_section_in_new_review_denied if {
	inp := object.union(base_input, {
		"flags": {"Fast": registered_flag("Fast", ["4.3.1"])},
		"reviews": [registry_review("Fast", "2024-01-01", ["4.3.1"]), pr_review("Fast", "bob", ["4.3.1", "4.3.9"])],
	})
	keys(cpsgate.deny) == {["unknown_section", "Fast", "4.3.9"]} with input as inp
}

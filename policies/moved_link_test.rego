package cpsgate_test

import data.cpsgate

# 4.3.1 moved to 4.3.2 and a new section took 4.3.1.
moved_input(links, reviews) := moved_input_base(links, ["4.3.1"], reviews)

moved_input_base(links, base_links, reviews) := object.union(base_input, {
	"sections": {
		"4.3.1": {"id": "4.3.1", "title": "Inserted", "level": 3, "file": "docs/cps.md", "line": 300, "anchor": "431-inserted", "hash": "sha256:new"},
		"4.3.2": {"id": "4.3.2", "title": "CA actions", "level": 3, "file": "docs/cps.md", "line": 310, "anchor": "432-ca-actions", "hash": "sha256:431"},
	},
	"flags": {"F": object.union(registered_flag("F", links), {"base_cps": base_links})},
	"cps_changes": [
		{"section": "4.3.1", "change": "added", "title": "Inserted", "hash": "sha256:new", "file": "docs/cps.md", "line": 300},
		{"section": "4.3.2", "change": "renumbered", "old_section": "4.3.1", "title": "CA actions", "hash": "sha256:431", "old_hash": "sha256:431", "file": "docs/cps.md", "line": 310},
	],
	"reviews": reviews,
})

test_moved_link_kept_denies if {
	{[f.rule, f.flag, f.section] | some f in cpsgate.deny} == {["moved_link", "F", "4.3.1"]} with input as moved_input(["4.3.1"], [])
}

test_moved_link_followed_passes if {
	count(cpsgate.deny) == 0 with input as moved_input(["4.3.2"], [])
}

# A link to 4.3.2 made in this change (not at base) is not a moved link:
# missing_review asks for its review as a changed flag.
test_moved_link_new_link_not_moved_link if {
	{f | some f in cpsgate.deny; f.rule == "moved_link"} == set() with input as moved_input_base(["4.3.1"], [], [])
}

# Deleting 4.3.1 moves 4.3.2 up: a flag that linked only the old 4.3.1 now
# links the old 4.3.2's text.
test_moved_link_after_deletion_denies if {
	inp := object.union(base_input, {
		"sections": {"4.3.1": {"id": "4.3.1", "title": "Notification", "level": 3, "file": "docs/cps.md", "line": 300, "anchor": "431-notification", "hash": "sha256:432"}},
		"flags": {"F": object.union(registered_flag("F", ["4.3.1"]), {"base_cps": ["4.3.1"]})},
		"cps_changes": [
			{"section": "4.3.1", "change": "removed", "title": "CA actions", "old_hash": "sha256:431", "file": "docs/cps.md", "line": 300},
			{"section": "4.3.1", "change": "renumbered", "old_section": "4.3.2", "title": "Notification", "hash": "sha256:432", "old_hash": "sha256:432", "file": "docs/cps.md", "line": 300},
		],
	})
	{[f.rule, f.section] | some f in cpsgate.deny} == {["moved_link", "4.3.1"]} with input as inp
}

test_moved_link_reviewed_passes if {
	review := {
		"flag": "F", "sections": ["4.3.1"], "reviewer": "carol", "date": "2026-01-01", "verdict": "compliant",
		"cps_version": "", "section_hashes": {}, "ref": "", "origin": "pr-body", "new": true, "file": "PR", "line": 1,
	}
	{f.rule | some f in cpsgate.deny; f.rule == "moved_link"} == set() with input as moved_input(["4.3.1"], [review])
}

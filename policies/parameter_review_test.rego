package cpsgate_test

import data.cpsgate

preview(name, reviewer, sections) := {
	"parameter": name, "sections": sections, "reviewer": reviewer, "date": "", "verdict": "compliant",
	"cps_version": "", "section_hashes": {}, "ref": "", "notes": "ok", "origin": "pr-body", "new": true,
	"file": "PR", "line": 3,
}

reviewed_input(reviews) := object.union(
	param_input(
		{"ca.max": validity(
			[pvalue("deploy/prod/ca.yaml", "7775998s", 7775998, 7775999)],
			[pvalue("deploy/prod/ca.yaml", "7775999s", 7775999, 7776000)],
			[cps_max(7776000, 7776000, "")],
		)},
		[changed("ca.max", "7775999s", "7775998s")],
	),
	{"parameter_reviews": reviews},
)

test_parameter_change_needs_a_review if {
	inp := reviewed_input([])
	some f in cpsgate.deny with input as inp
	f.rule == "parameter_review"
	f.parameter == "ca.max"
	f.section == "4.3.1"
	contains(f.message, `changed from "7775999s" to "7775998s"`)
}

test_parameter_review_by_approver_counts if {
	inp := reviewed_input([preview("ca.max", "alice", ["4.3.1"])])
	count(cpsgate.deny) == 0 with input as inp
}

test_parameter_review_by_author_does_not_count if {
	inp := reviewed_input([preview("ca.max", "dave", ["4.3.1"])])
	some f in cpsgate.deny with input as inp
	f.rule == "parameter_review"
	contains(f.message, "is by the change's own author")
}

test_parameter_review_by_non_approver_does_not_count if {
	inp := reviewed_input([preview("ca.max", "zoe", ["4.3.1"])])
	some f in cpsgate.deny with input as inp
	contains(f.message, "names zoe, who has not approved this change")
}

test_parameter_review_without_author_does_not_count if {
	inp := object.union(reviewed_input([preview("ca.max", "alice", ["4.3.1"])]), {"author": ""})
	some f in cpsgate.deny with input as inp
	f.rule == "parameter_review"
}

test_parameter_review_with_stale_hash_does_not_count if {
	r := object.union(preview("ca.max", "alice", ["4.3.1"]), {"section_hashes": {"4.3.1": "sha256:old"}})
	inp := reviewed_input([r])
	some f in cpsgate.deny with input as inp
	contains(f.message, "other text of the section")
}

test_parameter_review_with_placeholder_does_not_count if {
	inp := reviewed_input([preview("ca.max", "YOUR-NAME", ["4.3.1"])])
	some f in cpsgate.deny with input as inp
	f.rule == "parameter_review"
}

test_parameter_review_of_unknown_parameter if {
	inp := reviewed_input([preview("ca.max", "alice", ["4.3.1"]), preview("ca.mx", "alice", ["4.3.1"])])
	some f in cpsgate.deny with input as inp
	f.parameter == "ca.mx"
	contains(f.message, "which the registry does not list")
}

test_linked_cps_edit_needs_a_review if {
	inp := object.union(reviewed_input([]), {
		"parameter_changes": [],
		"cps_changes": [{"section": "4.3.1", "change": "modified", "title": "", "file": "docs/cps.md", "line": 300}],
	})
	some f in cpsgate.deny with input as inp
	f.rule == "parameter_review"
	contains(f.message, "whose text this change edits")
}

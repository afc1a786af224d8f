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

# A review the change adds to the parameter's registry entry is the author's
# claim: it counts once its reviewer approves, as one attached to the change.
param_registry_review(reviewer, notes, date, is_new) := object.union(preview("ca.max", reviewer, ["4.3.1"]), {
	"origin": "registry", "new": is_new, "notes": notes, "date": date,
	"file": "flags/registry.yaml", "line": 30,
})

test_parameter_registry_review_added_by_change_counts_when_approved if {
	inp := reviewed_input([param_registry_review("alice", "Checked.", "", true)])
	count(cpsgate.deny) == 0 with input as inp
}

test_parameter_registry_review_added_by_change_needs_an_approver if {
	inp := reviewed_input([param_registry_review("zoe", "Checked.", "", true)])
	some f in cpsgate.deny with input as inp
	f.rule == "parameter_review"
	contains(f.message, "names zoe, who has not approved this change")
}

test_parameter_registry_review_at_base_does_not_review_the_change if {
	inp := reviewed_input([param_registry_review("alice", "Checked.", "", false)])
	some f in cpsgate.deny with input as inp
	f.rule == "parameter_review"
}

test_parameter_review_with_template_notes_does_not_count if {
	inp := reviewed_input([param_registry_review("alice", cpsgate.template_parameter_notes, "", true)])
	some f in cpsgate.deny with input as inp
	f.rule == "parameter_review"
	contains(f.message, "keeps the template's notes")
}

# An existing parameter may record an earlier review in the registry; a
# new one cannot be reviewed before the change.
test_parameter_registry_review_dated_before_base if {
	inp := object.union(reviewed_input([param_registry_review("alice", "Checked.", "2024-01-01", true)]), {"base_date": "2024-06-01"})
	count(cpsgate.deny) == 0 with input as inp
	p := object.union(inp.parameters["ca.max"], {"in_base": false})
	inp2 := object.union(inp, {"parameters": {"ca.max": p}})
	some f in cpsgate.deny with input as inp2
	f.rule == "parameter_review"
	contains(f.message, "before this change's base commit (2024-06-01), when the parameter did not exist yet")
}

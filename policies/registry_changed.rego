package cpsgate

# METADATA
# title: registry_changed
# description: >-
#   The flag registry is an audit trail: a change may add to it but not delete
#   a flag's entry, edit or delete an existing review, or drop a CPS link.
# custom:
#   enforces: >-
#     WebTrust for CAs / CA/B Forum Baseline Requirements §5.4 (audit
#     logging): records of review and approval are retained, not rewritten
deny contains finding if {
	some change in input.registry_changes
	finding := {
		"rule": "registry_changed",
		"flag": change.flag,
		"file": change.file,
		"line": change.line,
		"message": sprintf(
			"flag %s: %s: %s",
			[change.flag, registry_change_summary(change), registry_change_advice(change.change)],
		),
	}
}

# METADATA
# title: registry_changed
# description: >-
#   The same audit trail for configuration parameters: a change may add to a
#   parameter's entry but not delete it, edit or delete an existing review,
#   or drop a CPS link.
# custom:
#   enforces: >-
#     WebTrust for CAs / CA/B Forum Baseline Requirements §5.4 (audit
#     logging): records of review and approval are retained, not rewritten
deny contains finding if {
	some change in object.get(input, "parameter_registry_changes", [])
	finding := {
		"rule": "registry_changed",
		"parameter": change.parameter,
		"file": change.file,
		"line": change.line,
		"message": sprintf(
			"parameter %s: %s: %s",
			[change.parameter, registry_change_summary(change), replace(registry_change_advice(change.change), "for the flag", "for the parameter")],
		),
	}
}

registry_change_summary(change) := sprintf("%s (%s)", [registry_change_label(change.change), change.detail]) if change.detail != ""

else := registry_change_label(change.change)

registry_change_label(kind) := object.get(
	{
		"entry_removed": "registry entry removed",
		"review_removed": "review removed",
		"review_modified": "review modified",
		"link_removed": "CPS link removed",
	},
	kind,
	sprintf("registry changed (%s)", [kind]),
)

registry_change_advice(kind) := object.get(
	{
		"entry_removed": "mark it `status: removed` instead of deleting its entry",
		"review_removed": "reviews are an audit trail: append a new review instead",
		"review_modified": "reviews are an audit trail: append a new review instead",
		"link_removed": "removing a link needs its own review: attach a `cps-review` block for the flag and the unlinked section explaining why it no longer applies, and have the change approved",
	},
	kind,
	"existing registry content is an audit trail: add to it instead of altering it",
)

package cpsgate

# METADATA
# title: policy_changed
# description: >-
#   The configuration and policies of the check are read from the base
#   revision, so a change cannot weaken its own check; modifying or removing
#   them needs a separate change approved by an administrator.
# custom:
#   enforces: >-
#     CA/B Forum Network and Certificate System Security Requirements
#     (change management of security controls) / cpsgate design: a change
#     must not relax the gate that judges it
deny contains finding if {
	some change in input.policy_changes
	change.change != "added"
	finding := {
		"rule": "policy_changed",
		"file": change.file,
		"message": sprintf(
			"%s %s was %s: the check reads its configuration and policies from the base revision; a change to them needs a separate, approved change (an administrator's review)",
			[policy_kind_label(change.kind), change.file, change.change],
		),
	}
}

# METADATA
# title: policy_changed
# description: >-
#   A new policy file or a first configuration is only applied once the change
#   that adds it is merged; this change is checked without it.
# custom:
#   enforces: >-
#     cpsgate design: the check reads its configuration and policies from the
#     base revision
warn contains finding if {
	some change in input.policy_changes
	change.change == "added"
	finding := {
		"rule": "policy_changed",
		"file": change.file,
		"message": sprintf(
			"%s %s was added: new policies and a first configuration are only applied once this change is merged",
			[policy_kind_label(change.kind), change.file],
		),
	}
}

policy_kind_label("config") := "configuration file"

policy_kind_label(kind) := "policy file" if kind != "config"

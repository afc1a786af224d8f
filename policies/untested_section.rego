package cpsgate

# METADATA
# title: untested_section
# description: >-
#   A normative CPS section (its text says MUST, SHALL or REQUIRED) that this
#   change adds or edits is backed by nothing: no live flag or parameter
#   links it, and no test at head is linked to it. A commitment no code
#   path, setting or test touches is one nobody will notice breaking. The
#   report counts every such section in its coverage figure.
# custom:
#   enforces: >-
#     CA/Browser Forum Baseline Requirements §8: the CA verifies its
#     compliance; Mozilla Root Store Policy §3.3: CP/CPS must be kept
#     consistent with practice
warn contains finding if {
	some change in input.cps_changes
	change.change in {"added", "modified", "retitled"}
	section := input.sections[change.section]
	object.get(section, "normative", false)
	not backed(change.section)
	finding := {
		"rule": "untested_section",
		"section": change.section,
		"file": change.file,
		"line": change.line,
		"message": sprintf(
			"CPS section %s states a requirement (MUST, SHALL or REQUIRED) and no flag, parameter or test is linked to it: link the flag or parameter that implements it, or a test that checks it (`// cps: %s`)",
			[section_label(change.section), change.section],
		),
	}
}

# backed(s): a live flag or a parameter links section s, or a test at head is
# linked to it.
backed(section) if {
	some name in links_to[section]
	live(name)
}

backed(section) if {
	some p in object.get(input, "parameters", {})
	section in p.cps
}

backed(section) if tested_at_head(section)

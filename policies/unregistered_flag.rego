package cpsgate

# METADATA
# title: unregistered_flag
# description: >-
#   Every flag that code or configuration declares has an entry in the flag
#   registry, so that its CPS impact (linked sections or a stated reason for
#   none) is on record. Denied when this change touches the flag.
# custom:
#   enforces: >-
#     Mozilla Root Store Policy §3.3 / CA/B Forum Baseline Requirements §2.3:
#     CP/CPS must be kept consistent with practice, so every behaviour switch
#     needs a known CPS impact
#   severity_when_untouched: warn
deny contains finding if {
	some finding in unregistered_flag_findings
	touched(finding.flag)
}

# METADATA
# title: unregistered_flag
# description: >-
#   Pre-existing debt: a flag declared in code or configuration without a
#   registry entry, in a change that does not touch it.
# custom:
#   enforces: >-
#     Mozilla Root Store Policy §3.3 / CA/B Forum Baseline Requirements §2.3:
#     CP/CPS must be kept consistent with practice
warn contains finding if {
	some finding in unregistered_flag_findings
	not touched(finding.flag)
}

unregistered_flag_findings contains finding if {
	some name in unregistered_flags
	flag := input.flags[name]
	flag.in_head
	count(flag.sources) > 0
	source := flag.sources[0]
	finding := {
		"rule": "unregistered_flag",
		"flag": name,
		"file": source.file,
		"line": source.line,
		"message": sprintf(
			"flag %s is declared in %s but has no entry in the flag registry %s: add one with `cps:` links to the CPS sections it affects, or `no_cps_impact:` with the reason it affects none",
			[name, location(source.file, source.line), input.registry],
		),
	}
}

# METADATA
# title: unregistered_flag
# description: >-
#   A flag that code or configuration declares or sets at head, and that this
#   change touches, has a registry entry marked `removed`: its links are
#   history and would not be checked, so the flag would ship unreviewed.
# custom:
#   enforces: >-
#     Mozilla Root Store Policy §3.3 / CA/B Forum Baseline Requirements §2.3:
#     CP/CPS must be kept consistent with practice, so every behaviour switch
#     in use needs a known CPS impact
deny contains finding if {
	some name in touched_flags
	flag := input.flags[name]
	flag.registered
	flag.status == "removed"
	count(flag.sources) > 0
	source := flag.sources[0]
	finding := {
		"rule": "unregistered_flag",
		"flag": name,
		"file": source.file,
		"line": source.line,
		"message": sprintf(
			"flag %s is in use (%s) but its registry entry (%s) says `status: removed`, so its CPS links are not checked: set its status to proposed or active, link the CPS sections it affects, and have them reviewed",
			[name, location(source.file, source.line), location(flag.file, flag.line)],
		),
	}
}

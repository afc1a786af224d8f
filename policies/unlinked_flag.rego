package cpsgate

# METADATA
# title: unlinked_flag
# description: >-
#   Every registered flag in service links the CPS sections it affects
#   (`cps:`) or states why it affects none (`no_cps_impact:`). Denied when this
#   change touches the flag.
# custom:
#   enforces: >-
#     Mozilla Root Store Policy §3.3 / CA/B Forum Baseline Requirements §2.3:
#     CP/CPS must be kept consistent with practice
#   severity_when_untouched: warn
deny contains finding if {
	some finding in unlinked_flag_findings
	touched(finding.flag)
}

# METADATA
# title: unlinked_flag
# description: >-
#   Pre-existing debt: a registered flag with neither CPS links nor a
#   `no_cps_impact:` reason, in a change that does not touch it.
# custom:
#   enforces: >-
#     Mozilla Root Store Policy §3.3 / CA/B Forum Baseline Requirements §2.3:
#     CP/CPS must be kept consistent with practice
warn contains finding if {
	some finding in unlinked_flag_findings
	not touched(finding.flag)
}

unlinked_flag_findings contains finding if {
	some name in unlinked_flags
	flag := live(name)
	flag.in_head
	flag.no_cps_impact == ""
	finding := {
		"rule": "unlinked_flag",
		"flag": name,
		"file": flag.file,
		"line": flag.line,
		"message": sprintf(
			"flag %s links no CPS section: list the sections it affects under `cps:` in its registry entry, or state `no_cps_impact:` with the reason it affects none",
			[name],
		),
	}
}

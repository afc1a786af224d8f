package cpsgate

# METADATA
# title: orphan_flag
# description: >-
#   A registry entry in service (status other than removed) for a flag that
#   no source declares or sets at head: a misspelt name, or a flag deleted
#   from the code whose entry still claims it is in service. Its links and
#   reviews describe nothing the software does.
# custom:
#   enforces: >-
#     Mozilla Root Store Policy §3.3: CP/CPS must be kept consistent with
#     practice, and the record of which behaviour it governs with it
warn contains finding if {
	some name in unsourced_flags
	flag := live(name)
	finding := {
		"rule": "orphan_flag",
		"flag": name,
		"file": flag.file,
		"line": flag.line,
		"message": sprintf(
			"flag %s has a registry entry with status %s, but no source declares or sets it: mark the entry `status: removed` if the flag is gone, or correct its name",
			[name, flag.status],
		),
	}
}

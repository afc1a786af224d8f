package cpsgate

# METADATA
# title: unwatched_source
# description: >-
#   A configuration file that a config source read at base and no longer reads
#   at head (deleted, or moved where no source's glob matches) takes the flags
#   it set out of the check: a flag could be turned on there unseen. Each flag
#   it set needs a review in this change of every CPS section it links.
# custom:
#   enforces: >-
#     Let's Encrypt incident remediation (Bugzilla 1715455 era): CP/CPS review
#     for every new or changed feature flag, which a flag moved out of the
#     check's sight would otherwise escape
#   resolved_by: review
deny contains finding if {
	some change in input.source_changes
	some name in change.flags
	some section in object.get(input.flags, [name, "cps"], [])
	input.sections[section]
	not reviewed_in_change(name, section)
	finding := {
		"rule": "unwatched_source",
		"flag": name,
		"section": section,
		"file": change.file,
		"line": change.line,
		"message": sprintf(
			"%s, which set flag %s, is %s by this change or moved where no source reads it, so the flag's settings there are no longer checked; CPS section %s has no review of it in this change: attach a `cps-review` block for flag %s, section %s, or keep the file where a source's glob matches it",
			[change.file, name, change.change, section_label(section), name, section],
		),
	}
}

# METADATA
# title: unwatched_source
# description: >-
#   A configuration file that the sources read at base is no longer read at
#   head; shown even when its flags are reviewed, so that the move is seen.
# custom:
#   enforces: >-
#     cpsgate design: every configuration file that can set a flag is read by
#     the check
warn contains finding if {
	some change in input.source_changes
	finding := {
		"rule": "unwatched_source",
		"file": change.file,
		"message": sprintf(
			"%s is no longer read by any source (%s, or moved where no glob matches)%s",
			[change.file, change.change, flags_it_set(change.flags)],
		),
	}
}

flags_it_set(names) := sprintf("; it set %s", [concat(", ", names)]) if count(names) > 0

else := ""

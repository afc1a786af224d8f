# Shared definitions for the built-in cpsgate rules. Every rule file in this
# directory is in package cpsgate and reads these helpers; policies/README.md
# documents the input document they work on.
package cpsgate

# Flag changes that need a review of the flag's linked CPS sections. Removing
# a flag from the code makes its behaviour permanent (or drops the settings
# that still name it): it needs the review as well.
review_changes := {"added", "removed", "modified", "enabled", "disabled"}

# Verdicts that make a review count.
valid_verdicts := {"compliant", "cps-updated", "not-applicable"}

# Registered flags that are still in service (status other than removed), by
# name. A removed flag keeps its registry entry as an audit trail; its links
# are history and are not checked against the current CPS.
live_flags[name] := flag if {
	some name, flag in input.flags
	flag.registered
	flag.status != "removed"
}

# touched(f) holds when this change concerns flag f: the flag changed, its
# registry entry was altered, or one of its linked sections changed.
touched(name) if name in touched_flags

# The names of the flags this change touches, computed once.
touched_flags contains change.flag if {
	some change in input.flag_changes
}

touched_flags contains change.flag if {
	some change in input.registry_changes
}

touched_flags contains name if {
	some change in input.cps_changes
	some section in cps_change_ids(change)
	some name, flag in input.flags
	section in flag.cps
}

# The section IDs a CPS change concerns: its head ID and, when renumbered,
# its base ID.
cps_change_ids(change) := {change.section, object.get(change, "old_section", "")} - {""}

# The reviews that are part of this change: attached to it, or added to the
# registry by it.
new_reviews contains review if {
	some review in input.reviews
	review.new
}

# counts(r, f, s) holds when review r is part of this change and is a valid
# review of flag f against section s.
counts(review, name, section) if {
	review.new
	review.flag == name
	section in review.sections
	review.verdict in valid_verdicts
}

# covered(f, s) holds when any review, new or old and whatever its verdict,
# names flag f and section s.
covered(name, section) if {
	some review in flag_reviews[name]
	section in review.sections
}

# Every review, by the name of the flag it reviews.
flag_reviews[name] contains review if {
	some review in input.reviews
	name := review.flag
}

# "file:line", or just "file" when the line is unknown.
location(file, line) := sprintf("%s:%d", [file, line]) if line > 0

else := file

# The section's ID with its title, e.g. `4.9.12 "Special requirements re key
# compromise"`, or the bare ID when the section is unknown.
section_label(id) := sprintf("%s %q", [id, input.sections[id].title]) if input.sections[id].title != ""

else := id

# A short description of a flag change, e.g. "enabled in deploy/prod.json".
describe_change(change) := sprintf("%s in %s", [change.change, where]) if {
	change.change in {"enabled", "disabled"}
	where := object.get(change, "environment", change.file)
	where != ""
} else := sprintf("modified (%s) in %s", [concat(", ", change.fields), location(change.file, change.line)]) if {
	change.change == "modified"
	count(object.get(change, "fields", [])) > 0
} else := sprintf("%s in %s", [change.change, location(change.file, change.line)])

# What a CPS change did to section id, for a link or review that names it and
# no longer resolves.
missing_section_reason(id) := sprintf("was renumbered to %s in this change; update the link", [concat(", ", sort(targets))]) if {
	targets := {change.section |
		some change in input.cps_changes
		change.change == "renumbered"
		change.old_section == id
	}
	count(targets) > 0
} else := "was removed from the CPS in this change; link the section that now covers this behaviour" if {
	some change in input.cps_changes
	change.change == "removed"
	change.section == id
} else := "does not exist in the CPS"

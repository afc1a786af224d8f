package cpsgate

# METADATA
# title: moved_link
# description: >-
#   A flag keeps a link to a CPS section ID whose section this change moved
#   away (renumbered) or removed, while another section now has that ID (a
#   section inserted or deleted before it renumbers the rest): the flag
#   would silently link text it was never reviewed against. The link must
#   follow the move, or the flag be reviewed in this change against the
#   section now at that ID.
# custom:
#   enforces: >-
#     RFC 3647 §1.5.4 (CPS approval procedures) / Mozilla Root Store Policy
#     §3.3: a flag is held to the CPS text it was reviewed against
#   resolved_by: review
deny contains finding if {
	some id in left_ids
	some name in links_to[id]
	flag := live(name)
	id in object.get(flag, "base_cps", [])
	input.sections[id]
	gone := left_id(id)
	not followed_into(flag, id)
	not reviewed_in_change(name, id)
	finding := {
		"rule": "moved_link",
		"flag": name,
		"section": id,
		"file": flag.file,
		"line": flag.line,
		"message": sprintf(
			"flag %s links CPS section %s, whose text %s in this change; %s is now %s: %s, or, if the flag is about the new %s, attach a `cps-review` block for flag %s, section %s",
			[name, id, gone.what, id, section_label(id), gone.fix, id, name, id],
		),
	}
}

# The IDs whose base section this change moved away or removed.
left_ids contains change.old_section if {
	some change in input.cps_changes
	change.change == "renumbered"
}

left_ids contains change.section if {
	some change in input.cps_changes
	change.change == "removed"
}

# left_id(id) says where the section that had id at base went, when it
# left: moved to another ID, else removed. (Section IDs are unique in a
# revision that loads, so at most one change moves an ID away.)
left_id(id) := {
	"what": sprintf("moved to %s", [moved[0]]),
	"fix": sprintf("link %s instead (cps: in the registry)", [moved[0]]),
} if {
	moved := sort([change.section |
		some change in input.cps_changes
		change.change == "renumbered"
		change.old_section == id
	])
	count(moved) > 0
} else := {"what": "was removed", "fix": "remove the link or link the section that replaces it"} if {
	some change in input.cps_changes
	change.change == "removed"
	change.section == id
}

# followed_into(flag, id) holds when the section now at id moved there from
# an ID the flag linked at base: the link followed it.
followed_into(flag, id) if {
	some change in input.cps_changes
	change.change == "renumbered"
	change.section == id
	change.old_section in object.get(flag, "base_cps", [])
}

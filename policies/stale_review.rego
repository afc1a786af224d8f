package cpsgate

# METADATA
# title: stale_review
# description: >-
#   When this change modifies a CPS section, every flag in service that links
#   it is reviewed again against the new text in this change.
# custom:
#   enforces: >-
#     RFC 3647 §1.5.4 (CPS approval procedures) / Mozilla Root Store Policy
#     §3.3: a CPS change must be checked against the practice it describes
#   severity_when_untouched: warn
#   resolved_by: review
deny contains finding if {
	some change in input.cps_changes
	change.change in text_changes
	section := change.section
	some name in linked_by(section)
	not reviewed_in_change(name, section)
	finding := {
		"rule": "stale_review",
		"flag": name,
		"section": section,
		"file": change.file,
		"line": change.line,
		"message": sprintf(
			"CPS section %s changed in this change; the review of flag %s against %s was made against the old text: re-review it and attach a `cps-review` block for flag %s, section %s",
			[section_label(section), name, section, name, section],
		),
	}
}

# METADATA
# title: stale_review
# description: >-
#   A link to a section with subsections (such as 4.9) covers them: when this
#   change alters the text under it (a subsection modified, added, removed or
#   renumbered), every flag in service that links it is reviewed again.
# custom:
#   enforces: >-
#     RFC 3647 §1.5.4 (CPS approval procedures) / Mozilla Root Store Policy
#     §3.3: a CPS change must be checked against the practice it describes
#   resolved_by: review
deny contains finding if {
	some section in changed_trees
	s := input.sections[section]
	not own_text_changed(section)
	some name in linked_by(section)
	not reviewed_in_change(name, section)
	finding := {
		"rule": "stale_review",
		"flag": name,
		"section": section,
		"file": s.file,
		"line": s.line,
		"message": sprintf(
			"the text under CPS section %s (its subsections) changed in this change; flag %s links the whole section and its review was made against the old text: re-review it and attach a `cps-review` block for flag %s, section %s",
			[section_label(section), name, name, section],
		),
	}
}

own_text_changed(section) if {
	some change in input.cps_changes
	change.change in text_changes
	change.section == section
}

# METADATA
# title: stale_review
# description: >-
#   A review in this change records a hash of a CPS section that differs from
#   the section at head: the reviewer read different text than will ship.
# custom:
#   enforces: >-
#     RFC 3647 §1.5.4 (CPS approval procedures) / Mozilla Root Store Policy
#     §3.3: a review must be of the CPS text in force
#   resolved_by: review
deny contains finding if {
	some review in new_reviews
	some section in review.sections
	counts(review, review.flag, section)
	reviewed := review.section_hashes[section]
	reviewed != link_hash(section)
	finding := {
		"rule": "stale_review",
		"flag": review.flag,
		"section": section,
		"file": review.file,
		"line": review.line,
		"message": sprintf(
			"the review of flag %s by %s was made against a different text of CPS section %s (%s) than the CPS now has (%s): re-review the current text and update section_hashes",
			[review.flag, review.reviewer, section_label(section), reviewed, link_hash(section)],
		),
	}
}

# METADATA
# title: stale_review
# description: >-
#   Pre-existing debt: the latest registry review of a flag against a CPS
#   section recorded a hash of the section that differs from its current text.
# custom:
#   enforces: >-
#     RFC 3647 §1.5.4 (CPS approval procedures) / Mozilla Root Store Policy
#     §3.3: a review must be of the CPS text in force
warn contains finding if {
	some [name, section], review in stale_links
	flag := live(name)
	not touched(name)
	current := link_hash(section)
	reviewed := review.section_hashes[section]
	reviewed != current
	finding := {
		"rule": "stale_review",
		"flag": name,
		"section": section,
		"file": flag.file,
		"line": flag.line,
		"message": sprintf(
			"the latest review of flag %s against CPS section %s (by %s on %s) was made against different text than the CPS now has: re-review it and record the new section hash",
			[name, section_label(section), review.reviewer, review.date],
		),
	}
}

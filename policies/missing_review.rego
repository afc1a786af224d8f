package cpsgate

# METADATA
# title: missing_review
# description: >-
#   A flag that this change adds, modifies, enables or disables has a review
#   in this change of each CPS section it links, so that the CA checks the new
#   behaviour against its CPS before it ships.
# custom:
#   enforces: >-
#     Let's Encrypt incident remediation (Bugzilla 1715455 era): CP/CPS review
#     for every new or changed feature flag; Mozilla Root Store Policy §3.3:
#     CP/CPS must be kept consistent with practice
#   severity_when_untouched: warn
#   resolved_by: review
deny contains finding if {
	some [name, section] in unreviewed_changes
	changes := review_requiring_changes[name]
	first := changes[0]
	finding := {
		"rule": "missing_review",
		"flag": name,
		"section": section,
		"file": first.file,
		"line": first.line,
		"message": sprintf(
			"flag %s was %s%s; CPS section %s has no review of it in this change: attach a `cps-review` block for flag %s, section %s to the pull-request description, or add a review to the flag's registry entry",
			[name, describe_change(first), more_changes(count(changes)), section_label(section), name, section],
		),
	}
}

# METADATA
# title: missing_review
# description: >-
#   A review in this change carries no valid verdict (compliant, cps-updated
#   or not-applicable), so it does not count as a review.
# custom:
#   enforces: >-
#     Let's Encrypt incident remediation (Bugzilla 1715455 era): CP/CPS review
#     for every new or changed feature flag, with a recorded outcome
#   resolved_by: review
deny contains finding if {
	some review in new_reviews
	verdict := object.get(review, "verdict", "")
	not verdict in valid_verdicts
	finding := {
		"rule": "missing_review",
		"flag": review.flag,
		"file": review.file,
		"line": review.line,
		"message": sprintf(
			"the review of flag %s by %s has verdict %q, which is not one of compliant, cps-updated, not-applicable: it does not count",
			[review.flag, review.reviewer, verdict],
		),
	}
}

# METADATA
# title: missing_review
# description: >-
#   Pre-existing debt: a flag in service links a CPS section that no review,
#   old or new, has ever covered, in a change that does not touch the flag.
# custom:
#   enforces: >-
#     Mozilla Root Store Policy §3.3: CP/CPS must be kept consistent with
#     practice; Let's Encrypt incident remediation (Bugzilla 1715455 era)
warn contains finding if {
	some [name, section] in uncovered_links
	flag := live(name)
	flag.status in {"active", "proposed"}
	not touched(name)
	finding := {
		"rule": "missing_review",
		"flag": name,
		"section": section,
		"file": flag.file,
		"line": flag.line,
		"message": sprintf(
			"flag %s links CPS section %s, and no review of it against that section is on record: add a review to the flag's registry entry",
			[name, section_label(section)],
		),
	}
}

# Pairs [flag, section] where the flag changed in a way that needs a review
# and no review in this change names the flag and the section. Whether such a
# review counts (verdict, author, staleness) is left to the other rules.
unreviewed_changes contains [name, section] if {
	some name, _ in review_requiring_changes
	some section in input.flags[name].cps
	input.sections[section]
	not reviewed_in_change(name, section)
}

# The review-requiring changes of each flag, ordered by file and line: one
# complete object, built once.
review_requiring_changes := {name: changes |
	some name, indexes in changes_by_flag
	changes := [change |
		some i in indexes
		change := input.flag_changes[i]
		change.change in review_changes
	]
	count(changes) > 0
}

more_changes(1) := ""

more_changes(2) := " (and in 1 other place)"

more_changes(n) := sprintf(" (and in %d other places)", [n - 1]) if n > 2

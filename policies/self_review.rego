package cpsgate

# METADATA
# title: self_review
# description: >-
#   A review in this change that names the change's own author does not
#   count: a review attached to a change is the author's claim, and it counts
#   only for a verified approver other than the author (four-eyes
#   principle). Denied for each flag and section that no counting review by
#   someone else covers.
# custom:
#   enforces: >-
#     CA/B Forum Network and Certificate System Security Requirements and
#     WebTrust for CAs: separation of duties (multi-person control) for changes
#     to CA systems
#   resolved_by: review
deny contains finding if {
	some review in new_reviews
	by_author(review)
	some section in review.sections
	not reviewed_by_other(review.flag, section)
	finding := {
		"rule": "self_review",
		"flag": review.flag,
		"section": section,
		"file": review.file,
		"line": review.line,
		"message": sprintf(
			"the review of flag %s against CPS section %s is by the change's own author (%s), and an author cannot review their own change: someone else reads the section, is named as `reviewer:` in the `cps-review` block, and approves the change (on GitHub an approving review of the head commit; elsewhere CI passes --approver)",
			[review.flag, section_label(section), input.author],
		),
	}
}

reviewed_by_other(name, section) if {
	some review in new_reviews
	counts(review, name, section)
	not by_author(review)
}

package cpsgate

# METADATA
# title: self_review
# description: >-
#   A review written by the change's own author counts only when someone else
#   approved the change or another reviewer also reviewed the flag and
#   section in it (four-eyes principle).
# custom:
#   enforces: >-
#     CA/B Forum Network and Certificate System Security Requirements and
#     WebTrust for CAs: separation of duties (multi-person control) for changes
#     to CA systems
deny contains finding if {
	input.author != ""
	author := lower(input.author)
	not approved_by_other(author)
	some review in new_reviews
	lower(review.reviewer) == author
	some section in review.sections
	not reviewed_by_other(review.flag, section, author)
	finding := {
		"rule": "self_review",
		"flag": review.flag,
		"section": section,
		"file": review.file,
		"line": review.line,
		"message": sprintf(
			"the review of flag %s against CPS section %s is by the change's own author (%s): it needs an approval of the change from someone else, or a `cps-review` block by another reviewer",
			[review.flag, section, input.author],
		),
	}
}

approved_by_other(author) if {
	some approver in input.approvers
	lower(approver) != author
}

reviewed_by_other(name, section, author) if {
	some review in new_reviews
	counts(review, name, section)
	lower(review.reviewer) != author
}

package cpsgate

# METADATA
# title: unapproved_review
# description: >-
#   A review in this change (in its description, a comment, or added to the
#   registry by it) is a claim by the change's author. It counts only when
#   the person it names approved the change and is not its author; otherwise
#   anyone could write `reviewer: alice`. Denied until that person approves.
# custom:
#   enforces: >-
#     CA/B Forum Network and Certificate System Security Requirements and
#     WebTrust for CAs: separation of duties (multi-person control) for changes
#     to CA systems; cpsgate contract, "Who reviewed"
#   resolved_by: approval
deny contains finding if {
	author_id != ""
	some review in new_reviews
	not by_author(review)
	valid_identity(review.reviewer)
	not vouched(review)
	finding := {
		"rule": "unapproved_review",
		"flag": review.flag,
		"file": review.file,
		"line": review.line,
		"message": sprintf(
			"the review of flag %s names %s as its reviewer, but %s has not approved this change: until then it is only a claim by the change's author (%s). %s must approve the change (on GitHub: an approving review of the head commit, by someone with write access or listed in `reviewers:`; in other CI: --approver %s, which CI vouches for)%s",
			[review.flag, review.reviewer, review.reviewer, input.author, review.reviewer, review.reviewer, approvers_note],
		),
	}
}

# METADATA
# title: unapproved_review
# description: >-
#   The change's author is unknown, so the reviews attached to it cannot be
#   attributed: none of them counts.
# custom:
#   enforces: >-
#     CA/B Forum Network and Certificate System Security Requirements and
#     WebTrust for CAs: separation of duties (multi-person control) for changes
#     to CA systems; cpsgate contract, "Who reviewed"
#   resolved_by: approval
deny contains finding if {
	author_id == ""
	some review in new_reviews
	finding := {
		"rule": "unapproved_review",
		"flag": review.flag,
		"file": review.file,
		"line": review.line,
		"message": sprintf(
			"the review of flag %s by %s does not count: the change's author is unknown, so a review attached to the change cannot be told from the author's own claim. Run the check with --author (the change's author, as CI knows it) and --approver for each person who approved it, or with --github",
			[review.flag, review.reviewer],
		),
	}
}

approvers_note := sprintf("; the verified approvers of this change are: %s", [concat(", ", sort(verified_approvers))]) if {
	count(verified_approvers) > 0
} else := "; nobody other than the author has approved it yet"

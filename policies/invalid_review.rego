package cpsgate

# METADATA
# title: invalid_review
# description: >-
#   A review in this change that cannot be taken as written does not count:
#   a placeholder, blank or malformed reviewer, the template's notes left in
#   place, a date after today, or a date before the change (or the flag it
#   adds) existed.
# custom:
#   enforces: >-
#     WebTrust for CAs and CA/B Forum NCSSR: records of reviews are accurate,
#     attributable and dated; cpsgate contract, "Who reviewed"
#   resolved_by: review
deny contains finding if {
	some review in new_reviews
	problems := review_problems(review)
	count(problems) > 0
	finding := {
		"rule": "invalid_review",
		"flag": review.flag,
		"file": review.file,
		"line": review.line,
		"message": sprintf(
			"the review of flag %s does not count: it %s",
			[review.flag, concat("; it ", sort(problems))],
		),
	}
}

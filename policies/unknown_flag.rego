package cpsgate

# METADATA
# title: unknown_flag
# description: >-
#   A review in this change names a flag that no source or registry declares
#   (nor a test linked to CPS sections), probably a typo, so it reviews
#   nothing.
# custom:
#   enforces: >-
#     Let's Encrypt incident remediation (Bugzilla 1715455 era): a CP/CPS
#     review must be attached to the feature flag it is about
deny contains finding if {
	some review in new_reviews
	not input.flags[review.flag]
	not object.get(input, "tests", {})[review.flag] # a review of a test (test_review)
	finding := {
		"rule": "unknown_flag",
		"flag": review.flag,
		"file": review.file,
		"line": review.line,
		"message": sprintf("the review names flag %s, which no source or registry entry declares%s", [review.flag, flag_suggestion(review.flag)]),
	}
}

# A flag name that differs from name only in case, "-" or "_", as a hint.
flag_suggestion(name) := sprintf(": did you mean %s?", [concat(" or ", sort(similar))]) if {
	similar := {known |
		some known, _ in input.flags
		flag_key(known) == flag_key(name)
	}
	count(similar) > 0
} else := ""

flag_key(name) := lower(replace(replace(name, "_", ""), "-", ""))

package cpsgate

# Reviews of configuration parameters: a `cps-review` block that names
# `parameter:` instead of `flag:` (input.parameter_reviews). They go through
# the identity rules of lib.rego: a review in the change is a claim by the
# change's author, and counts only when vouched for (the person it names is
# a verified approver other than the author) and free of review_problems.

# METADATA
# title: parameter_review
# description: >-
#   A configuration parameter whose value this change adds, removes or
#   changes (in any file or environment, also through a variable its
#   template uses), whose type the change alters, or whose linked CPS text
#   the change edits, has a counting review in this change of each CPS
#   section it links.
# custom:
#   enforces: >-
#     Mozilla Root Store Policy §3.3: CP/CPS must be kept consistent with
#     practice; CA/Browser Forum Baseline Requirements §4.9.7 and §6.3.2
#   resolved_by: review
deny contains finding if {
	some name in parameters_to_review
	p := input.parameters[name]
	reasons := parameter_review_needed(name)
	count(reasons) > 0
	some section in p.cps
	input.sections[section]
	not parameter_reviewed(name, section)
	first := sort(reasons)[0]
	finding := {
		"rule": "parameter_review",
		"parameter": name,
		"section": section,
		"file": first[0],
		"line": first[1],
		"message": sprintf(
			"parameter %s %s%s; CPS section %s has no counting review of it in this change%s: attach a `cps-review` block with `parameter: %s` and `sections: [%q]`, reviewer someone other than the author who approves the change",
			[name, first[2], more_changes(count(reasons)), section_label(section), parameter_review_problems(name, section), name, section],
		),
	}
}

# METADATA
# title: parameter_review
# description: >-
#   A review in this change names a parameter the registry does not list.
# custom:
#   enforces: >-
#     Mozilla Root Store Policy §3.3: CP/CPS must be kept consistent with
#     practice
#   resolved_by: review
deny contains finding if {
	some review in object.get(input, "parameter_reviews", [])
	not input.parameters[review.parameter]
	finding := {
		"rule": "parameter_review",
		"parameter": review.parameter,
		"file": review.file,
		"line": review.line,
		"message": sprintf("the review names parameter %s, which the registry does not list", [review.parameter]),
	}
}

# The parameters that may need a review (parameter_review_needed): those
# the change changes a value of, alters the type of, or edits a linked
# section of.
parameters_to_review := ({change.parameter | some change in object.get(input, "parameter_changes", [])} | retyped_parameters) | {name |
	some change in input.cps_changes
	change.change in text_changes
	some name in object.get(parameter_links_to, change.section, [])
}

# The changes of parameter name that need a review, as [file, line, text].
parameter_review_needed(name) := ({[change.file, change.line, describe_parameter_change(change)] |
	some change in object.get(input, "parameter_changes", [])
	change.parameter == name
} | {[p.file, p.line, sprintf("changes type from %s to %s", [p.base_type, p.type])] |
	p := input.parameters[name]
	p.in_base
	p.registered
	p.base_type != p.type
}) | {[change.file, change.line, sprintf("links CPS section %s, whose text this change edits", [change.section])] |
	p := input.parameters[name]
	some change in input.cps_changes
	change.change in text_changes
	change.section in p.cps
	p.registered
}

describe_parameter_change(change) := sprintf("was added (%s) at %s in %s", [change.new, change.path, location(change.file, change.line)]) if {
	change.change == "added"
} else := sprintf("was removed (it was %s) at %s in %s", [change.old, change.path, location(change.file, change.line)]) if {
	change.change == "removed"
} else := sprintf("changed from %s to %s at %s in %s", [written(change.old, object.get(change, "old_template", "")), written(change.new, object.get(change, "new_template", "")), change.path, location(change.file, change.line)])

written(value, "") := sprintf("%q", [value])

written(value, template) := sprintf("%q (%s)", [value, template]) if template != ""

# parameter_reviewed(p, s): a review in this change of parameter p against
# section s counts.
parameter_reviewed(name, section) if {
	some review in object.get(input, "parameter_reviews", [])
	parameter_review_counts(review, name, section)
}

# parameter_review_counts(r, p, s): review r is part of this change and is a
# valid review of parameter p against section s (as counts in lib.rego, for
# flags): a valid verdict, vouched for, no review_problems, and made against
# the section's text at head when it records a hash.
parameter_review_counts(review, name, section) if {
	review.new
	review.parameter == name
	section in review.sections
	review.verdict in valid_verdicts
	vouched(review)
	count(review_problems(review)) == 0
	not parameter_review_stale(review, section)
}

parameter_review_stale(review, section) if {
	reviewed := review.section_hashes[section]
	reviewed != link_hash(section)
}

# Why the reviews of the parameter and section in this change do not count,
# for the message: "" when there is none.
parameter_review_problems(name, section) := sprintf(" (%s)", [concat("; ", sort(problems))]) if {
	problems := {msg |
		some review in object.get(input, "parameter_reviews", [])
		review.parameter == name
		section in review.sections
		some msg in parameter_review_reasons(review, section)
	}
	count(problems) > 0
} else := ""

parameter_review_reasons(review, section) := {sprintf("the review by %s %s", [review.reviewer, r]) |
	some r in (((({"is by the change's own author, who cannot review their own change" |
		by_author(review)
	} | {sprintf("names %s, who has not approved this change", [review.reviewer]) |
		not by_author(review)
		not vouched(review)
	}) | {sprintf("has verdict %q, not compliant, cps-updated or not-applicable", [review.verdict]) |
		not review.verdict in valid_verdicts
	}) | {"was made against other text of the section than the CPS now has" |
		parameter_review_stale(review, section)
	}) | review_problems(review))
}

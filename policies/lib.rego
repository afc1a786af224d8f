# Shared definitions for the built-in cpsgate rules. Every rule file in this
# directory is in package cpsgate and reads these helpers; policies/README.md
# documents the input document they work on.
package cpsgate

# Flag changes that need a review of the flag's linked CPS sections. Removing
# a flag from the code makes its behaviour permanent (or drops the settings
# that still name it): it needs the review as well. "changed" is a typed
# setting (a number, a string, a duration) whose value changed.
review_changes := {"added", "removed", "modified", "enabled", "disabled", "changed"}

# Verdicts that make a review count.
valid_verdicts := {"compliant", "cps-updated", "not-applicable"}

# Registered flags that are still in service (status other than removed), by
# name. A removed flag keeps its registry entry as an audit trail; its links
# are history and are not checked against the current CPS.
# (A complete rule: evaluated once per query, then looked up by key.)
live_flags := {name: flag |
	some name, flag in input.flags
	flag.registered
	flag.status != "removed"
}

# live(name) is the registry entry of flag name when the flag is live:
# registered, with a status other than removed. Rules that look at a few
# flags use it rather than scanning live_flags.
live(name) := flag if {
	flag := input.flags[name]
	flag.registered
	flag.status != "removed"
}

# Performance: a rule that scans every flag, section or review costs tens of
# milliseconds at a large CA's scale (10,000 flags), and a rule that scans an
# input array for each flag is quadratic. The built-in rules start instead
# from what the change touches, or from the link facts below, and look keys
# up. policies/bench_test.go's BenchmarkEvalScale keeps the time per change
# flat as the registry grows.

# The index. cpsgate computes the facts below in Go and hands them over as
# input.index (policies/README.md, "The index"); an input without it (one
# written by hand) gets them computed here, from the definitions below. A Go
# test (TestIndexAgrees) checks that both give the same findings.

# The names of the flags (any flag, any status) whose head `cps` names each
# section ID.
links_to := input.index.links_to if input.index
else := {section: names |
	some section in {s | some flag in input.flags; some s in flag.cps}
	names := {name |
		some name, flag in input.flags
		section in flag.cps
	}
}

# links_to restricted to the sections the CPS does not have.
unknown_links := input.index.unknown_links if input.index
else := {section: names |
	some section, names in links_to
	not input.sections[section]
}

# The [flag, section] links of registered flags to sections of the head CPS
# that no review, old or new and whatever its verdict, names.
uncovered_links := {[link[0], link[1]] | some link in input.index.uncovered_links} if input.index
else := {[name, section] |
	some name, flag in input.flags
	flag.registered
	some section in flag.cps
	input.sections[section]
	not covered(name, section)
}

# The links of registered flags to sections of the head CPS whose latest
# registry review (latest_registry_review) recorded a hash of the section
# other than link_hash(section): {[flag, section]: review}.
stale_links := {[link.flag, link.section]: input.reviews[link.review] | some link in input.index.stale_links} if input.index
else := {[name, section]: review |
	some name, flag in input.flags
	flag.registered
	some section in flag.cps
	review := latest_registry_review(name, section)
	review.section_hashes[section] != link_hash(section)
}

# The reviews that are part of this change: attached to it, or added to the
# registry by it.
new_reviews := {input.reviews[i] | some i in input.index.new_reviews} if input.index
else := {review |
	some review in input.reviews
	review.new
}

# The names of the flags without a registry entry, without a linked section,
# and without a source (declaration or setting).
unregistered_flags := {name | some name in input.index.unregistered} if input.index
else := {name | some name, flag in input.flags; not flag.registered}

unlinked_flags := {name | some name in input.index.unlinked} if input.index
else := {name | some name, flag in input.flags; count(flag.cps) == 0}

unsourced_flags := {name | some name in input.index.unsourced} if input.index
else := {name | some name, flag in input.flags; count(flag.sources) == 0}

# The indexes in input.flag_changes of each flag's changes, ordered by file,
# line and index.
changes_by_flag := input.index.flag_changes if input.index
else := {name: [entry[2] | some entry in entries] |
	some name in {change.flag | some change in input.flag_changes}
	entries := sort([[change.file, change.line, i] |
		some i, change in input.flag_changes
		change.flag == name
	])
}

# The smallest and largest `effective` of each parameter's values at head,
# for the parameters that have values: {name: {"min": n, "max": n}}.
value_ranges := input.index.value_ranges if input.index
else := {name: {"min": min(effective), "max": max(effective)} |
	some name, p in input.parameters
	effective := [v.effective | some v in p.values]
	count(effective) > 0
}

# The constraints of parameters with values at head that must be checked
# value by value, as [name, constraint index]: a min or max with a fixed
# bound (fixed_bound) only when the range of the values (value_ranges)
# crosses it; any other constraint always.
parameter_checks := {[c[0], c[1]] | some c in input.index.parameter_checks} if input.index
else := {[name, j] |
	some name, r in value_ranges
	some j, c in input.parameters[name].constraints
	check_needed(c, r)
}

check_needed(c, _) if not fixed_bound(c)

check_needed(c, r) if {
	fixed_bound(c)
	range_crosses(c, r)
}

# fixed_bound(c): c is a min or max whose bound at head is one number.
fixed_bound(c) if {
	c.kind in {"min", "max"}
	c.source in {"literal", "cps"}
	c.error == ""
}

# range_crosses(c, r): some value in the range r may violate the fixed
# bound c.
range_crosses(c, r) if {
	c.kind == "max"
	not c.exclusive
	r.max > c.number
}

range_crosses(c, r) if {
	c.kind == "max"
	c.exclusive
	r.max >= c.number
}

range_crosses(c, r) if {
	c.kind == "min"
	not c.exclusive
	r.min < c.number
}

range_crosses(c, r) if {
	c.kind == "min"
	c.exclusive
	r.min <= c.number
}

# The constraints whose bound could not be read (a non-empty error), as
# [name, constraint index].
parameter_bound_errors := {[c[0], c[1]] | some c in input.index.parameter_bound_errors} if input.index
else := {[name, j] |
	some name, p in input.parameters
	some j, c in p.constraints
	c.error != ""
}

# The names of the parameters without a value at head.
valueless_parameters := {name | some name in input.index.valueless_parameters} if input.index
else := {name | some name, p in input.parameters; count(p.values) == 0}

# The indexes of each parameter's relations (constraints whose source is
# another parameter), for the parameters that have any: {name: [index]}.
parameter_relations := input.index.parameter_relations if input.index
else := {name: js |
	some name, p in input.parameters
	js := [j | some j, c in p.constraints; c.source == "parameter"]
	count(js) > 0
}

# The names of the registered parameters of the base registry whose type
# the change alters.
retyped_parameters := {name | some name in input.index.retyped_parameters} if input.index
else := {name |
	some name, p in input.parameters
	p.in_base
	p.registered
	p.base_type != p.type
}

# The names of the parameters (any) whose head `cps` names each section ID.
parameter_links_to := input.index.parameter_links_to if input.index
else := {section: names |
	some section in {s | some p in input.parameters; some s in p.cps}
	names := {name |
		some name, p in input.parameters
		section in p.cps
	}
}

# The IDs of the sections whose text under them (link_hash) differs from
# their base_tree_hash, when the base had a section of that ID.
changed_trees := {id | some id in input.index.changed_trees} if input.index
else := {id |
	some id, s in input.sections
	object.get(s, "base_tree_hash", "") != ""
	link_hash(id) != s.base_tree_hash
}

# The registry review of the flag covering the section with the greatest date;
# among reviews of the same date, the one written last in the registry.
latest_registry_review(name, section) := ordered[count(ordered) - 1][3] if {
	ordered := sort([[review.date, review.file, review.line, review] |
		some review in flag_reviews[name]
		review.origin == "registry"
		section in review.sections
	])
	count(ordered) > 0
}

# linked_by(s) is the set of names of the live flags that link section s.
linked_by(section) := {name |
	some name in links_to[section]
	live(name)
}

# The names of the live flags that link each section ID.
linked_by_index := {section: names |
	some section, _ in links_to
	names := linked_by(section)
	count(names) > 0
}

# touched(f) holds when this change concerns flag f: the flag changed, its
# registry entry was altered, or one of its linked sections changed.
touched(name) if name in touched_flags

# The names of the flags this change touches, computed once.
touched_flags contains name if {
	some name, _ in changes_by_flag
}

touched_flags contains change.flag if {
	some change in input.registry_changes
}

touched_flags contains name if {
	some change in input.cps_changes
	some section in cps_change_ids(change)
	some name in links_to[section]
}

# The section IDs a CPS change concerns: its head ID and, when renumbered,
# its base ID.
cps_change_ids(change) := {change.section, object.get(change, "old_section", "")} - {""}

# counts(r, f, s) holds when review r is part of this change and is a valid
# review of flag f against section s: a valid verdict, vouched for (see
# vouched) and with no problem (see review_problems).
counts(review, name, section) if {
	review.new
	review.flag == name
	section in review.sections
	review.verdict in valid_verdicts
	vouched(review)
	count(review_problems(review)) == 0
}

# reviewed_in_change(f, s) holds when a review in this change names flag f
# and section s, whether or not it counts: the rules that ask for a review
# (missing_review, stale_review, unwatched_source) leave a review that exists
# but does not count to the rules that say why (self_review,
# unapproved_review, invalid_review, missing_review's verdict check,
# stale_review's hash check), so that each cause is reported once. Every
# review in this change that does not count is denied by one of those.
reviewed_in_change(name, section) if [name, section] in reviewed_pairs

# The [flag, section] pairs that reviews in this change name, computed once.
reviewed_pairs contains [review.flag, section] if {
	some review in new_reviews
	some section in review.sections
}

# Identity. A review in this change (attached to it, or added to the
# registry by it) is a claim made by the change's author, whatever person it
# names. It counts only when that person is a verified approver of the change
# other than its author: input.approvers holds the approvers that CI vouches
# for (on GitHub, approvals of the head commit by people with write access;
# elsewhere --approver). Reviews already in the registry at base stand.

# The change's author, lower-cased; "" when unknown.
author_id := lower(input.author)

# The verified approvers other than the author, lower-cased. Empty when the
# author is unknown: a change nobody can attribute has no independent
# approver.
verified_approvers contains id if {
	author_id != ""
	some approver in input.approvers
	id := lower(approver)
	id != author_id
}

# vouched(r): review r stands for the person it names.
vouched(review) if not review.new

vouched(review) if {
	review.new
	lower(review.reviewer) in verified_approvers
}

# by_author(r): review r, in this change, names the change's author.
by_author(review) if {
	review.new
	author_id != ""
	lower(review.reviewer) == author_id
}

# An identity as CI systems name people: a login or an e-mail address.
identity_pattern := `^[A-Za-z0-9][A-Za-z0-9._@+-]*(\[bot\])?$`

valid_identity(s) if {
	regex.match(identity_pattern, s)
	not lower(s) in placeholder_identities
}

# Values that a template left in place of a person.
placeholder_identities := {
	"your-name", "your_name", "yourname", "your-login", "reviewer", "name",
	"todo", "tbd", "fixme", "xxx", "someone", "somebody", "nobody", "unknown",
}

# The notes of the review block cpsgate prints for the author to fill in
# (output.ReviewBlock); left as they are, the review was not written.
template_notes := "How the flag's behaviour, on and off, matches these sections."

# The notes of the block printed for a configuration parameter.
template_parameter_notes := "How the parameter's values, in every environment, match these sections."

one_day_ns := ((24 * 60) * 60) * 1000000000

# review_problems(r): why review r in this change cannot be taken as written
# (a placeholder or malformed identity, the template's notes, a date after
# today or before the change could have been reviewed). Empty for a review
# from the registry at base.
review_problems(review) := {msg |
	review.new
	some kind in review_problem_kinds
	msg := review_problem(review, kind)
}

review_problem_kinds := ["reviewer", "notes", "future", "early"]

review_problem(review, "reviewer") := sprintf("names no reviewer (a login or e-mail address, as CI passes it to --approver), but %q", [review.reviewer]) if {
	not valid_identity(review.reviewer)
}

review_problem(review, "notes") := "keeps the template's notes: write what the reviewer found" if {
	trim_space(review.notes) in {template_notes, template_parameter_notes}
}

review_problem(review, "future") := sprintf("is dated %s, after today (%s)", [review.date, input.today]) if {
	review.date != ""
	object.get(input, "today", "") != ""
	time.parse_ns("2006-01-02", review.date) > time.parse_ns("2006-01-02", input.today) + one_day_ns
}

# A review attached to the change, or of a flag the change adds, reviews this
# change: it cannot predate the base commit. (A registry review the change
# adds for a flag that existed may record an earlier review.)
review_problem(review, "early") := sprintf("is dated %s, before this change's base commit (%s)%s", [review.date, input.base_date, early_reason(review)]) if {
	review.date != ""
	object.get(input, "base_date", "") != ""
	reviews_this_change(review)
	time.parse_ns("2006-01-02", review.date) < time.parse_ns("2006-01-02", input.base_date) - one_day_ns
}

reviews_this_change(review) if review.origin != "registry"

reviews_this_change(review) if {
	object.get(review, "parameter", "") == ""
	not input.flags[review.flag].in_base
}

reviews_this_change(review) if {
	object.get(review, "parameter", "") != ""
	not input.parameters[review.parameter].in_base
}

early_reason(review) := ", when the parameter did not exist yet" if {
	review.origin == "registry"
	object.get(review, "parameter", "") != ""
} else := ", when the flag did not exist yet" if {
	review.origin == "registry"
} else := ""

# covered(f, s) holds when any review, new or old and whatever its verdict,
# names flag f and section s.
covered(name, section) if [name, section] in covered_pairs

# The [flag, section] pairs that any review names, computed once.
covered_pairs contains [review.flag, section] if {
	some review in input.reviews
	some section in review.sections
}

# Every review, by the name of the flag it reviews: the index, computed once.
flag_reviews := {name: reviews |
	some name in {review.flag | some review in input.reviews}
	reviews := [review |
		some review in input.reviews
		review.flag == name
	]
}

# The hash of the text a link to section id covers: its own text and its
# subsections' (tree_hash; the section's own hash when it has none).
link_hash(id) := h if {
	h := object.get(input.sections[id], "tree_hash", "")
	h != ""
} else := input.sections[id].hash

# Kinds of CPS change that alter a section's own text or heading: a reworded
# heading is a change of what the section promises.
text_changes := {"modified", "retitled"}

# "file:line", or just "file" when the line is unknown.
location(file, line) := sprintf("%s:%d", [file, line]) if line > 0

else := file

# The section's ID with its title, e.g. `4.9.12 "Special requirements re key
# compromise"`, or the bare ID when the section is unknown.
section_label(id) := sprintf("%s %q", [id, input.sections[id].title]) if input.sections[id].title != ""

else := id

# A short description of a flag change, e.g. "enabled in deploy/prod.json",
# or "changed from 398 to 397 in prod".
describe_change(change) := sprintf("changed from %s to %s in %s", [value_text(object.get(change, "old", "")), value_text(object.get(change, "new", "")), where]) if {
	change.change == "changed"
	where := object.get(change, "environment", change.file)
	where != ""
} else := sprintf("%s in %s", [change.change, where]) if {
	change.change in {"enabled", "disabled"}
	where := object.get(change, "environment", change.file)
	where != ""
} else := sprintf("modified (%s) in %s", [concat(", ", change.fields), location(change.file, change.line)]) if {
	change.change == "modified"
	count(object.get(change, "fields", [])) > 0
} else := sprintf("%s in %s", [change.change, location(change.file, change.line)])

# A changed value as a message shows it: quoted, or "(unset)" when absent.
value_text(v) := "(unset)" if v == ""

else := sprintf("%q", [v])

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

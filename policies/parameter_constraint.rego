package cpsgate

# Configuration parameters (input.parameters): values the CPS states bounds
# for. Numbers are normalized (durations in seconds, sizes in bytes); each
# value's `effective` is what the bounds apply to (one second more than the
# configured duration for an inclusive validity period). A constraint comes
# from the head or the base registry (both apply), and a min or max bound is
# a literal, the values of another parameter (a relation), or a number the
# CPS text states (cps_value).

# METADATA
# title: parameter_constraint
# description: >-
#   A value of a configuration parameter is outside a bound its registry
#   entry states (min, max, one_of, pattern, a relation to another parameter,
#   or a number the CPS states), in a way the change causes: a new or changed
#   value, a new bound, or a CPS edit that moves it. A review does not
#   resolve it: the value or the CPS must change.
# custom:
#   enforces: >-
#     CA/Browser Forum Baseline Requirements §4.9.7 (CRL validity) and §6.3.2
#     (certificate validity periods); Mozilla Root Store Policy §3.3: practice
#     must match the CP/CPS
#   severity_when_untouched: warn
deny contains finding if {
	some v in head_violations
	not base_violated(v)
	finding := violation_finding(v)
}

# METADATA
# title: parameter_constraint
# description: >-
#   Pre-existing debt: a value that already violated the same bound at base,
#   in a change that changes neither.
# custom:
#   enforces: >-
#     CA/Browser Forum Baseline Requirements §4.9.7 and §6.3.2; Mozilla Root
#     Store Policy §3.3
warn contains finding if {
	some v in head_violations
	base_violated(v)
	finding := violation_finding(v)
}

# METADATA
# title: parameter_constraint
# description: >-
#   A bound bound to the CPS text (cps_value) cannot be read: the section is
#   gone, its text no longer matches the pattern, or the pattern matches
#   different numbers. The values cannot be checked against the CPS.
# custom:
#   enforces: >-
#     Mozilla Root Store Policy §3.3: practice must match the CP/CPS
#   severity_when_untouched: warn
deny contains finding if {
	some [name, j] in parameter_bound_errors
	c := input.parameters[name].constraints[j]
	cps_bound_broken_by_change(name, c)
	finding := cps_bound_finding(name, c)
}

# METADATA
# title: parameter_constraint
# description: >-
#   Pre-existing debt: a CPS-bound bound that could not be read at base
#   either, in a change that does not touch the parameter.
# custom:
#   enforces: >-
#     Mozilla Root Store Policy §3.3: practice must match the CP/CPS
warn contains finding if {
	some [name, j] in parameter_bound_errors
	c := input.parameters[name].constraints[j]
	not cps_bound_broken_by_change(name, c)
	finding := cps_bound_finding(name, c)
}

# METADATA
# title: parameter_constraint
# description: >-
#   An active parameter has no value in any configuration file its entry
#   names, or a relation names a parameter without values: nothing can be
#   checked, so the check fails closed.
# custom:
#   enforces: >-
#     Mozilla Root Store Policy §3.3: practice must match the CP/CPS
#   severity_when_untouched: warn
deny contains finding if {
	some name in unverifiable_candidates
	some msg in unverifiable(name)
	p := input.parameters[name]
	not unverifiable_at_base(name)
	finding := {
		"rule": "parameter_constraint",
		"parameter": name,
		"file": p.file,
		"line": p.line,
		"message": msg,
	}
}

# METADATA
# title: parameter_constraint
# description: >-
#   Pre-existing debt: an active parameter that had no value at base either.
# custom:
#   enforces: >-
#     Mozilla Root Store Policy §3.3: practice must match the CP/CPS
warn contains finding if {
	some name in unverifiable_candidates
	some msg in unverifiable(name)
	p := input.parameters[name]
	unverifiable_at_base(name)
	finding := {
		"rule": "parameter_constraint",
		"parameter": name,
		"file": p.file,
		"line": p.line,
		"message": msg,
	}
}

# unverifiable_at_base(name): the parameter was in the base registry without
# a value at base, and the change adds none.
unverifiable_at_base(name) if {
	p := input.parameters[name]
	p.in_base
	count(p.base_values) == 0
	count(p.values) == 0
}

numeric_parameter_types := {"duration", "integer", "number", "size"}

# Every violation at head, computed once: [name, value index, constraint
# index, bound] (the bound as a number, or the constraint's text).
#
# Only the constraints that parameter_checks names are checked value by
# value (a min or max with a fixed bound only when the range of the values
# crosses it): at 1,000 parameters set in 500 files, a pass over every value
# and constraint is what takes the time.
head_violations contains [name, i, j, bound] if {
	some check in parameter_checks
	[name, j] := check
	p := input.parameters[name]
	c := p.constraints[j]
	some i, v in p.values
	bound := violated_bound(p.type, v, c, "head")
}

# base_violated(v) holds when the same value (file, key path and value) of
# the parameter violated the same constraint, with the same bound, at base.
base_violated([name, i, j, bound]) if {
	p := input.parameters[name]
	v := p.values[i]
	c := p.constraints[j]
	some bv in p.base_values
	bv.file == v.file
	bv.path == v.path
	bv.text == v.text
	bv.effective == v.effective
	violated_bound(p.type, bv, c, "base") == bound
}

# violated_bound(type, v, c, side) is the bound of constraint c that value v
# of a parameter of the type violates at side ("head" or "base"); undefined
# when it holds. (The functions here take a parameter's name or fields, not
# the parameter: a function's arguments are hashed, and hashing a parameter
# would read all its values.)
violated_bound(_, v, c, side) := b if {
	c.kind in {"min", "max"}
	b := bound_number(v, c, side)
	out_of_bound(v.effective, c.kind, b, c.exclusive)
}

violated_bound(type, v, c, _) := c.text if {
	c.kind == "one_of"
	type in numeric_parameter_types
	not v.number in {n | some n in c.numbers}
}

violated_bound(type, v, c, _) := c.text if {
	c.kind == "one_of"
	not type in numeric_parameter_types
	not v.string in {s | some s in c.strings}
}

violated_bound(type, v, c, _) := c.text if {
	c.kind == "pattern"
	type == "string"
	not regex.match(c.pattern, v.string)
}

out_of_bound(x, "min", b, false) if x < b

out_of_bound(x, "min", b, true) if x <= b

out_of_bound(x, "max", b, false) if x > b

out_of_bound(x, "max", b, true) if x >= b

# The number a min or max bound stands for at side: a literal's value, the
# CPS's number (when it could be read), or for a relation the extreme value
# of the other parameter (min: its largest, max: its smallest) in the same
# environment as v, or in all environments when it has none there.
bound_number(_, c, "head") := c.number if {
	c.source in {"literal", "cps"}
	c.error == ""
}

bound_number(_, c, "base") := c.base_number if {
	c.source in {"literal", "cps"}
	c.in_base
	c.base_error == ""
}

bound_number(v, c, side) := max(vals) if {
	c.source == "parameter"
	c.kind == "min"
	vals := relation_values(v, c, side)
	count(vals) > 0
}

bound_number(v, c, side) := min(vals) if {
	c.source == "parameter"
	c.kind == "max"
	vals := relation_values(v, c, side)
	count(vals) > 0
}

relation_values(v, c, side) := same if {
	same := [x.effective | some x in side_values(c.parameter, side); x.environment == v.environment]
	count(same) > 0
} else := [x.effective | some x in side_values(c.parameter, side)]

side_values(name, "head") := object.get(input.parameters, [name, "values"], [])

side_values(name, "base") := object.get(input.parameters, [name, "base_values"], [])

violation_finding([name, i, j, bound]) := {
	"rule": "parameter_constraint",
	"parameter": name,
	"section": object.get(c, "section", ""),
	"file": v.file,
	"line": v.line,
	"message": sprintf("parameter %s is %s at %s in %s%s, which %s", [
		name, value_label(p.type, object.get(p, "inclusive_validity", false), v), v.path, v.file, template_note(v),
		violation_reason(p.type, c, bound),
	]),
} if {
	p := input.parameters[name]
	v := p.values[i]
	c := p.constraints[j]
}

# How a value reads in a message: the text, and for a validity period the
# period it gives.
value_label(type, inclusive, v) := sprintf("%q (%s; with an inclusive end, a validity period of %s)", [v.text, seconds_label(v.number), seconds_label(v.effective)]) if {
	inclusive == true
} else := sprintf("%q (%s)", [v.text, seconds_label(v.number)]) if {
	type == "duration"
} else := sprintf("%q", [v.text])

template_note(v) := sprintf(" (written %s, from %s)", [v.template, concat(", ", v.vars)]) if v.template != ""

else := ""

seconds_label(s) := sprintf("%vs = %v days", [s, s / 86400]) if {
	s >= 86400
} else := sprintf("%vs", [s])

violation_reason(type, c, bound) := sprintf("is %s %s%s", [
	bound_relation(c), bound_label(type, bound), bound_origin(c),
]) if c.kind in {"min", "max"}

violation_reason(_, c, _) := sprintf("is not one of the allowed values (%s)", [c.text]) if c.kind == "one_of"

violation_reason(_, c, _) := sprintf("does not match the pattern %q", [c.pattern]) if c.kind == "pattern"

bound_relation(c) := "below the minimum" if {
	c.kind == "min"
	not c.exclusive
} else := "at or below the exclusive minimum" if {
	c.kind == "min"
} else := "above the maximum" if {
	not c.exclusive
} else := "at or above the exclusive maximum"

bound_label(type, b) := seconds_label(b) if type == "duration"

else := sprintf("%v bytes", [b]) if type == "size"

else := sprintf("%v", [b])

bound_origin(c) := sprintf(" that CPS section %s states (%q)", [section_label(c.section), c.text]) if c.source == "cps"

else := sprintf(" (the values of parameter %s in the same environment, or in all environments when it has none there)", [c.parameter]) if c.source == "parameter"

else := sprintf(" (%s in the registry)", [c.text])

# cps_bound_broken_by_change(name, c): the CPS-bound bound c could be read at
# base (or did not exist there), or the change touches the parameter's values.
cps_bound_broken_by_change(_, c) if not c.in_base

cps_bound_broken_by_change(_, c) if c.base_error == ""

cps_bound_broken_by_change(name, _) if {
	some change in object.get(input, "parameter_changes", [])
	change.parameter == name
}

cps_bound_finding(name, c) := {
	"rule": "parameter_constraint",
	"parameter": name,
	"section": c.section,
	"file": c.file,
	"line": c.line,
	"message": sprintf("parameter %s: its %s bound is bound to the CPS text, but %s; its values cannot be checked against the CPS", [name, c.kind, c.error]),
}

# The parameters whose values may be impossible to check (unverifiable):
# those without values at head, and those bound by a relation.
unverifiable_candidates := valueless_parameters | {name | some name, _ in parameter_relations}

# unverifiable(name): why the values of parameter name cannot be checked.
unverifiable(name) := no_value(name) | unbound_relations(name)

no_value(name) := {sprintf("parameter %s is active, but no configuration file its config: entries name has a value for it: check the globs and key paths, or set its status", [name])} if {
	p := input.parameters[name]
	p.registered
	p.status == "active"
	count(p.values) == 0
} else := set()

unbound_relations(name) := {msg |
	p := input.parameters[name]
	count(p.values) > 0
	some j in object.get(parameter_relations, name, [])
	c := p.constraints[j]
	count(side_values(c.parameter, "head")) == 0
	msg := sprintf("parameter %s is bound by parameter %s, which has no value at head: the relation cannot be checked", [name, c.parameter])
}

package cpsgate_test

import data.cpsgate

# A duration parameter with one value in deploy/prod, checked against a
# maximum of 90 days that CPS section 4.3.1 states.
pvalue(file, text, number, effective) := {
	"file": file, "line": 5, "path": "ca.max", "environment": "deploy/prod", "text": text,
	"template": "", "vars": [], "number": number, "effective": effective, "string": "", "bool": false,
}

cps_max(number, base_number, err) := {
	"kind": "max", "source": "cps", "exclusive": false, "number": number, "base_number": base_number,
	"text": "at most 90 days", "parameter": "", "section": "4.3.1", "pattern": "at most (\\d+) days",
	"error": err, "base_error": "", "numbers": [], "strings": [], "in_base": true,
	"file": "flags/registry.yaml", "line": 30,
}

validity(values, base_values, constraints) := {
	"name": "ca.max", "type": "duration", "status": "active", "registered": true, "in_base": true,
	"description": "", "cps": ["4.3.1"], "base_cps": ["4.3.1"], "base_type": "duration",
	"inclusive_validity": true, "file": "flags/registry.yaml", "line": 20,
	"values": values, "base_values": base_values, "constraints": constraints,
}

param_input(params, changes) := object.union(base_input, {"parameters": params, "parameter_changes": changes})

changed(name, old, new) := {
	"parameter": name, "change": "changed", "old": old, "new": new,
	"file": "deploy/prod/ca.yaml", "line": 5, "path": "ca.max", "environment": "deploy/prod",
}

test_inclusive_validity_one_second_over_is_denied if {
	inp := param_input(
		{"ca.max": validity(
			[pvalue("deploy/prod/ca.yaml", "7776000s", 7776000, 7776001)],
			[pvalue("deploy/prod/ca.yaml", "7775999s", 7775999, 7776000)],
			[cps_max(7776000, 7776000, "")],
		)},
		[changed("ca.max", "7775999s", "7776000s")],
	)
	some f in cpsgate.deny with input as inp
	f.rule == "parameter_constraint"
	f.parameter == "ca.max"
	f.file == "deploy/prod/ca.yaml"
	f.line == 5
	contains(f.message, "above the maximum 7776000s = 90 days that CPS section 4.3.1")
}

test_exactly_at_the_maximum_passes if {
	inp := param_input(
		{"ca.max": validity(
			[pvalue("deploy/prod/ca.yaml", "7775999s", 7775999, 7776000)],
			[pvalue("deploy/prod/ca.yaml", "7775999s", 7775999, 7776000)],
			[cps_max(7776000, 7776000, "")],
		)},
		[],
	)
	count({f | some f in cpsgate.deny; f.rule == "parameter_constraint"}) == 0 with input as inp
	count({f | some f in cpsgate.warn; f.rule == "parameter_constraint"}) == 0 with input as inp
}

test_exclusive_maximum_denies_the_bound_itself if {
	c := object.union(cps_max(7776000, 7776000, ""), {"exclusive": true})
	v := pvalue("deploy/prod/ca.yaml", "7775999s", 7775999, 7776000)
	inp := param_input({"ca.max": validity([v], [], [c])}, [])
	some f in cpsgate.deny with input as inp
	contains(f.message, "at or above the exclusive maximum")
}

test_violation_already_at_base_is_a_warning if {
	v := pvalue("deploy/prod/ca.yaml", "7776000s", 7776000, 7776001)
	inp := param_input({"ca.max": validity([v], [v], [cps_max(7776000, 7776000, "")])}, [])
	count({f | some f in cpsgate.deny; f.rule == "parameter_constraint"}) == 0 with input as inp
	some w in cpsgate.warn with input as inp
	w.rule == "parameter_constraint"
}

test_cps_edit_that_lowers_the_bound_is_denied if {
	# The value did not change, but the CPS now states 30 days.
	v := pvalue("deploy/prod/ca.yaml", "7775999s", 7775999, 7776000)
	inp := param_input({"ca.max": validity([v], [v], [cps_max(2592000, 7776000, "")])}, [])
	some f in cpsgate.deny with input as inp
	f.rule == "parameter_constraint"
	contains(f.message, "2592000s = 30 days")
}

test_cps_text_no_longer_matching_is_denied if {
	v := pvalue("deploy/prod/ca.yaml", "7775999s", 7775999, 7776000)
	inp := param_input({"ca.max": validity([v], [v], [cps_max(0, 7776000, "the text no longer matches")])}, [])
	some f in cpsgate.deny with input as inp
	f.rule == "parameter_constraint"
	f.section == "4.3.1"
	contains(f.message, "the text no longer matches")
}

test_cps_text_broken_at_base_too_only_warns_when_untouched if {
	v := pvalue("deploy/prod/ca.yaml", "7775999s", 7775999, 7776000)
	c := object.union(cps_max(0, 0, "gone"), {"base_error": "gone"})
	inp := param_input({"ca.max": validity([v], [v], [c])}, [])
	count({f | some f in cpsgate.deny; f.rule == "parameter_constraint"}) == 0 with input as inp
	some w in cpsgate.warn with input as inp
	w.rule == "parameter_constraint"

	# Touched: denied.
	inp2 := param_input({"ca.max": validity([v], [v], [c])}, [changed("ca.max", "7775998s", "7775999s")])
	some f in cpsgate.deny with input as inp2
	f.rule == "parameter_constraint"
}

# The relation: the CRL updater's certificate lifetime is at least the
# longest certificate validity, in the same environment.
lookback(text, number) := object.union(
	validity([object.union(pvalue("deploy/prod/crl.yaml", text, number, number), {"path": "crl.certificateLifetime"})], [], [{
		"kind": "min", "source": "parameter", "exclusive": false, "number": 0, "base_number": 0, "text": "",
		"parameter": "ca.max", "section": "", "pattern": "", "error": "", "base_error": "", "numbers": [], "strings": [],
		"in_base": true, "file": "flags/registry.yaml", "line": 40,
	}]),
	{"name": "crl.lifetime", "inclusive_validity": false},
)

profiles := validity(
	[
		object.union(pvalue("deploy/prod/ca.yaml", "7775999s", 7775999, 7776000), {"path": "profiles.default.max"}),
		object.union(pvalue("deploy/prod/ca.yaml", "160h", 576000, 576001), {"path": "profiles.short.max"}),
		object.union(pvalue("deploy/staging/ca.yaml", "9000000s", 9000000, 9000001), {"environment": "deploy/staging"}),
	],
	[], [],
)

test_relation_swapped_template_is_denied if {
	inp := param_input({"ca.max": profiles, "crl.lifetime": lookback("216h", 777600)}, [])
	some f in cpsgate.deny with input as inp
	f.rule == "parameter_constraint"
	f.parameter == "crl.lifetime"
	contains(f.message, "below the minimum 7776000s = 90 days (the values of parameter ca.max")
}

test_relation_holds_in_the_same_environment if {
	# 2160h covers the production profiles; staging's longer one is not compared.
	inp := param_input({"ca.max": profiles, "crl.lifetime": lookback("2160h", 7776000)}, [])
	count({f | some f in cpsgate.deny; f.parameter == "crl.lifetime"}) == 0 with input as inp
}

test_relation_without_values_fails_closed if {
	empty := object.union(profiles, {"values": [], "status": "proposed"})
	inp := param_input({"ca.max": empty, "crl.lifetime": lookback("2160h", 7776000)}, [])
	some f in cpsgate.deny with input as inp
	f.parameter == "crl.lifetime"
	contains(f.message, "which has no value at head")
}

test_active_parameter_without_values_is_denied if {
	inp := param_input({"ca.max": validity([], [pvalue("deploy/prod/ca.yaml", "1s", 1, 2)], [])}, [])
	some f in cpsgate.deny with input as inp
	contains(f.message, "no configuration file its config: entries name has a value")
}

test_one_of_and_pattern if {
	strp := object.union(
		validity(
			[object.union(pvalue("deploy/prod/ca.yaml", "sha1", 0, 0), {"string": "sha1"})], [],
			[
				{"kind": "one_of", "source": "literal", "exclusive": false, "number": 0, "base_number": 0, "text": "sha256, sha384", "parameter": "", "section": "", "pattern": "", "error": "", "base_error": "", "numbers": [], "strings": ["sha256", "sha384"], "in_base": true, "file": "flags/registry.yaml", "line": 50},
				{"kind": "pattern", "source": "literal", "exclusive": false, "number": 0, "base_number": 0, "text": "^sha[0-9]{3}$", "parameter": "", "section": "", "pattern": "^sha[0-9]{3}$", "error": "", "base_error": "", "numbers": [], "strings": [], "in_base": true, "file": "flags/registry.yaml", "line": 51},
			],
		),
		{"type": "string", "inclusive_validity": false},
	)
	inp := param_input({"ca.hash": strp}, [])
	msgs := {f.message | some f in cpsgate.deny; f.rule == "parameter_constraint"} with input as inp
	count(msgs) == 2
	some m1 in msgs
	contains(m1, "is not one of the allowed values (sha256, sha384)")
	some m2 in msgs
	contains(m2, "does not match the pattern")
}

test_no_parameters_no_findings if {
	count({f | some f in cpsgate.deny; startswith(f.rule, "parameter_")}) == 0 with input as base_input
}

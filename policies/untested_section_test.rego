package cpsgate_test

import data.cpsgate

normative_input(extra) := object.union(
	object.union(base_input, {
		"sections": {"4.3.1": object.union(base_input.sections["4.3.1"], {"normative": true})},
		"cps_changes": [{"section": "4.3.1", "change": "modified", "title": "CA actions during certificate issuance", "file": "docs/cps.md", "line": 300}],
	}),
	extra,
)

test_untested_normative_section_warned if {
	inp := normative_input({})
	got := keys(cpsgate.warn) with input as inp
	got == {["untested_section", "", "4.3.1"]}
	count(cpsgate.deny) == 0 with input as inp
}

test_section_backed_by_flag_parameter_or_test if {
	every extra in [
		{"flags": {"A": registered_flag("A", ["4.3.1"])}, "reviews": [registry_review("A", "2024-01-01", ["4.3.1"])]},
		{"parameters": {"crl.lifetime": {"cps": ["4.3.1"]}}},
		{"tests": {"TestCAA": linked_test("TestCAA", ["4.3.1"], true)}},
	] {
		not "untested_section" in {f.rule | some f in cpsgate.warn with input as normative_input(extra)}
	}
}

test_informative_or_unchanged_section_not_warned if {
	informative := object.union(normative_input({}), {"sections": {"4.3.1": object.union(base_input.sections["4.3.1"], {"normative": false})}})
	not "untested_section" in {f.rule | some f in cpsgate.warn with input as informative}
	unchanged := object.union(normative_input({}), {"cps_changes": []})
	not "untested_section" in {f.rule | some f in cpsgate.warn with input as unchanged}
}

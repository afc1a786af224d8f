package cpsgate

# METADATA
# title: test_required
# description: >-
#   A CPS section whose entry in the registry's sections: part sets
#   requires_test (at base or head: a change cannot drop the requirement it
#   is checked against) has at least one test linked to it at head.
# custom:
#   enforces: >-
#     CA/Browser Forum Baseline Requirements §8: the CA verifies its
#     compliance; the CA's own marking of commitments that need automated
#     evidence (such as the CAA check of BR §3.2.2.8)
deny contains finding if {
	some req in object.get(input, "test_requirements", [])
	input.sections[req.section]
	not tested_at_head(req.section)
	finding := {
		"rule": "test_required",
		"section": req.section,
		"file": req.file,
		"line": req.line,
		"message": sprintf(
			"CPS section %s requires a test (requires_test in the registry's sections:), and no test is linked to it: add `// cps: %s` to the doc comment of a test that checks it, or a test-name pattern to the section's entry",
			[section_label(req.section), req.section],
		),
	}
}

# tested_at_head(s): a test at head is linked to section s.
tested_at_head(section) if section in tested_sections

# The sections that tests at head are linked to, computed once.
tested_sections contains section if {
	some t in object.get(input, "tests", {})
	t.in_head
	some section in t.sections
}

package cpsgate

# METADATA
# title: test_link
# description: >-
#   A test at head is linked (by a `// cps:` line, or a pattern of the
#   registry's sections: part) to a section that is not in the CPS, or the
#   registry requires a test for such a section: a typo or a stale number,
#   so the evidence is filed under nothing.
# custom:
#   enforces: >-
#     CA/Browser Forum Baseline Requirements §8: the CA verifies its
#     compliance; the record of which test backs which commitment must name
#     commitments that exist
deny contains finding if {
	some id, t in object.get(input, "tests", {})
	t.in_head
	some link in t.links
	not input.sections[link.section]
	finding := {
		"rule": "test_link",
		"flag": id,
		"section": link.section,
		"file": link.file,
		"line": link.line,
		"message": sprintf("test %s is linked (%s) to CPS section %s, which %s", [id, evidence_link_via(link), link.section, missing_section_reason(link.section)]),
	}
}

# METADATA
# title: test_link
# description: >-
#   The registry's sections: part requires a test for a section that is not
#   in the CPS.
# custom:
#   enforces: >-
#     CA/Browser Forum Baseline Requirements §8: the CA verifies its
#     compliance; the record of which test backs which commitment must name
#     commitments that exist
deny contains finding if {
	some req in object.get(input, "test_requirements", [])
	req.in_head
	not input.sections[req.section]
	finding := {
		"rule": "test_link",
		"section": req.section,
		"file": req.file,
		"line": req.line,
		"message": sprintf("the registry's sections: requires a test for CPS section %s, which %s", [req.section, missing_section_reason(req.section)]),
	}
}

evidence_link_via(link) := "by a // cps: comment" if link.via == "comment"

else := "by a test-name pattern of the registry's sections:"

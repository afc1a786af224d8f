package cpsgate_test

import data.cpsgate

with_links(id, links) := object.union(linked_test(id, [l.section | some l in links], true), {"links": links})

test_link_to_unknown_section_denied if {
	links := [{"section": "4.2.99", "via": "comment", "file": "ca/caa_test.go", "line": 11}]
	inp := object.union(base_input, {"tests": {"TestCAA": with_links("TestCAA", links)}})
	got := keys(cpsgate.deny) with input as inp
	got == {["test_link", "TestCAA", "4.2.99"]}
	some f in cpsgate.deny with input as inp
	f.message == "test TestCAA is linked (by a // cps: comment) to CPS section 4.2.99, which does not exist in the CPS"
	f.line == 11
}

test_link_by_pattern_to_unknown_section_denied if {
	links := [{"section": "4.2.99", "via": "registry", "file": "flags/registry.yaml", "line": 30}]
	inp := object.union(base_input, {"tests": {"TestCAA": with_links("TestCAA", links)}})
	got := keys(cpsgate.deny) with input as inp
	got == {["test_link", "TestCAA", "4.2.99"]}
}

test_link_to_known_section_passes if {
	links := [{"section": "4.3.1", "via": "comment", "file": "ca/caa_test.go", "line": 11}]
	inp := object.union(base_input, {"tests": {"TestCAA": with_links("TestCAA", links)}})
	count(cpsgate.deny) == 0 with input as inp
}

test_link_removed_test_not_checked if {
	links := [{"section": "4.2.99", "via": "comment", "file": "ca/caa_test.go", "line": 11}]
	inp := object.union(base_input, {"tests": {"TestCAA": object.union(with_links("TestCAA", links), {"in_head": false})}})
	count(cpsgate.deny) == 0 with input as inp
}

test_link_requirement_of_unknown_section_denied if {
	inp := object.union(base_input, {"test_requirements": [requirement("9.9")]})
	got := keys(cpsgate.deny) with input as inp
	got == {["test_link", "", "9.9"]}
}

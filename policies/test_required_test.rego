package cpsgate_test

import data.cpsgate

requirement(section) := {"section": section, "in_base": true, "in_head": true, "file": "flags/registry.yaml", "line": 40}

linked_test(id, sections, in_head) := {
	"id": id, "name": id, "package": "ca", "file": "ca/caa_test.go", "line": 12, "in_base": true,
	"in_head": in_head, "skipped": false, "sections": sections, "base_sections": sections, "links": [],
}

test_required_without_test_denied if {
	inp := object.union(base_input, {"test_requirements": [requirement("4.3.1")]})
	got := keys(cpsgate.deny) with input as inp
	got == {["test_required", "", "4.3.1"]}
}

test_required_with_test_passes if {
	inp := object.union(base_input, {"test_requirements": [requirement("4.3.1")], "tests": {"TestCAA": linked_test("TestCAA", ["4.3.1"], true)}})
	count(cpsgate.deny) == 0 with input as inp
}

test_required_test_only_at_base_denied if {
	inp := object.union(base_input, {"test_requirements": [requirement("4.3.1")], "tests": {"TestCAA": linked_test("TestCAA", ["4.3.1"], false)}})
	found := keys(cpsgate.deny) with input as inp
	["test_required", "", "4.3.1"] in found
}

test_required_unknown_section_left_to_test_link if {
	inp := object.union(base_input, {"test_requirements": [requirement("9.9")]})
	found := keys(cpsgate.deny) with input as inp
	not ["test_required", "", "9.9"] in found
}

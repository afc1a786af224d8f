package cpsgate_test

import data.cpsgate

test_cps_version_bump_warns if {
	inp := object.union(base_input, {"cps_version_changes": [
		{"repo": "ca/cps", "path": "CPS.md", "old_ref": "v1", "ref": "v2", "file": ".cpsgate.yaml", "line": 2},
	]})
	count({f | some f in cpsgate.deny; f.rule == "cps_version_changed"}) == 0 with input as inp
	{f.line | some f in cpsgate.warn; f.rule == "cps_version_changed"} == {2} with input as inp
}

test_cps_unpinned_denies if {
	inp := object.union(base_input, {"cps_version_changes": [
		{"repo": "ca/cps", "path": "CPS.md", "old_ref": "v1", "ref": "", "file": ".cpsgate.yaml", "line": 2},
	]})
	{f.rule | some f in cpsgate.deny} == {"cps_version_changed"} with input as inp
}

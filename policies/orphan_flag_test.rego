package cpsgate_test

import data.cpsgate

test_orphan_flag_warned if {
	orphan := object.union(registered_flag("Gone", ["4.3.1"]), {"sources": []})
	inp := object.union(base_input, {"flags": {"Gone": orphan}})
	{[f.rule, f.flag] | some f in cpsgate.warn with input as inp} & {["orphan_flag", "Gone"]} == {["orphan_flag", "Gone"]}
	count(cpsgate.deny) == 0 with input as inp
}

test_removed_or_declared_flag_not_orphan if {
	removed := object.union(registered_flag("Gone", ["4.3.1"]), {"sources": [], "status": "removed"})
	inp := object.union(base_input, {"flags": {"Gone": removed, "Here": registered_flag("Here", ["4.3.1"])}})
	not "orphan_flag" in {f.rule | some f in cpsgate.warn with input as inp}
}

package cpsgate_test

import data.cpsgate

test_policy_changed if {
	inp := object.union(base_input, {"policy_changes": [
		{"file": ".cpsgate.yaml", "kind": "config", "change": "modified"},
		{"file": "policy/new.rego", "kind": "policy", "change": "added"},
		{"file": "policy/old.rego", "kind": "policy", "change": "removed"},
	]})
	{f.file | some f in cpsgate.deny} == {".cpsgate.yaml", "policy/old.rego"} with input as inp
	{f.file | some f in cpsgate.warn} == {"policy/new.rego"} with input as inp
	keys(cpsgate.deny) == {["policy_changed", "", ""]} with input as inp
}

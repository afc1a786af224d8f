package cpsgate_test

import data.cpsgate

# A change by dave, approved by alice, bob and carol, to a head with two CPS
# sections and nothing else; tests add what they need
# with object.union.
base_input := {
	"base": "base",
	"head": "WORKTREE",
	"author": "dave",
	"approvers": ["alice", "bob", "carol"],
	"config": ".cpsgate.yaml",
	"registry": "flags/registry.yaml",
	"sections": {
		"4.3.1": {"id": "4.3.1", "title": "CA actions during certificate issuance", "level": 3, "file": "docs/cps.md", "line": 300, "anchor": "431-ca-actions-during-certificate-issuance", "hash": "sha256:431"},
		"4.9.12": {"id": "4.9.12", "title": "Special requirements re key compromise", "level": 3, "file": "docs/cps.md", "line": 610, "anchor": "4912-special-requirements-re-key-compromise", "hash": "sha256:4912"},
	},
	"flags": {},
	"flag_changes": [],
	"cps_changes": [],
	"reviews": [],
	"registry_changes": [],
	"policy_changes": [],
	"source_changes": [],
}

# A registered, active flag with its entry at flags/registry.yaml:7.
registered_flag(name, sections) := {
	"name": name, "registered": true, "in_base": true, "in_head": true,
	"status": "active", "cps": sections, "no_cps_impact": "", "description": "",
	"file": "flags/registry.yaml", "line": 7,
	"sources": [{"kind": "go-struct", "file": "features/features.go", "line": 10}],
}

# A review attached to the change.
pr_review(name, reviewer, sections) := {
	"flag": name, "sections": sections, "reviewer": reviewer, "date": "", "verdict": "compliant",
	"cps_version": "", "section_hashes": {}, "ref": "", "origin": "pr-body", "new": true,
	"file": "PR", "line": 3,
}

# A registry review that existed at base.
registry_review(name, date, sections) := object.union(pr_review(name, "alice", sections), {
	"date": date, "origin": "registry", "new": false, "file": "flags/registry.yaml", "line": 9,
})

# The [rule, flag, section] of each finding in a set, for compact assertions.
keys(findings) := {[f.rule, object.get(f, "flag", ""), object.get(f, "section", "")] | some f in findings}

test_touched_by_flag_change if {
	inp := object.union(base_input, {"flag_changes": [{"flag": "A", "change": "enabled", "file": "deploy/prod.json", "line": 2}]})
	cpsgate.touched("A") with input as inp
	not cpsgate.touched("B") with input as inp
}

test_touched_by_registry_change if {
	inp := object.union(base_input, {"registry_changes": [{"flag": "A", "change": "review_removed", "detail": "", "file": "flags/registry.yaml", "line": 9}]})
	cpsgate.touched("A") with input as inp
}

test_touched_by_linked_section_change if {
	inp := object.union(base_input, {
		"flags": {"A": registered_flag("A", ["4.9.9"]), "B": registered_flag("B", ["4.3.1"])},
		"cps_changes": [{"section": "4.9.12", "old_section": "4.9.9", "change": "renumbered", "title": "", "file": "docs/cps.md", "line": 610}],
	})
	cpsgate.touched("A") with input as inp
	not cpsgate.touched("B") with input as inp
}

test_counts_needs_new_valid_review if {
	cpsgate.counts(pr_review("A", "bob", ["4.3.1"]), "A", "4.3.1") with input as base_input
	not cpsgate.counts(pr_review("A", "bob", ["4.3.1"]), "A", "4.9.12") with input as base_input
	not cpsgate.counts(pr_review("A", "bob", ["4.3.1"]), "B", "4.3.1") with input as base_input
	not cpsgate.counts(registry_review("A", "2024-01-01", ["4.3.1"]), "A", "4.3.1") with input as base_input
	not cpsgate.counts(object.union(pr_review("A", "bob", ["4.3.1"]), {"verdict": "ok"}), "A", "4.3.1") with input as base_input
}

test_counts_needs_a_verified_approver_other_than_the_author if {
	review := pr_review("A", "Bob", ["4.3.1"])
	cpsgate.counts(review, "A", "4.3.1") with input as base_input
	not cpsgate.counts(review, "A", "4.3.1") with input as object.union(base_input, {"approvers": ["alice"]})
	not cpsgate.counts(review, "A", "4.3.1") with input as object.union(base_input, {"author": "bob"})
	not cpsgate.counts(review, "A", "4.3.1") with input as object.union(base_input, {"author": ""})
	not cpsgate.counts(object.union(review, {"reviewer": "YOUR-NAME"}), "A", "4.3.1") with input as object.union(base_input, {"approvers": ["your-name"]})
}

test_describe_change if {
	cpsgate.describe_change({"flag": "A", "change": "enabled", "environment": "prod", "file": "deploy/prod.json", "line": 2}) == "enabled in prod"
	cpsgate.describe_change({"flag": "A", "change": "added", "file": "features/features.go", "line": 42}) == "added in features/features.go:42"
	cpsgate.describe_change({"flag": "A", "change": "modified", "fields": ["cps", "status"], "file": "flags/registry.yaml", "line": 7}) == "modified (cps, status) in flags/registry.yaml:7"
	cpsgate.describe_change({"flag": "A", "change": "changed", "value_type": "number", "old": "398", "new": "397", "environment": "prod", "file": "limits.txt", "line": 1}) == `changed from "398" to "397" in prod`
	cpsgate.describe_change({"flag": "A", "change": "changed", "value_type": "duration", "new": "1h0m0s", "environment": "prod", "file": "limits.txt", "line": 1}) == `changed from (unset) to "1h0m0s" in prod`
}

test_missing_section_reason if {
	inp := object.union(base_input, {"cps_changes": [
		{"section": "4.9.12", "old_section": "4.9.9", "change": "renumbered", "title": "", "file": "docs/cps.md", "line": 610},
		{"section": "4.9.13", "change": "removed", "title": "", "file": "docs/cps.md", "line": 620},
	]})
	cpsgate.missing_section_reason("4.9.9") == "was renumbered to 4.9.12 in this change; update the link" with input as inp
	startswith(cpsgate.missing_section_reason("4.9.13"), "was removed") with input as inp
	cpsgate.missing_section_reason("9.9") == "does not exist in the CPS" with input as inp
}

package cpsgate_test

import data.cpsgate

# Bob's change enables Fast and names alice as the reviewer.
claimed := object.union(base_input, {
	"author": "bob",
	"approvers": [],
	"flags": {"Fast": registered_flag("Fast", ["4.3.1"])},
	"flag_changes": [{"flag": "Fast", "change": "enabled", "file": "deploy/prod.json", "line": 3, "environment": "prod", "path": "features"}],
	"reviews": [pr_review("Fast", "alice", ["4.3.1"])],
})

test_claim_without_approval_denied if {
	keys(cpsgate.deny) == {["unapproved_review", "Fast", ""]} with input as claimed
}

test_claim_with_approval_of_someone_else_denied if {
	keys(cpsgate.deny) == {["unapproved_review", "Fast", ""]} with input as object.union(claimed, {"approvers": ["carol"]})
}

test_claim_with_approval_counts if {
	count(cpsgate.deny) == 0 with input as object.union(claimed, {"approvers": ["Alice"]})
}

test_claim_message_names_who_must_approve if {
	some f in cpsgate.deny with input as object.union(claimed, {"approvers": ["carol"]})
	contains(f.message, "alice has not approved")
	contains(f.message, "--approver alice")
	contains(f.message, "verified approvers of this change are: carol")
}

# The author approving their own change vouches for nobody.
test_author_as_approver_vouches_for_nobody if {
	reviews := [pr_review("Fast", "bob", ["4.3.1"])]
	keys(cpsgate.deny) == {["self_review", "Fast", "4.3.1"]} with input as object.union(claimed, {"reviews": reviews, "approvers": ["bob", "BOB"]})
}

test_unknown_author_denied_even_with_approvers if {
	keys(cpsgate.deny) == {["unapproved_review", "Fast", ""]} with input as object.union(claimed, {"author": "", "approvers": ["alice"]})
}

# A registry review the change adds is a claim too; one already at base
# stands.
test_registry_review_added_is_a_claim if {
	added := object.union(pr_review("Fast", "alice", ["4.3.1"]), {"origin": "registry", "file": "flags/registry.yaml", "line": 12})
	keys(cpsgate.deny) == {["unapproved_review", "Fast", ""]} with input as object.union(claimed, {"reviews": [added]})
}

test_registry_review_at_base_stands if {
	old := object.union(pr_review("Fast", "alice", ["4.3.1"]), {"origin": "registry", "new": false})
	inp := object.union(claimed, {"flag_changes": [], "reviews": [old]})
	count(cpsgate.deny) == 0 with input as inp
}

# A claim that does not count still silences missing_review and stale_review:
# the cause is reported once, as unapproved_review.
test_unapproved_claim_reported_once if {
	inp := object.union(claimed, {"cps_changes": [{"section": "4.3.1", "change": "modified", "old_section": "", "title": "", "old_title": "", "hash": "sha256:431", "old_hash": "sha256:old", "file": "docs/cps.md", "line": 300}]})
	keys(cpsgate.deny) == {["unapproved_review", "Fast", ""]} with input as inp
}

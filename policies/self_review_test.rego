package cpsgate_test

import data.cpsgate

self_reviewed := object.union(base_input, {
	"author": "Bob",
	"approvers": [],
	"flags": {"Fast": registered_flag("Fast", ["4.3.1"])},
	"flag_changes": [{"flag": "Fast", "change": "added", "file": "features/features.go", "line": 10}],
	"reviews": [pr_review("Fast", "bob", ["4.3.1"])],
})

test_self_review_denied_without_other_approver if {
	keys(cpsgate.deny) == {["self_review", "Fast", "4.3.1"]} with input as object.union(self_reviewed, {"approvers": ["BOB"]})
}

# An approval by someone else does not turn the author's own review into
# theirs: the review must name the approver.
test_self_review_denied_with_other_approver if {
	keys(cpsgate.deny) == {["self_review", "Fast", "4.3.1"]} with input as object.union(self_reviewed, {"approvers": ["carol"]})
}

test_self_review_allowed_with_other_approved_reviewer if {
	reviews := array.concat(self_reviewed.reviews, [pr_review("Fast", "carol", ["4.3.1"])])
	count(cpsgate.deny) == 0 with input as object.union(self_reviewed, {"reviews": reviews, "approvers": ["carol"]})
}

test_self_review_other_reviewer_must_approve if {
	reviews := array.concat(self_reviewed.reviews, [pr_review("Fast", "carol", ["4.3.1"])])
	keys(cpsgate.deny) == {["self_review", "Fast", "4.3.1"], ["unapproved_review", "Fast", ""]} with input as object.union(self_reviewed, {"reviews": reviews})
}

# Without an author nothing can be attributed: every attached review is
# denied, so the missing author never passes.
test_self_review_without_author_is_unapproved if {
	keys(cpsgate.deny) == {["unapproved_review", "Fast", ""]} with input as object.union(self_reviewed, {"author": "", "approvers": ["bob"]})
}

package cpsgate_test

import data.cpsgate

self_reviewed := object.union(base_input, {
	"author": "Bob",
	"flags": {"Fast": registered_flag("Fast", ["4.3.1"])},
	"flag_changes": [{"flag": "Fast", "change": "added", "file": "features/features.go", "line": 10}],
	"reviews": [pr_review("Fast", "bob", ["4.3.1"])],
})

test_self_review_denied_without_other_approver if {
	keys(cpsgate.deny) == {["self_review", "Fast", "4.3.1"]} with input as object.union(self_reviewed, {"approvers": ["BOB"]})
}

test_self_review_allowed_with_other_approver if {
	count(cpsgate.deny) == 0 with input as object.union(self_reviewed, {"approvers": ["carol"]})
}

test_self_review_allowed_with_other_reviewer if {
	reviews := array.concat(self_reviewed.reviews, [pr_review("Fast", "carol", ["4.3.1"])])
	count(cpsgate.deny) == 0 with input as object.union(self_reviewed, {"reviews": reviews})
}

test_self_review_ignored_without_author if {
	count(cpsgate.deny) == 0 with input as object.union(self_reviewed, {"author": ""})
}

package cpsgate

# Tests as evidence (input.tests, input.test_changes): a Go test linked to
# CPS sections, by a `// cps: ID` line in its doc comment or a test-name
# pattern in the registry's sections: part, shows that the software keeps
# those commitments. A review of a test names the test's ID as its `flag`,
# and goes through the identity rules of lib.rego like any review.

# The test changes that take evidence away.
evidence_review_changes := {"removed", "renamed", "skipped", "unlinked"}

# METADATA
# title: test_review
# description: >-
#   A test linked to CPS sections that this change deletes, renames (or
#   moves to another package), skips (t.Skip, Skipf, SkipNow) or unlinks has
#   a counting review in this change of each section it was evidence for,
#   naming the test as its flag: the CA decides, on the record, that the
#   commitment stays kept without that evidence.
# custom:
#   enforces: >-
#     Mozilla Root Store Policy §3.3: CP/CPS must be kept consistent with
#     practice; CA/Browser Forum Baseline Requirements §8: the CA verifies
#     its compliance (evidence for each CPS commitment, such as the CAA
#     check of BR §3.2.2.8)
#   resolved_by: review
deny contains finding if {
	some change in object.get(input, "test_changes", [])
	change.change in evidence_review_changes
	some section in change.sections
	input.sections[section]
	not evidence_reviewed(change, section)
	finding := {
		"rule": "test_review",
		"flag": change.test,
		"section": section,
		"file": change.file,
		"line": change.line,
		"message": sprintf(
			"test %s %s; it is evidence for CPS section %s, and no counting review in this change names it: attach a `cps-review` block with `flag: %s` and `sections: [%q]`, reviewer someone other than the author who approves the change",
			[change.test, describe_evidence_change(change), section_label(section), change.test, section],
		),
	}
}

# evidence_reviewed(c, s): a review in this change that counts names the test of
# change c (its head or, renamed, its base ID) and section s.
evidence_reviewed(change, section) if {
	some review in new_reviews
	review.flag in ({change.test, object.get(change, "old_test", "")} - {""})
	counts(review, review.flag, section)
}

describe_evidence_change(change) := sprintf("was deleted (%s)", [location(change.file, change.line)]) if {
	change.change == "removed"
} else := sprintf("is the test %s renamed or moved (%s)", [change.old_test, location(change.file, change.line)]) if {
	change.change == "renamed"
} else := sprintf("now calls t.Skip (%s)", [location(change.file, change.line)]) if {
	change.change == "skipped"
} else := sprintf("is no longer linked to it (%s)", [location(change.file, change.line)])

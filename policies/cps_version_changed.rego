package cpsgate

# METADATA
# title: cps_version_changed
# description: >-
#   A change that only moves the pinned version (ref:) of a CPS kept in
#   another repository is a CPS change, not a policy change: the head is read
#   at the new version and the sections it changes are judged by the rules on
#   CPS changes (stale_review, unknown_section, moved_link), which deny until
#   every linked section it changes is reviewed in the change. This notes the
#   bump.
# custom:
#   enforces: >-
#     RFC 3647 §1.5.4 (CPS approval procedures): the software is held to the
#     CPS version in force, and a new version is checked against it
warn contains finding if {
	some bump in input.cps_version_changes
	bump.ref != ""
	finding := {
		"rule": "cps_version_changed",
		"file": bump.file,
		"line": bump.line,
		"message": sprintf(
			"the CPS %s of %s moves from %s to %s: this change is checked against %s (%d section changes); every flag linking a section it changes needs a review in this change",
			[bump.path, bump.repo, ref_label(bump.old_ref), bump.ref, bump.ref, count(input.cps_changes)],
		),
	}
}

# METADATA
# title: cps_version_changed
# description: >-
#   Unpinning a CPS kept in another repository (removing its ref:) would let
#   the CPS change under the software with no check: that is a change to the
#   gate itself, which needs a separate, approved change.
# custom:
#   enforces: >-
#     cpsgate design: a change must not relax the gate that judges it
deny contains finding if {
	some bump in input.cps_version_changes
	bump.ref == ""
	finding := {
		"rule": "cps_version_changed",
		"file": bump.file,
		"line": bump.line,
		"message": sprintf(
			"the CPS %s of %s is no longer pinned (ref: %s removed): it would be read from whatever the clone holds; keep a ref:, or make this a separate, approved change",
			[bump.path, bump.repo, bump.old_ref],
		),
	}
}

ref_label(ref) := ref if ref != ""

else := "the clone's work tree"

package cpsgate_test

import data.cpsgate

approved := object.union(base_input, {
	"author": "bob",
	"approvers": ["alice"],
	"today": "2026-03-10",
	"base_date": "2026-03-01",
	"flags": {"Fast": registered_flag("Fast", ["4.3.1"])},
	"flag_changes": [{"flag": "Fast", "change": "enabled", "file": "deploy/prod.json", "line": 3, "environment": "prod", "path": "features"}],
})

with_review(fields) := object.union(approved, {"reviews": [object.union(pr_review("Fast", "alice", ["4.3.1"]), fields)]})

test_valid_review_counts if {
	count(cpsgate.deny) == 0 with input as with_review({"date": "2026-03-05", "notes": "Checked on and off."})
}

test_invalid_reviews_denied if {
	every fields in [
		{"reviewer": "YOUR-NAME"},
		{"reviewer": "your-name"},
		{"reviewer": ""},
		{"reviewer": " "},
		{"reviewer": "alice, bob"},
		{"reviewer": "alice\n"},
		{"notes": "How the flag's behaviour, on and off, matches these sections."},
		{"date": "2026-03-12"},
		{"date": "2027-01-01"},
		{"date": "2026-02-27"},
	] {
		keys(cpsgate.deny) == {["invalid_review", "Fast", ""]} with input as with_review(fields)
	}
}

# A day of slack either way for time zones.
test_dates_one_day_either_side_allowed if {
	every date in ["2026-02-28", "2026-03-11"] {
		count(cpsgate.deny) == 0 with input as with_review({"date": date})
	}
}

# A registry review the change adds for a flag that existed may record an
# earlier review; for a flag the change adds it may not.
test_early_registry_review if {
	old := {"date": "2025-01-01", "origin": "registry"}
	count(cpsgate.deny) == 0 with input as with_review(old)
	new_flag := object.union(approved.flags.Fast, {"in_base": false})
	inp := object.union(with_review(old), {"flags": {"Fast": new_flag}})
	keys(cpsgate.deny) == {["invalid_review", "Fast", ""]} with input as inp
}

test_invalid_review_message if {
	some f in cpsgate.deny with input as with_review({"reviewer": "YOUR-NAME", "date": "2027-01-01"})
	contains(f.message, `names no reviewer`)
	contains(f.message, "after today (2026-03-10)")
}

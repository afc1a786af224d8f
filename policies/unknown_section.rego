package cpsgate

# METADATA
# title: unknown_section
# description: >-
#   Every CPS section that a flag links, or that a review in this change names,
#   exists in the CPS. Denied when this change touches the flag (a renumbered
#   or removed section is reported as such) or adds the review.
# custom:
#   enforces: >-
#     RFC 3647 §3 (stable section numbering of a CP/CPS) / Mozilla Root Store
#     Policy §3.3: the practice-to-CPS mapping must point at text that exists
#   severity_when_untouched: warn
deny contains finding if {
	some finding in unknown_section_links
	touched(finding.flag)
}

# METADATA
# title: unknown_section
# description: >-
#   A review attached to or added by this change names a CPS section that
#   does not exist, so it cannot count as a review of that section.
# custom:
#   enforces: >-
#     RFC 3647 §3 (stable section numbering of a CP/CPS) / Mozilla Root Store
#     Policy §3.3: the practice-to-CPS mapping must point at text that exists
deny contains finding if {
	some finding in unknown_section_reviews
}

# METADATA
# title: unknown_section
# description: >-
#   Pre-existing debt: a flag links a CPS section that does not exist, in a
#   change that does not touch the flag.
# custom:
#   enforces: >-
#     RFC 3647 §3 (stable section numbering of a CP/CPS) / Mozilla Root Store
#     Policy §3.3: the practice-to-CPS mapping must point at text that exists
warn contains finding if {
	some finding in unknown_section_links
	not touched(finding.flag)
}

unknown_section_links contains finding if {
	some section, names in unknown_links
	some name in names
	flag := live(name)
	finding := {
		"rule": "unknown_section",
		"flag": name,
		"section": section,
		"file": flag.file,
		"line": flag.line,
		"message": sprintf(
			"flag %s links CPS section %s, which %s",
			[name, section, missing_section_reason(section)],
		),
	}
}

unknown_section_reviews contains finding if {
	some review in new_reviews
	some section in review.sections
	not input.sections[section]
	finding := {
		"rule": "unknown_section",
		"flag": review.flag,
		"section": section,
		"file": review.file,
		"line": review.line,
		"message": sprintf(
			"the review of flag %s names CPS section %s, which %s",
			[review.flag, section, missing_section_reason(section)],
		),
	}
}

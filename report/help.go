package report

// CommandHelp is the long help of `cpsgate report`.
const CommandHelp = `report walks the first-parent history of a branch over a period and writes the
report a Policy Management Authority reviews: every flag added, removed,
modified, enabled or disabled and every CPS section added, removed, modified
or renumbered, each with the commit, date, author, pull request and the
review that covers it; per flag its status, links and last review (stale
when the section text changed since); the CPS sections changed with the
flags that need re-review; the unreviewed changes; a traceability matrix
(section x flag); and the CPS sections no flag links. A period that contains
the commit adopting cpsgate starts from the state it left: what was present
at adoption is the inventory, not changes (--config-rev REF reads every
commit with the configuration at REF, to report on history before adoption).

--from and --to are dates (YYYY-MM-DD, UTC, both days included) or git refs
(--from is then the last commit before the period, as in FROM..TO). With
dates, the history walked is that of --branch (default HEAD); with a ref as
--to, that of the ref.

A change counts as reviewed when a review of the flag covering each section
it links is recorded in the same commit or a later one of the period: in the
flag registry, or in the commit message (a squash merge carries the PR
description: cps-review blocks and "CPS Compliance Review:" paragraphs).

Formats: md (GitHub markdown), html (self-contained, printable), json
(documented in report/README.md), csv (the events), matrix-csv (the
section x flag matrix) and traceability-csv (each normative or linked
section with its flags, parameters, tests and reviews). The traceability
matrix lists the Go tests of go-test sources linked to each section, with
their last result when --test-results names a file of go test -json output,
and the coverage of the normative sections (MUST, SHALL, REQUIRED). The report goes to stdout, or to -o FILE; the same
range always gives byte-identical output. Progress goes to stderr when it is
a terminal.

Exit codes: 0 the report is written and every change that needed a review
has one; 1 the report is written and lists unreviewed changes or unreadable
revisions; 2 no report (bad date or ref, unreadable repository).`

// Package report builds the quarterly report for a Policy Management
// Authority: every flag and CPS change on the first-parent history of a
// branch in a period, each with the review that covers it and the section
// text it was reviewed against, and everything still unreviewed.
//
// It is a pure step of the pipeline: Build takes the states of the
// repository before and after each commit of the period (loaded by the
// command layer) and returns a Report; one small type per output format
// (Markdown, HTML, JSON, EventsCSV, MatrixCSV) writes it to an io.Writer.
// Nothing here reads files, git, the clock or the environment, so the same
// input always gives byte-identical output.
package report

import (
	"io"
	"time"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/evidence"
	"github.com/cpsgate/cpsgate/params"
)

// Commit is one commit of the first-parent history.
type Commit struct {
	SHA     string
	Date    time.Time // committer date
	Author  string
	Subject string
	Message string // the full message; squash merges carry the PR body here
}

// Step is one commit of the period that touches the configured paths, with
// the state of the repository before it (at its first parent) and after it.
type Step struct {
	Commit Commit
	Before *check.State
	After  *check.State
	// Versions are the versions the CPS documents state after the commit.
	Versions []DocVersion
	// Problems are what could not be read at this commit (a broken
	// registry, an invalid configuration); the part that could not be read
	// is carried over from Before.
	Problems []string
	// Adopts is set when the commit adopts cpsgate: Before has no
	// configuration, After has one.
	Adopts bool
	// data is what a Preparer read of the states, which it then dropped
	// (nil: Build reads Before and After).
	data *stepData
}

// Input is everything Build needs.
type Input struct {
	From, To string // the period as given: dates (YYYY-MM-DD) or refs
	Base     string // the last commit before the period, "" when it starts at the root
	Head     string // the last commit of the period
	Commits  int    // first-parent commits in the period, relevant or not
	Start    *check.State
	// End is the state at the end of the period when the steps hold no
	// states (Preparer.Prepare); nil: the last step's After, else Start.
	End *check.State
	// StartProblems are what could not be read at Base.
	StartProblems []string
	Steps         []Step // oldest first
	// StartVersions are the versions the CPS documents state at Base.
	StartVersions []DocVersion
	// Tags are git tags on the first-parent history, the last one before the
	// period first; they name the CPS versions when the documents name none.
	Tags []Tag
	// Retroactive, when not nil, is the configuration every commit was
	// read with (report --config-rev).
	Retroactive *Retroactive
	// Links says where sections are linked; Remote names the CPS
	// documents kept in other repositories, by the name their sections
	// carry.
	Links  Links
	Remote map[string]RemoteDoc
	// Policies judge each commit (nil: the built-in policies).
	Policies Judge
	// Tests are the tests of the go-test sources at the end of the period,
	// their links resolved (evidence.Resolve); TestResults the last results
	// of a run (--test-results), nil when none was given.
	Tests       []evidence.Test
	TestResults *evidence.Results
}

// Final is the state at the end of the period: End, else the last step's
// After, else Start (nil when there is none).
func (in *Input) Final() *check.State {
	switch {
	case in.End != nil:
		return in.End
	case len(in.Steps) > 0:
		return in.Steps[len(in.Steps)-1].After
	}
	return in.Start
}

// DocVersion is the version a CPS document states (see DetectVersion).
type DocVersion struct {
	File    string
	Version string
	Source  string // front-matter | revision-table
}

// Tag is a git tag on a commit.
type Tag struct {
	Name   string
	Commit string
	Date   time.Time // of the commit
}

// Report is the PMA report. Its JSON form is documented in README.md.
type Report struct {
	From string `json:"from"`
	To   string `json:"to"`
	Base string `json:"base,omitempty"`
	Head string `json:"head"`
	// Adoption is the commit of the period that adopted cpsgate, which the
	// report starts from; absent when the period has none.
	Adoption *Adoption `json:"adoption,omitempty"`
	// Retroactive is the configuration every commit was read with, when
	// not each commit's own (report --config-rev).
	Retroactive *Retroactive   `json:"retroactive_config,omitempty"`
	Summary     Summary        `json:"summary"`
	Versions    []Version      `json:"cps_versions"`
	Events      []Event        `json:"events"`
	Flags       []Flag         `json:"flags"`
	Sections    []SectionEntry `json:"sections_changed"`
	// Unreviewed are the events that needed a review and had none, at or
	// after their commit, within the period.
	Unreviewed []Event `json:"unreviewed"`
	Matrix     Matrix  `json:"matrix"`
	// Traceability maps every normative or linked section to its flags,
	// parameters, tests (with their last result) and reviews (trace.go).
	Traceability Traceability   `json:"traceability"`
	Unlinked     []SectionRef   `json:"unlinked_sections"`
	Texts        []ReviewedText `json:"reviewed_texts"`
	Problems     []Problem      `json:"problems"`
	Months       []MonthCount   `json:"events_per_month"`
	// Parameters is the inventory of configuration parameters at the end
	// of the period: bounds and values per environment.
	Parameters []params.Entry  `json:"parameters"`
	byFlag     map[string]int  // index into Flags
	sectionIdx map[string]bool // sections at the end of the period
}

// Summary holds the figures at the top of the report.
type Summary struct {
	Commits        int            `json:"commits"`
	ChangeCommits  int            `json:"change_commits"`
	Events         int            `json:"events"`
	ByKind         map[string]int `json:"by_kind"` // "flag added", "section modified", "review added", ...
	ReviewsAdded   int            `json:"reviews_recorded"`
	NeedingReview  int            `json:"events_needing_review"`
	Unreviewed     int            `json:"unreviewed"`
	Flags          int            `json:"flags"`
	StaleReviews   int            `json:"stale_reviews"`
	Sections       int            `json:"sections"`
	SectionsLinked int            `json:"sections_linked"`
	Problems       int            `json:"problems"`
}

// Version is a CPS version in force during the period.
type Version struct {
	File    string `json:"file"`
	Version string `json:"version"`
	Source  string `json:"source"` // front-matter | revision-table | tag
	Since   string `json:"since"`  // the date it came into force; the start of the period for the first
	Commit  string `json:"commit,omitempty"`
}

// Event is one thing that happened in a commit.
type Event struct {
	Date    string `json:"date"` // committer date, RFC 3339, UTC
	Commit  string `json:"commit"`
	PR      int    `json:"pr,omitempty"`
	Author  string `json:"author"`
	Title   string `json:"commit_subject"`
	Subject string `json:"subject"` // flag | section | review
	Change  string `json:"change"`  // added | removed | modified | enabled | disabled | renumbered
	Flag    string `json:"flag,omitempty"`
	// Parameter, Old and New are set on a parameter event: a value
	// added, removed or changed (in Environment, at File:Line).
	Parameter   string   `json:"parameter,omitempty"`
	Old         string   `json:"old,omitempty"`
	New         string   `json:"new,omitempty"`
	Environment string   `json:"environment,omitempty"`
	Fields      []string `json:"fields,omitempty"`
	Section     string   `json:"section,omitempty"`
	OldSection  string   `json:"old_section,omitempty"`
	SectionName string   `json:"section_title,omitempty"`
	Hash        string   `json:"hash,omitempty"`
	File        string   `json:"file,omitempty"`
	Line        int      `json:"line,omitempty"`
	// Location and URL name a section event's heading as
	// owner/name@ref:path:line and link it on GitHub, for a CPS kept in
	// another repository (or in this one, in a GitHub Actions run).
	Location string `json:"location,omitempty"`
	URL      string `json:"url,omitempty"`
	// For review events.
	Reviewer string   `json:"reviewer,omitempty"`
	Verdict  string   `json:"verdict,omitempty"`
	Sections []string `json:"sections,omitempty"`
	Origin   string   `json:"origin,omitempty"` // registry | commit-message
	// LinkedFlags are, for a section event, the flags that link the section.
	LinkedFlags []string `json:"linked_flags,omitempty"`
	NeedsReview bool     `json:"needs_review"`
	Reviewed    bool     `json:"reviewed"`
	// ReviewedLate is set when a review that the commit lacked was
	// recorded in a later commit of the period.
	ReviewedLate bool `json:"reviewed_late,omitempty"`
	// Missing lists what a review still lacks: "Flag §4.3.1", or a reason
	// such as "Flag is not in the registry".
	Missing    []string    `json:"missing,omitempty"`
	ReviewedBy []ReviewRef `json:"reviewed_by,omitempty"`
}

// ReviewRef names a review that covers an event.
type ReviewRef struct {
	Flag     string `json:"flag"`
	Section  string `json:"section,omitempty"` // the section it reviewed for the event
	Reviewer string `json:"reviewer"`
	Date     string `json:"date"`
	Verdict  string `json:"verdict"`
	Commit   string `json:"commit"`
	Late     bool   `json:"late"` // recorded in a later commit than the change
}

// Flag is one flag at the end of the period.
type Flag struct {
	Name         string      `json:"name"`
	Status       string      `json:"status"` // the registry status, or "unregistered"
	Sections     []string    `json:"sections"`
	NoCPSImpact  string      `json:"no_cps_impact,omitempty"`
	Enabled      []string    `json:"enabled_in"` // environments where it is on
	Changed      int         `json:"changes_in_period"`
	LastReview   *LastReview `json:"last_review"`
	NeverCovered []string    `json:"unreviewed_sections"` // linked sections no review ever covered
}

// LastReview is the most recent review of a flag.
type LastReview struct {
	Date          string            `json:"date"`
	Reviewer      string            `json:"reviewer"`
	Verdict       string            `json:"verdict"`
	Sections      []string          `json:"sections"`
	CPSVersion    string            `json:"cps_version,omitempty"`
	SectionHashes map[string]string `json:"section_hashes,omitempty"`
	Origin        string            `json:"origin"`
	Commit        string            `json:"commit,omitempty"` // when recorded in the period
	Stale         bool              `json:"stale"`
	// ChangedSince are the linked sections whose text changed after the
	// review (by recorded hash, or by a modification later in the period).
	ChangedSince []string `json:"changed_since"`
}

// SectionEntry is a CPS section changed in the period.
type SectionEntry struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Changes  []string `json:"changes"` // "modified 2024-02-01 abc1234", ...
	OldHash  string   `json:"old_hash,omitempty"`
	Hash     string   `json:"hash,omitempty"`
	Flags    []string `json:"linked_flags"`
	ReReview []string `json:"needs_re_review"`    // linked flags without a review after the last change
	Location string   `json:"location,omitempty"` // as Event.Location, at the end of the period
	URL      string   `json:"url,omitempty"`
}

// Matrix is the traceability matrix at the end of the period: one row per
// linked section, one column per flag that links a section.
type Matrix struct {
	Flags []string    `json:"flags"`
	Rows  []MatrixRow `json:"rows"`
}

// MatrixRow is one section of the matrix; Cells parallels Matrix.Flags.
type MatrixRow struct {
	Section string   `json:"section"`
	Title   string   `json:"title"`
	Cells   []string `json:"cells"` // "" | reviewed | stale | unreviewed
}

// Cell values of the matrix.
const (
	CellReviewed   = "reviewed"
	CellStale      = "stale"
	CellUnreviewed = "unreviewed"
)

// SectionRef names a section.
type SectionRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// ReviewedText is the text of a section as it read when a review in the
// period was recorded: what the reviewer read.
type ReviewedText struct {
	Flag     string `json:"flag"`
	Reviewer string `json:"reviewer"`
	Date     string `json:"date"`
	Commit   string `json:"commit"`
	Section  string `json:"section"`
	Title    string `json:"title"`
	Hash     string `json:"hash"`
	Text     string `json:"text"`
	Location string `json:"location,omitempty"` // as Event.Location, in the version reviewed
	URL      string `json:"url,omitempty"`
}

// Problem is something that could not be read at a commit.
type Problem struct {
	Commit  string `json:"commit"`
	Date    string `json:"date"`
	Message string `json:"message"`
}

// MonthCount is the number of events in one month (YYYY-MM).
type MonthCount struct {
	Month  string `json:"month"`
	Events int    `json:"events"`
}

// Renderer writes a report in one format.
type Renderer interface {
	Render(w io.Writer, r *Report) error
}

// Formats are the renderers by name, as --format takes them.
var Formats = map[string]Renderer{
	"md":         Markdown{},
	"html":       HTML{},
	"json":       JSON{},
	"csv":        EventsCSV{},
	"matrix-csv": MatrixCSV{},
	// traceability-csv is the matrix of trace.go: one row per section.
	"traceability-csv": TraceabilityCSV{},
}

// FormatNames lists the formats in a fixed order.
var FormatNames = []string{"md", "html", "json", "csv", "matrix-csv", "traceability-csv"}

// For returns the renderer of a format name, or of `markdown`, as check
// names md.
func For(name string) (Renderer, bool) {
	if name == "markdown" {
		name = "md"
	}
	r, ok := Formats[name]
	return r, ok
}

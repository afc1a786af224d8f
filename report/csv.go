package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/cpsgate/cpsgate/internal/inert"
)

// EventsCSV writes the events timeline as CSV, one event per row. A cell
// that a spreadsheet would read as a formula (it starts with = + - @, a tab
// or a carriage return) gets a single quote before it (inert.CSVCell).
type EventsCSV struct{}

// writeRow writes one row with every cell made inert for spreadsheets.
func writeRow(cw *csv.Writer, row []string) error {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = inert.CSVCell(c)
	}
	return cw.Write(out)
}

// eventColumns are the header of EventsCSV.
var eventColumns = []string{
	"date", "commit", "pr", "author", "subject", "change", "flag", "environment", "section", "old_section",
	"section_title", "reviewer", "verdict", "needs_review", "reviewed", "missing", "reviewed_by", "commit_subject",
}

// Render writes r's events.
func (EventsCSV) Render(w io.Writer, r *Report) error {
	return lines(w, func(w io.Writer) error { return renderEvents(w, r) })
}

// lines writes what render writes with inert.Lines: a line of a quoted
// multi-line cell may start with "::", a CI runner's command.
func lines(w io.Writer, render func(io.Writer) error) error {
	var b strings.Builder
	if err := render(&b); err != nil {
		return err
	}
	_, err := io.WriteString(w, inert.Lines(b.String()))
	return err
}

func renderEvents(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(eventColumns); err != nil {
		return err
	}
	for _, e := range r.Events {
		pr := ""
		if e.PR > 0 {
			pr = strconv.Itoa(e.PR)
		}
		var by []string
		for _, ref := range e.ReviewedBy {
			by = append(by, ref.Reviewer+" "+ref.Date+" "+ref.Verdict)
		}
		err := writeRow(cw, []string{
			e.Date, e.Commit, pr, e.Author, e.Subject, e.Change, e.Flag, e.Environment, e.Section, e.OldSection,
			e.SectionName, e.Reviewer, e.Verdict, strconv.FormatBool(e.NeedsReview), strconv.FormatBool(e.Reviewed),
			strings.Join(e.Missing, "; "), strings.Join(dedupe(by), "; "), e.Title,
		})
		if err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// MatrixCSV writes the traceability matrix as CSV: one row per linked
// section, one column per flag; a cell is reviewed, stale, unreviewed or
// empty (not linked). Cells are made inert for spreadsheets as in EventsCSV.
type MatrixCSV struct{}

// Render writes r's matrix.
func (MatrixCSV) Render(w io.Writer, r *Report) error {
	return lines(w, func(w io.Writer) error { return renderMatrix(w, r) })
}

func renderMatrix(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	if err := writeRow(cw, append([]string{"section", "title"}, r.Matrix.Flags...)); err != nil {
		return err
	}
	for _, row := range r.Matrix.Rows {
		if err := writeRow(cw, append([]string{row.Section, row.Title}, row.Cells...)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// TraceabilityCSV writes the traceability matrix of sections to flags,
// parameters, tests and reviews as CSV: one row per normative or linked
// section; lists within a cell are separated by "; ". Cells are made inert
// for spreadsheets as in EventsCSV.
type TraceabilityCSV struct{}

// Render writes r's traceability matrix.
func (TraceabilityCSV) Render(w io.Writer, r *Report) error {
	return lines(w, func(w io.Writer) error { return renderTraceability(w, r) })
}

func renderTraceability(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	header := []string{"section", "title", "normative", "requires_test", "flags", "parameters", "tests", "reviews"}
	if err := writeRow(cw, header); err != nil {
		return err
	}
	for _, row := range r.Traceability.Rows {
		var tests, reviews []string
		for _, t := range row.Tests {
			tests = append(tests, TraceTestCell(t))
		}
		for _, rv := range row.Reviews {
			reviews = append(reviews, ReviewCell(rv))
		}
		rec := []string{row.Section, row.Title, strconv.FormatBool(row.Normative), strconv.FormatBool(row.RequiresTest),
			strings.Join(row.Flags, "; "), strings.Join(row.Parameters, "; "), strings.Join(tests, "; "), strings.Join(reviews, "; ")}
		if err := writeRow(cw, rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

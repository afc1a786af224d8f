package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"

	"github.com/cpsgate/cpsgate/internal/inert"
)

// HTML writes the report as one self-contained HTML page: inline CSS, an
// inline SVG chart of events per month, no scripts and no external assets.
// It prints well: tables repeat their headers on every page and sections
// start on a new page where that keeps them whole.
type HTML struct{}

//go:embed report.html.tmpl
var htmlSource string

// htmlTemplate is parsed on the first HTML report, not when the process
// starts: most runs of the binary (a check) render none.
var htmlTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(htmlFuncs).Parse(htmlSource))
})

var htmlFuncs = template.FuncMap{
	"short":         short,
	"what":          What,
	"reviewStatus":  ReviewStatus,
	"pr":            PR,
	"day":           day,
	"join":          strings.Join,
	"hash":          abbrevHash,
	"reviewSummary": reviewSummary,
	"changedSince":  changedSince,
	"mark":          cellMark,
	"summaryRows":   summaryRows,
	"since":         versionSince,
	"trim":          strings.TrimSpace,
	"indented":      func(s string) bool { return strings.HasPrefix(s, "  ") },
	"chart":         chart,
	"coverage":      CoverageLine,
	"testCell":      TraceTestCell,
	"reviewCell":    ReviewCell,
	"resultClass": func(t TraceTest) string {
		switch {
		case t.Result == "fail" || t.Result == ResultNotRun:
			return "bad"
		case t.Skipped || t.Result == "skip":
			return "warn"
		case t.Result == "pass":
			return "ok"
		}
		return ""
	},
	"safeURL": inert.SafeURL,
	"sections": func(ids []string) string {
		if len(ids) == 0 {
			return ""
		}
		return "§" + strings.Join(ids, ", §")
	},
}

// Render writes r as HTML. html/template escapes every value for its
// context; before that, control and invisible characters (ESC, bidi
// overrides) in repository text are shown escaped (inert.Copy), as in the
// text output, keeping the line breaks of the section texts and messages.
func (HTML) Render(w io.Writer, r *Report) error {
	var b strings.Builder
	if err := htmlTemplate().Execute(&b, inert.Copy(r, "Text", "Message")); err != nil {
		return err
	}
	// No line a CI runner's log would read as a command, written with
	// character references a browser shows as the text.
	_, err := io.WriteString(w, inert.HTMLLines(b.String()))
	return err
}

// chart draws the events per month as an SVG bar chart.
func chart(months []MonthCount) template.HTML {
	if len(months) == 0 {
		return ""
	}
	const width, height, left, bottom, top = 720, 200, 36, 28, 12
	peak := 1
	for _, m := range months {
		peak = max(peak, m.Events)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="Events per month">`, width, height)
	plot := float64(height - bottom - top)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, left, height-bottom, width, height-bottom)
	for _, frac := range []float64{0, 0.5, 1} {
		v := int(float64(peak)*frac + 0.5)
		y := float64(height-bottom) - plot*float64(v)/float64(peak)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" class="grid"/><text x="%d" y="%.1f" class="tick" text-anchor="end">%d</text>`,
			left, y, width, y, left-6, y+4, v)
	}
	slot := float64(width-left) / float64(len(months))
	bar := slot * 0.6
	for i, m := range months {
		x := float64(left) + slot*float64(i) + (slot-bar)/2
		h := plot * float64(m.Events) / float64(peak)
		y := float64(height-bottom) - h
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="bar"><title>%s: %d events</title></rect>`, x, y, bar, h, template.HTMLEscapeString(m.Month), m.Events)
		if m.Events > 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="value" text-anchor="middle">%d</text>`, x+bar/2, y-3, m.Events)
		}
		if len(months) <= 24 || i%3 == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="tick" text-anchor="middle">%s</text>`, x+bar/2, height-bottom+16, template.HTMLEscapeString(m.Month))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built from numbers and escaped YYYY-MM strings only
}

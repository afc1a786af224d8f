package github

import (
	"context"
	"fmt"

	gh "github.com/google/go-github/v60/github"

	"github.com/cpsgate/cpsgate/internal/inert"
	"github.com/cpsgate/cpsgate/result"
)

// CheckRunName is the name of cpsgate's check run.
const CheckRunName = "cpsgate"

// MaxAnnotations is how many annotations one check-run request may carry.
const MaxAnnotations = 50

// maxSummary is the longest check-run summary GitHub accepts.
const maxSummary = 65535

// Annotation is a finding at a line of a file.
type Annotation struct {
	Path    string
	Line    int
	Level   string // notice, warning or failure
	Title   string
	Message string
}

// Annotations turns the findings of res that have a file into annotations:
// deny findings are failures, warnings warnings.
func Annotations(res *result.Result) []Annotation {
	var out []Annotation
	for _, f := range res.Findings {
		if f.File == "" {
			continue
		}
		level := "warning"
		if f.Severity == result.Deny {
			level = "failure"
		}
		line := max(f.Line, 1)
		// Annotations are plain text: control and invisible characters
		// of repository text are shown escaped.
		out = append(out, Annotation{Path: f.File, Line: line, Level: level, Title: inert.Value(f.Rule), Message: inert.Value(f.Message)})
	}
	return out
}

// CheckRun records a completed check run named cpsgate on head with
// conclusion (success or failure), title, summary (markdown) and the
// annotations, MaxAnnotations per request: the first batch with the
// creation, the rest by updates. It returns the check run's id.
func (c *Client) CheckRun(ctx context.Context, head, conclusion, title, summary string, anns []Annotation) (int64, error) {
	if len(summary) > maxSummary {
		summary = cut(summary, maxSummary-100) + "\n\n… (cut at GitHub's size limit)\n"
	}
	batch := func(i int) []*gh.CheckRunAnnotation {
		var out []*gh.CheckRunAnnotation
		for _, a := range anns[i:min(i+MaxAnnotations, len(anns))] {
			out = append(out, &gh.CheckRunAnnotation{
				Path: gh.String(a.Path), StartLine: gh.Int(a.Line), EndLine: gh.Int(a.Line),
				AnnotationLevel: gh.String(a.Level), Title: gh.String(a.Title), Message: gh.String(a.Message),
			})
		}
		return out
	}
	output := func(i int) *gh.CheckRunOutput {
		return &gh.CheckRunOutput{Title: gh.String(title), Summary: gh.String(summary), Annotations: batch(i)}
	}
	run, _, err := c.gh.Checks.CreateCheckRun(ctx, c.Owner, c.Repo, gh.CreateCheckRunOptions{
		Name: CheckRunName, HeadSHA: head, Status: gh.String("completed"), Conclusion: gh.String(conclusion),
		Output: output(0),
	})
	if err != nil {
		return 0, c.wrap("POST", fmt.Sprintf("/repos/%s/%s/check-runs", c.Owner, c.Repo), err)
	}
	id := run.GetID()
	for i := MaxAnnotations; i < len(anns); i += MaxAnnotations {
		_, _, err := c.gh.Checks.UpdateCheckRun(ctx, c.Owner, c.Repo, id, gh.UpdateCheckRunOptions{
			Name: CheckRunName, Output: output(i),
		})
		if err != nil {
			return id, c.wrap("PATCH", fmt.Sprintf("/repos/%s/%s/check-runs/%d", c.Owner, c.Repo, id), err)
		}
	}
	return id, nil
}

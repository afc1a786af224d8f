package check

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cpsgate/cpsgate/review"
)

// NewChange starts the Change checked with the configuration at cfgPath:
// its author and the approvers other than the author, identities that CI
// vouches for (--author, --approver). A blank or malformed one is an error,
// never "someone else"; approvers need an author.
func NewChange(cfgPath, author string, approvers []string) (Change, error) {
	ch := Change{Config: cfgPath}
	if author != "" || len(approvers) > 0 {
		if err := review.CheckIdentity(author); err != nil {
			if author == "" {
				return ch, errors.New("--approver needs --author: who approved can only count for someone other than the change's author")
			}
			return ch, fmt.Errorf("--author: %w", err)
		}
		ch.Author = author
	}
	for _, a := range approvers {
		if err := review.CheckIdentity(a); err != nil {
			return ch, fmt.Errorf("--approver: %w (give one identity per --approver)", err)
		}
		if !strings.EqualFold(a, author) {
			ch.Approvers = append(ch.Approvers, a)
		}
	}
	return ch, nil
}

// Today is the date of a check (YYYY-MM-DD): override when set
// (CPSGATE_TODAY), else now in UTC.
func Today(override string, now time.Time) (string, error) {
	if override == "" {
		return now.UTC().Format(time.DateOnly), nil
	}
	t, err := time.Parse(time.DateOnly, override)
	if err != nil {
		return "", fmt.Errorf("CPSGATE_TODAY=%q: want a date YYYY-MM-DD", override)
	}
	return t.Format(time.DateOnly), nil
}

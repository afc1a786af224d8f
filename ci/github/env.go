package github

import (
	"errors"
	"fmt"
	"strings"
)

// MaxEventSize is the largest event payload read (GitHub caps webhooks at 25 MB).
const MaxEventSize = 25 << 20

// ReadEnv reads what GitHub Actions tells a step, through getenv and read
// (which reads at most limit bytes of a file).
func ReadEnv(getenv func(string) string, read func(path string, limit int64) ([]byte, error)) (Env, error) {
	ge := Env{
		EventName:  getenv("GITHUB_EVENT_NAME"),
		Repository: getenv("GITHUB_REPOSITORY"),
		SHA:        getenv("GITHUB_SHA"),
		Token:      getenv("GITHUB_TOKEN"),
		APIURL:     getenv("GITHUB_API_URL"),
	}
	path := getenv("GITHUB_EVENT_PATH")
	if path == "" {
		return ge, errors.New("GITHUB_EVENT_PATH is not set: check --github runs in a GitHub Actions job")
	}
	data, err := read(path, MaxEventSize)
	if err != nil {
		return ge, fmt.Errorf("reading the event payload (GITHUB_EVENT_PATH): %w", err)
	}
	ge.Event = data
	if ge.Token == "" {
		return ge, errors.New("GITHUB_TOKEN is not set: give the step `env: GITHUB_TOKEN: ${{ github.token }}` " +
			"(permissions: contents: read; pull-requests: write for --comment; checks: write for --check-run)")
	}
	return ge, nil
}

// Redact hides token in err's message.
func Redact(err error, token string) error {
	if err == nil || token == "" {
		return err
	}
	return redacted{err, token}
}

// redacted hides a token in an error's message.
type redacted struct {
	err   error
	token string
}

func (r redacted) Error() string { return strings.ReplaceAll(r.err.Error(), r.token, "***") }
func (r redacted) Unwrap() error { return r.err }

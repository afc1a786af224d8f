package main

import (
	"fmt"
	"strings"

	"github.com/cpsgate/cpsgate/internal/clone"
)

// checkoutEnv names local clones of CPS repositories for CI.
const checkoutEnv = clone.Env

// checkoutFlagUsage is the help of --cps-checkout, the same on every command.
const checkoutFlagUsage = "`OWNER/REPO=DIR`: a local clone of a repository that holds a configured CPS document (repeatable; overrides $" + checkoutEnv + " and the checkout: key of .cpsgate.yaml)"

// parseCheckouts reads the clones named by --cps-checkout REPO=DIR values
// and by $CPSGATE_CPS_CHECKOUT (for the repositories the flag does not
// name). Relative directories are taken from -C.
func (e *env) parseCheckouts(values []string) (map[string]string, error) {
	dirs := map[string]string{}
	add := func(v, from string, seen map[string]bool) error {
		repo, dir, ok := strings.Cut(strings.TrimSpace(v), "=")
		repo, dir = strings.TrimSpace(repo), strings.TrimSpace(dir)
		if !ok || repo == "" || dir == "" {
			return fmt.Errorf("%s %q: want OWNER/REPO=DIR", from, v)
		}
		if seen[repo] {
			return fmt.Errorf("%s: %s given twice", from, repo)
		}
		seen[repo] = true
		if _, done := dirs[repo]; !done {
			dirs[repo] = e.path(dir)
		}
		return nil
	}
	seen := map[string]bool{}
	for _, v := range values {
		if err := add(v, "--cps-checkout", seen); err != nil {
			return nil, err
		}
	}
	seen = map[string]bool{}
	if env := e.getenv(checkoutEnv); strings.TrimSpace(env) != "" {
		for v := range strings.SplitSeq(env, ",") {
			if strings.TrimSpace(v) == "" {
				continue
			}
			if err := add(v, "$"+checkoutEnv, seen); err != nil {
				return nil, err
			}
		}
	}
	return dirs, nil
}

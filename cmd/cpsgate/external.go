package main

import (
	"github.com/cpsgate/cpsgate/internal/clone"
)

// checkoutEnv names local clones of CPS repositories for CI.
const checkoutEnv = clone.Env

// checkoutFlagUsage is the help of --cps-checkout, the same on every command.
const checkoutFlagUsage = "`OWNER/REPO=DIR`: a local clone of a repository that holds a configured CPS document (repeatable; overrides $" + checkoutEnv + " and the checkout: key of .cpsgate.yaml)"

// parseCheckouts reads the clones named by --cps-checkout REPO=DIR values
// and by $CPSGATE_CPS_CHECKOUT; relative directories are taken from -C.
func (e *env) parseCheckouts(values []string) (map[string]string, error) {
	return clone.Dirs(values, e.getenv(clone.Env), e.path)
}

// Package precommit writes and recognises the git pre-commit hook that runs
// cpsgate for people who do not use the pre-commit framework.
package precommit

import (
	"bytes"
	"fmt"
	"strings"
)

// Marker identifies a hook written by cpsgate, so that reinstalling may
// replace it while a foreign hook is left alone.
const Marker = "# installed by cpsgate hook install"

// Script returns the hook: it runs `cpsgate check --staged` with the
// command named by bin (found on the PATH when it has no slash) and blocks
// the commit on exit 1 (a finding) and exit 2 (cpsgate could not decide).
func Script(bin string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "#!/bin/sh\n%s\n", Marker)
	b.WriteString("# Blocks a commit whose staged flag changes lack a review of their linked\n")
	b.WriteString("# CPS sections. Bypass once with `git commit --no-verify`.\n")
	fmt.Fprintf(&b, "exec %s check --staged\n", shellQuote(bin))
	return b.Bytes()
}

// IsOurs reports whether an existing hook was written by cpsgate.
func IsOurs(hook []byte) bool {
	return bytes.Contains(hook, []byte(Marker))
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

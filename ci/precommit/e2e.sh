#!/usr/bin/env bash
# End-to-end test of the pre-commit hooks with the real pre-commit: a
# temporary consumer repository (the demo's example CA) uses this repository
# through `pre-commit try-repo`. Staging a flag change without a review must
# let the commit through while printing the review the pull request will
# need; staging a flag with no registry entry must block it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/pre-commit-cache"
export GOMODCACHE="$(go env GOMODCACHE)"   # reuse the module cache in pre-commit's GOPATH
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=dev GIT_AUTHOR_EMAIL=dev@example.org GIT_COMMITTER_NAME=dev GIT_COMMITTER_EMAIL=dev@example.org
fail() { echo "FAIL: $*"; exit 1; }

(cd "$repo" && pre-commit validate-manifest .pre-commit-hooks.yaml) || fail "validate-manifest"
echo "ok: pre-commit validate-manifest"

consumer="$work/consumer"
cp -r "$repo/cmd/cpsgate/demo" "$consumer"
cd "$consumer"
git init -q -b main
git add -A
git commit -q -m "example CA"

# A staged change that enables a flag without a review is not blocked (a
# commit cannot carry the approval the review needs), but the hook prints the
# review the pull request will need, with the block to paste.
sed -i 's/"AsyncFinalize": false/"AsyncFinalize": true/' deploy/prod.json
git add deploy/prod.json
pre-commit try-repo "$repo" cpsgate > "$work/out1" 2>&1 || { cat "$work/out1"; fail "try-repo blocked what only a pull-request review can fix"; }
grep -q 'the pull request will need this.*\[missing_review\]' "$work/out1" || { cat "$work/out1"; fail "no deferred missing_review in the hook's output"; }
grep -q '```cps-review' "$work/out1" || { cat "$work/out1"; fail "no review block in the hook's output"; }
echo "ok: unreviewed flag change shown, not blocked"

# What no review can fix blocks the commit: a new flag with no registry entry.
sed -i 's/^type Config struct {$/type Config struct {\n\t\/\/ Unregistered has no registry entry.\n\tUnregistered bool/' features/features.go
grep -q 'Unregistered bool' features/features.go || fail "could not add a flag"
git add features/features.go
if pre-commit try-repo "$repo" cpsgate > "$work/out2" 2>&1; then
  cat "$work/out2"; fail "try-repo passed an unregistered flag"
fi
grep -q 'Unregistered.*\[unregistered_flag\]' "$work/out2" || { cat "$work/out2"; fail "no unregistered_flag in the hook's output"; }
echo "ok: unregistered flag blocked"

# The language: system hook runs the cpsgate on the PATH: absent, the hook
# cannot run; a cpsgate built onto the PATH blocks the same commit.
if PATH="$(dirname "$(command -v git)"):$(dirname "$(command -v pre-commit)"):/usr/bin:/bin" \
  pre-commit try-repo "$repo" cpsgate-system > "$work/out-nobin" 2>&1; then
  cat "$work/out-nobin"; fail "system hook passed without a cpsgate on the PATH"
fi
grep -q 'cpsgate. not found' "$work/out-nobin" || { cat "$work/out-nobin"; fail "system hook without cpsgate failed for another reason"; }
mkdir -p "$work/bin"
(cd "$repo" && go build -o "$work/bin/cpsgate" ./cmd/cpsgate)
if PATH="$work/bin:$PATH" pre-commit try-repo "$repo" cpsgate-system > "$work/out-sys" 2>&1; then
  cat "$work/out-sys"; fail "system hook passed an unregistered flag"
fi
grep -q 'Unregistered.*\[unregistered_flag\]' "$work/out-sys" || { cat "$work/out-sys"; fail "no unregistered_flag in the system hook's output"; }
echo "ok: system hook (cpsgate on the PATH) blocks the unregistered flag"
git checkout -q HEAD -- features/features.go
PATH="$work/bin:$PATH" pre-commit try-repo "$repo" cpsgate-system > "$work/out-sys2" 2>&1 || { cat "$work/out-sys2"; fail "system hook blocked what only a pull-request review can fix"; }
grep -q 'the pull request will need this.*\[missing_review\]' "$work/out-sys2" || { cat "$work/out-sys2"; fail "no deferred missing_review in the system hook's output"; }
echo "ok: system hook shows the unreviewed change without blocking it"
git commit -q -m "Enable AsyncFinalize in production (the pull request carries the review)" || fail "commit"

# The lint hook runs too; the example CPS covers only part of the RFC 3647
# outline, so it must fail naming a missing section.
if pre-commit try-repo "$repo" cpsgate-lint --all-files > "$work/out3" 2>&1; then
  cat "$work/out3"; fail "lint hook passed an incomplete outline"
fi
grep -q 'missing section 9.5 .*\[outline_missing\]' "$work/out3" || { cat "$work/out3"; fail "lint hook did not report the outline"; }
echo "ok: cpsgate-lint hook reports the incomplete outline"
echo "pre-commit e2e: 6 passed, 0 failed"

#!/usr/bin/env bash
# Validates what the GitHub Actions integration ships: the SARIF goldens and
# the SARIF of a real failing check (cmd/cpsgate/testdata/script/
# formats_github.txtar) against the SARIF 2.1.0 schema (JSON Schema draft
# 2020-12, formats checked), the example and release workflows with
# actionlint, the action (action.yml at the repository root) and the
# workflows with action-validator, and the Dockerfile with dockerfile-utils.
# Needs node_modules (npm ci) and Go.
set -euo pipefail
cd "$(dirname "$0")/../.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

shopt -s nullglob
goldens=(output/testdata/*.sarif)
if [ ${#goldens[@]} -eq 0 ]; then
  echo "no SARIF goldens in output/testdata" >&2; exit 1
fi
# ajv-cli picks its parser by file extension.
for f in "${goldens[@]}"; do cp "$f" "$tmp/$(basename "$f" .sarif).json"; done
awk '/^-- want.sarif --$/ {f = 1; next} /^-- / {f = 0} f' \
  cmd/cpsgate/testdata/script/formats_github.txtar > "$tmp/check.json"
if [ ! -s "$tmp/check.json" ]; then
  echo "no want.sarif in formats_github.txtar" >&2; exit 1
fi
npx --no-install ajv validate --spec=draft2020 -c ajv-formats \
  -s node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json -d "$tmp/*.json"

# The example workflow's `uses: ./` is the action at the root, whose inputs
# actionlint checks against action.yml.
go run github.com/rhysd/actionlint/cmd/actionlint@v1.7.12 ci/github/example-workflow.yml .github/workflows/*.yml

# Not .github/workflows/release.yml: action-validator 0.6.0's schema predates
# the `attestations` permission it needs; actionlint checks it above.
for f in action.yml ci/github/example-workflow.yml; do
  npx --no-install action-validator "$f"
  echo "$f valid"
done

# No ${{ }} in a run: script of the action: every input goes through env:.
if awk '/^ *run: *[|>]/ {r = 1; i = match($0, /[^ ]/); next} r && NF && match($0, /[^ ]/) <= i {r = 0} r || /^ *run: / {print}' action.yml | grep -n '\${{'; then
  echo "action.yml: \${{ }} inside run:; pass it through env:" >&2; exit 1
fi
echo "action.yml: no expression inside run:"

npx --no-install dockerfile-utils lint Dockerfile
echo "Dockerfile valid"

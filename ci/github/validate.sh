#!/usr/bin/env bash
# Validates what the GitHub Actions integration ships: the SARIF goldens and
# the SARIF of a real failing check (cmd/cpsgate/testdata/script/
# formats_github.txtar) against the SARIF 2.1.0 schema (JSON Schema draft
# 2020-12, formats checked), the example workflow with actionlint, and the
# action and workflow metadata with action-validator. Needs node_modules
# (npm ci) and Go.
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

go run github.com/rhysd/actionlint/cmd/actionlint@v1.7.12 ci/github/example-workflow.yml

for f in ci/github/action.yml ci/github/example-workflow.yml; do
  npx --no-install action-validator "$f"
  echo "$f valid"
done

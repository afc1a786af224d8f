#!/usr/bin/env bash
# Tests the action's download path (ci/github/install.sh) against a local
# HTTP server on 127.0.0.1 serving a goreleaser snapshot as a release: the
# archive and checksums of DIST (a `goreleaser release --snapshot` output).
# Usage: install_test.sh DIST
set -euo pipefail
dist=$(cd "${1:?usage: install_test.sh DIST}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
passed=0 failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

snap=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$dist/metadata.json")
v="v$snap"
archive="cpsgate_${snap}_linux_amd64.tar.gz"
[ -f "$dist/$archive" ] || { echo "no $archive in $dist"; exit 1; }

# The release as GitHub serves it: <base>/<tag>/<archive>.
mkdir -p "$work/www/$v" "$work/pinned" "$work/none"
cp "$dist/$archive" "$dist/checksums.txt" "$work/www/$v/"
cp "$dist/checksums.txt" "$work/pinned/$v.txt"
for old in 0.0.1 0.0.9 0.0.10; do
  echo "0000000000000000000000000000000000000000000000000000000000000000  cpsgate_${old}_linux_amd64.tar.gz" > "$work/pinned/v$old.txt"
done

python3 -m http.server 0 --bind 127.0.0.1 --directory "$work/www" > "$work/server.log" 2>&1 &
server=$!
port=""
for _ in $(seq 50); do
  port=$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$work/server.log" | head -n 1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/server.log"; echo "http server did not start"; exit 1; }

# run NAME [VAR=value...] -- install.sh with a fresh RUNNER_TEMP and GITHUB_OUTPUT.
run() {
  local name=$1; shift
  rm -rf "$work/$name"; mkdir -p "$work/$name/tmp"
  : > "$work/$name/output"
  env -i PATH="$PATH" HOME="$work" RUNNER_TEMP="$work/$name/tmp" GITHUB_OUTPUT="$work/$name/output" \
    RUNNER_OS=Linux RUNNER_ARCH=X64 CPSGATE_CHECKSUMS_DIR="$work/pinned" \
    CPSGATE_RELEASE_URL="http://127.0.0.1:$port" "$@" > "$work/$name/log" 2>&1
}
out() { grep "^$2=" "$work/$1/output" | cut -d= -f2-; }

# resolve: the action's own tag when pinned, and the version input.
if run tag ACTION_REF="$v" bash "$here/install.sh" resolve &&
  [ "$(out tag mode)" = download ] && [ "$(out tag version)" = "$v" ] &&
  run input ACTION_REF="$v" CPSGATE_VERSION=v0.0.9 bash "$here/install.sh" resolve && [ "$(out input version)" = v0.0.9 ]; then
  ok "resolve: the action's tag $v"
else cat "$work/tag/log" "$work/tag/output"; bad "resolve: the action's tag"; fi

# resolve: a commit sha picks the newest pinned final release: v0.0.10,
# not v0.0.9 (ordered by version, not by name), nor the pre-release $v.
if run sha ACTION_REF=0123456789abcdef0123456789abcdef01234567 bash "$here/install.sh" resolve &&
  [ "$(out sha mode)" = download ] && [ "$(out sha version)" = v0.0.10 ]; then
  ok "resolve: a commit sha takes the newest pinned final release"
else cat "$work/sha/log" "$work/sha/output"; bad "resolve: newest pinned"; fi

# resolve: an unpinned version, a malformed one, a bad boolean fail; nothing pinned builds from source.
if ! run unpinned CPSGATE_VERSION=v9.9.9 bash "$here/install.sh" resolve && grep -q 'no checksums pinned for v9.9.9' "$work/unpinned/log" &&
  ! run traversal CPSGATE_VERSION=../../etc/passwd bash "$here/install.sh" resolve &&
  ! run boolean BUILD_FROM_SOURCE=yes bash "$here/install.sh" resolve &&
  run nothing CPSGATE_CHECKSUMS_DIR="$work/none" bash "$here/install.sh" resolve && [ "$(out nothing mode)" = source ] &&
  run source BUILD_FROM_SOURCE=true bash "$here/install.sh" resolve && [ "$(out source mode)" = source ]; then
  ok "resolve: unpinned or malformed versions fail; nothing pinned or build-from-source builds"
else bad "resolve: refusals and source builds"; fi

# download: the pinned archive is fetched, verified and runs.
if run good CPSGATE_VERSION="$v" bash "$here/install.sh" download &&
  grep -q "sha256 .* matches the pinned checksum" "$work/good/log" &&
  [ "$("$work/good/tmp/cpsgate-action/cpsgate" version --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')" = "$v" ]; then
  ok "download: $archive verified against the pinned sha256 and runs as $v"
else cat "$work/good/log"; bad "download of the pinned archive"; fi

# download: a tampered archive is refused and nothing is installed.
printf 'x' >> "$work/www/$v/$archive"
if ! run tampered CPSGATE_VERSION="$v" bash "$here/install.sh" download &&
  grep -q "sha256 mismatch for $archive" "$work/tampered/log" &&
  [ ! -e "$work/tampered/tmp/cpsgate-action/cpsgate" ]; then
  ok "download: a tampered archive is refused"
else cat "$work/tampered/log"; bad "tampered archive ran or was installed"; fi
cp "$dist/$archive" "$work/www/$v/"

# download: a pinned file without this platform's archive, a missing archive, an unknown runner.
if ! run noentry RUNNER_ARCH=X86 CPSGATE_VERSION="$v" bash "$here/install.sh" download &&
  ! run missing CPSGATE_VERSION=v0.0.1 bash "$here/install.sh" download &&
  grep -q "could not download" "$work/missing/log"; then
  ok "download: unknown runner and missing archive fail"
else cat "$work/noentry/log" "$work/missing/log"; bad "download failures"; fi

# build: from the action's source with the Go on the PATH, the ref as version.
if run build ACTION_REF=v0.0.0-source GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)" \
  GOTOOLCHAIN=local GOFLAGS=-mod=readonly bash "$here/install.sh" build &&
  grep -q '^cpsgate v0.0.0-source$' "$work/build/log"; then
  ok "build: from source, version from the action's ref"
else cat "$work/build/log"; bad "build from source"; fi

echo "action download path: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

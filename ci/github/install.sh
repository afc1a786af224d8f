#!/usr/bin/env bash
# The GitHub Action's (action.yml at the repository root) way to a cpsgate
# binary, in three commands:
#
#   install.sh resolve    which release to download: the input `version`,
#                         else the action's own tag (ACTION_REF) when its
#                         checksums are pinned here, else the newest pinned
#                         release; with none pinned, or build-from-source,
#                         the source build. Writes mode= and version= to
#                         $GITHUB_OUTPUT.
#   install.sh download   downloads the release archive for this runner,
#                         checks its sha256 against the checksums pinned in
#                         ci/github/checksums/<version>.txt, and unpacks
#                         the binary into $RUNNER_TEMP/cpsgate-action.
#   install.sh build      builds cpsgate from the action's own source with
#                         the Go on the PATH.
#
# Everything comes in through the environment (the action passes its inputs
# that way): CPSGATE_VERSION, BUILD_FROM_SOURCE, ACTION_REF, RUNNER_OS,
# RUNNER_ARCH, RUNNER_TEMP, GITHUB_OUTPUT; CPSGATE_RELEASE_URL and
# CPSGATE_CHECKSUMS_DIR only for tests (ci/github/install_test.sh).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
checksums_dir=${CPSGATE_CHECKSUMS_DIR:-$here/checksums}
release_url=${CPSGATE_RELEASE_URL:-https://github.com/cpsgate/cpsgate/releases/download}
out="${RUNNER_TEMP:?RUNNER_TEMP is not set}/cpsgate-action"
semver='^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$'

die() { echo "::error title=cpsgate::$*"; exit 1; }
output() { echo "$1=$2" >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"; }

resolve() {
  case "${BUILD_FROM_SOURCE:-false}" in
    true) output mode source; output version ""; echo "cpsgate: building from source (build-from-source: true)"; return ;;
    false) ;;
    *) die "input build-from-source must be true or false" ;;
  esac
  local v=${CPSGATE_VERSION:-}
  if [ -n "$v" ]; then
    [[ "$v" =~ $semver ]] || die "input version must look like v1.2.3, not '$v'"
    [ -f "$checksums_dir/$v.txt" ] || die "no checksums pinned for $v in this version of the action (ci/github/checksums/$v.txt); use a newer action, or build-from-source: true"
  elif [[ "${ACTION_REF:-}" =~ $semver ]] && [ -f "$checksums_dir/$ACTION_REF.txt" ]; then
    v=$ACTION_REF
  else
    shopt -s nullglob
    local pinned=("$checksums_dir"/v*.txt)
    local names=()
    for f in "${pinned[@]}"; do
      f=$(basename "$f" .txt)
      # Final releases only: a pre-release is downloaded when named.
      [[ "$f" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] && names+=("$f")
    done
    if [ ${#names[@]} -eq 0 ]; then
      echo "::notice title=cpsgate::no release is pinned in this version of the action; building cpsgate from source"
      output mode source; output version ""; return
    fi
    v=$(printf '%s\n' "${names[@]}" | sort -V | tail -n 1)
    if [[ "${ACTION_REF:-}" =~ $semver ]]; then
      echo "::notice title=cpsgate::no checksums pinned for ${ACTION_REF} in its own tree; using $v, the newest pinned release"
    fi
  fi
  output mode download
  output version "$v"
  echo "cpsgate: release $v"
}

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

download() {
  local v=${CPSGATE_VERSION:?CPSGATE_VERSION is not set}
  [[ "$v" =~ $semver ]] || die "version must look like v1.2.3, not '$v'"
  local sums="$checksums_dir/$v.txt"
  [ -f "$sums" ] || die "no checksums pinned for $v (ci/github/checksums/$v.txt)"
  local os arch ext=tar.gz exe=cpsgate
  case "${RUNNER_OS:-}" in
    Linux) os=linux ;;
    macOS) os=darwin ;;
    Windows) os=windows ext=zip exe=cpsgate.exe ;;
    *) die "no cpsgate release for runner OS '${RUNNER_OS:-}'; use build-from-source: true" ;;
  esac
  case "${RUNNER_ARCH:-}" in
    X64) arch=amd64 ;;
    ARM64) arch=arm64 ;;
    *) die "no cpsgate release for runner architecture '${RUNNER_ARCH:-}'; use build-from-source: true" ;;
  esac
  local archive="cpsgate_${v#v}_${os}_${arch}.${ext}"
  local want
  want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$sums")
  [[ "$want" =~ ^[0-9a-f]{64}$ ]] || die "ci/github/checksums/$v.txt has no single sha256 for $archive"

  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  curl -fsSL --retry 3 --proto-redir '=https' -o "$tmp/$archive" "$release_url/$v/$archive" ||
    die "could not download $release_url/$v/$archive"
  local got
  got=$(sha256 "$tmp/$archive")
  [ "$got" = "$want" ] || die "sha256 mismatch for $archive: got $got, pinned $want; not running it"
  echo "cpsgate: $archive sha256 $got matches the pinned checksum"

  rm -rf "$out"
  mkdir -p "$out" "$tmp/x"
  if [ "$ext" = zip ]; then
    unzip -q "$tmp/$archive" "$exe" -d "$tmp/x"
  else
    tar -xzf "$tmp/$archive" -C "$tmp/x" "$exe"
  fi
  mv "$tmp/x/$exe" "$out/$exe"
  chmod +x "$out/$exe"
  "$out/$exe" version
}

build() {
  local ref=${ACTION_REF:-}
  local version=dev commit=""
  if [[ "$ref" =~ ^[0-9a-f]{40}$ ]]; then
    commit=$ref
  elif [ -n "$ref" ]; then
    version=$ref
  fi
  mkdir -p "$out"
  local pkg=github.com/cpsgate/cpsgate/internal/version
  (cd "$root" && CGO_ENABLED=0 go build -trimpath \
    -ldflags "-X $pkg.version=$version -X $pkg.commit=$commit" \
    -o "$out/cpsgate$(go env GOEXE)" ./cmd/cpsgate)
  "$out/cpsgate" version
}

case "${1:-}" in
  resolve) resolve ;;
  download) download ;;
  build) build ;;
  *) echo "usage: install.sh resolve|download|build" >&2; exit 2 ;;
esac

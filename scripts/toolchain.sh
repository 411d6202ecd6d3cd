#!/usr/bin/env bash
# Builds the Pulumi engine orgaccess runs on, from Go modules, into a per-version cache
# outside the checkout; later runs find it there and return in well under a second.
# No prebuilt Pulumi CLI can be downloaded where orgaccess is built, so the CLI comes
# from the Go module proxy, and the Python language host from this repo's toolchain/.
# Prints the bin directory on stdout; progress and errors go to stderr.
set -euo pipefail

VERSION=3.274.1
MIN_PATH_VERSION=3.227.0   # first release whose `preview --expect-no-changes` exits 7 on drift
HERE=$(cd "$(dirname "$0")/.." && pwd)
MODULE=$HERE/toolchain
CACHE=${ORGACCESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/orgaccess}/pulumi/$VERSION
BIN=$CACHE/bin
LOG=$CACHE/build.log
LDFLAGS="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$VERSION"

say() { printf 'toolchain: %s\n' "$*" >&2; }
fail() {
  say "FAILED at step '$1': $2"
  if [[ -s $LOG ]]; then
    say "last lines of $LOG:"
    tail -n 15 "$LOG" | sed 's/^/    /' >&2
  fi
  exit 1
}

langhost_stamp() { cat "$MODULE"/go.mod "$MODULE"/go.sum "$MODULE"/langhost/*.go | sha256sum | cut -c1-16; }

cached() {
  [[ -x $BIN/pulumi && -x $BIN/pulumi-language-python && -x $BIN/pulumi-language-python-exec \
     && -x $BIN/pulumi-resource-pulumi-python ]] \
    && [[ "$(cat "$BIN/.langhost-stamp" 2>/dev/null)" == "$(langhost_stamp)" ]]
}

version_at_least() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]; }

# A pulumi already on PATH (outside our cache) is reused when it is recent enough.
path_pulumi() {
  local p v
  p=$(PATH=$(tr ':' '\n' <<<"$PATH" | grep -vxF "$BIN" | paste -sd:) command -v pulumi 2>/dev/null) || return 1
  v=$("$p" version 2>/dev/null | sed 's/^v//') || return 1
  version_at_least "$v" "$MIN_PATH_VERSION" && [[ $v == 3.* ]] || return 1
  printf '%s' "$p"
}

# Runs a long build step, printing a heartbeat so a cold build never looks hung.
with_heartbeat() {
  local what=$1; shift
  local start=$SECONDS
  "$@" >>"$LOG" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 15
    kill -0 "$pid" 2>/dev/null && say "  ... still $what ($((SECONDS - start)) s)"
  done
  wait "$pid"
}

if cached; then
  echo "$BIN"
  exit 0
fi

mkdir -p "$CACHE"
: >"$LOG"
STAGE=$CACHE/bin.partial
rm -rf "$STAGE"
mkdir -p "$STAGE"

command -v go >/dev/null || fail "find Go" "no 'go' on PATH; install Go 1.26 or newer (Debian: apt-get install golang-go, or the go.dev tarball)"
GOV=$(go env GOVERSION | sed 's/^go//')
version_at_least "$GOV" "1.26" || fail "find Go" "Go $GOV is too old; Pulumi v$VERSION needs Go 1.26 or newer"

cd "$MODULE"
if existing=$(path_pulumi); then
  say "reusing $existing ($("$existing" version)) from PATH"
  ln -sf "$existing" "$STAGE/pulumi"
else
  say "step 1/4: downloading Go modules for Pulumi v$VERSION from $(go env GOPROXY)"
  with_heartbeat "downloading modules" go mod download \
    || fail "download modules" "the Go module proxy ($(go env GOPROXY)) did not serve pulumi v$VERSION or a dependency"
  say "step 2/4: building the Pulumi CLI (first time: several minutes on 2 cores)"
  with_heartbeat "building the CLI" go build -ldflags "$LDFLAGS" -o "$STAGE/pulumi" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi || fail "build the Pulumi CLI" "go build reported errors"
fi

say "step 3/4: building the Python language host (toolchain/langhost)"
with_heartbeat "building the language host" go build -ldflags "$LDFLAGS" \
  -o "$STAGE/pulumi-language-python" ./langhost || fail "build the language host" "go build reported errors"

say "step 4/4: installing the Python shims shipped in sdk/v3"
SDK=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3) || fail "locate sdk/v3" "go list failed"
install -m 0755 "$SDK/python/cmd/pulumi-language-python-exec" "$STAGE/" || fail "install shims" "missing in $SDK"
install -m 0755 "$SDK/python/dist/pulumi-resource-pulumi-python" "$STAGE/" || fail "install shims" "missing in $SDK"
langhost_stamp >"$STAGE/.langhost-stamp"

rm -rf "$BIN"
mv "$STAGE" "$BIN"
say "ready: $("$BIN/pulumi" version) in $BIN"
echo "$BIN"

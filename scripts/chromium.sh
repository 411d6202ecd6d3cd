#!/usr/bin/env bash
# Headless Chromium and its WebDriver for the browser tests of the drift page, from Debian's packages.
#
#   scripts/chromium.sh     # installs chromium and chromium-driver if missing; prints the two paths
#
# Prints `<chromium> <chromedriver>` on one line. Nothing is downloaded but Debian packages: the
# tests drive this browser through its own chromedriver, never a browser build of a library's own.
set -euo pipefail

say() { printf 'chromium: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

found() { command -v chromium >/dev/null && command -v chromedriver >/dev/null; }

install() {
  found && return
  say "chromium or chromedriver not found; installing Debian's chromium and chromium-driver with apt-get"
  local sudo=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || die "not root and no sudo: install them (apt-get install -y chromium chromium-driver)"
    sudo=(sudo -n)
  fi
  command -v apt-get >/dev/null || die "apt-get is not available: install Chromium and its chromedriver yourself"
  "${sudo[@]}" apt-get update -qq >&2 || die "apt-get update failed; the browser tests need chromium"
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    chromium chromium-driver fonts-dejavu-core >&2 \
    || die "apt-get install chromium chromium-driver failed; the browser tests need them"
  found || die "chromium installed but chromium or chromedriver is not on PATH"
}

install
printf '%s %s\n' "$(command -v chromium)" "$(command -v chromedriver)"

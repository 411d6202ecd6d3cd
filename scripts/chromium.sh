#!/usr/bin/env bash
# Headless Chromium and its WebDriver for the browser tests of the drift page, from Debian's packages.
#
#   scripts/chromium.sh     # installs chromium and chromium-driver if missing; prints the two paths
#
# Prints `<chromium> <chromedriver>` on one line. Nothing is downloaded but Debian packages: the
# tests drive this browser through its own chromedriver, never a browser build of a library's own.
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/apt.sh
. "$HERE/scripts/apt.sh"

say() { printf 'chromium: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

found() { command -v chromium >/dev/null && command -v chromedriver >/dev/null; }

install() {
  found && return
  say "chromium or chromedriver not found; installing Debian's chromium and chromium-driver with apt-get"
  # Without the recommends (a desktop's worth); a font, so the screenshots show text.
  apt_install "the browser tests need chromium" --no-install-recommends chromium chromium-driver fonts-dejavu-core
  found || die "chromium installed but chromium or chromedriver is not on PATH"
}

install
printf '%s %s\n' "$(command -v chromium)" "$(command -v chromedriver)"

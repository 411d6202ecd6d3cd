# Sourced by the scripts that install what the tests need from Debian's packages (postgres.sh,
# chromium.sh); the caller defines die(). Not a script of its own.

# apt_install "WHY" PACKAGE...: installs the packages with apt-get, as root or through sudo -n.
apt_install() {
  local why=$1
  shift
  local sudo=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || die "not root and no sudo: install $* (apt-get install -y $*)"
    sudo=(sudo -n)
  fi
  command -v apt-get >/dev/null || die "apt-get is not available: install $* yourself"
  "${sudo[@]}" apt-get update -qq >&2 || die "apt-get update failed; $why"
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@" >&2 || die "apt-get install $* failed; $why"
}

#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1, the state backend of fleet tests and demos.
#
#   scripts/postgres.sh start   # installs Debian's postgresql if initdb is missing, starts, prints the URL
#   scripts/postgres.sh url     # prints the backend URL of the running cluster
#   scripts/postgres.sh stop    # stops it; the data stays until the directory is removed
#
# The cluster lives in $ORGACCESS_PG_DIR (default .state/postgres): several checkouts or test
# sessions can each run their own, on a free port. Every command is idempotent.
# Only loopback TCP with a password; the unix socket sits in the cluster directory, so nothing
# is shared with a system cluster. As root, the server runs as the `postgres` user (initdb
# refuses root).
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/apt.sh
. "$HERE/scripts/apt.sh"
DIR=${ORGACCESS_PG_DIR:-$HERE/.state/postgres}
DATA=$DIR/data
URL_FILE=$DIR/url
DB=orgaccess
ROLE=orgaccess

say() { printf 'postgres: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

bindir() {
  local initdb
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1 || true)
  [[ -n $initdb ]] && dirname "$initdb"
}

install() {
  [[ -n $(bindir) ]] && return
  say "initdb not found; installing Debian's postgresql with apt-get"
  apt_install "the fleet backend needs postgresql" postgresql
  [[ -n $(bindir) ]] || die "postgresql installed but no initdb under /usr/lib/postgresql/*/bin"
}

# Runs a server binary as the cluster's owner.
as_owner() {
  if [[ $(id -u) == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() { [[ -f $DATA/postmaster.pid ]] && as_owner "$(bindir)/pg_ctl" status -D "$DATA" >/dev/null 2>&1; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

init_cluster() {
  mkdir -p "$DIR"
  # The server user needs to reach its directory, even under a private temp dir.
  [[ $(id -u) == 0 ]] && chown postgres: "$DIR" && chmod 755 "$DIR"
  local password pwfile
  password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  pwfile=$DIR/.pw
  (umask 077; printf '%s\n' "$password" >"$pwfile")
  [[ $(id -u) == 0 ]] && chown postgres: "$pwfile"
  as_owner "$(bindir)/initdb" -D "$DATA" -U "$ROLE" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
  rm -f "$pwfile"
  printf '%s\n' "$password" >"$DIR/password"
  chmod 600 "$DIR/password"
}

start() {
  install
  if running; then
    url
    return
  fi
  [[ -f $DATA/PG_VERSION ]] || init_cluster
  local port
  port=$(free_port)
  # The socket in the cluster dir keeps clear of /var/run/postgresql and other clusters.
  as_owner "$(bindir)/pg_ctl" start -D "$DATA" -w -t 60 -l "$DIR/server.log" \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$DIR' -c max_connections=300" \
    >/dev/null || { tail -n 20 "$DIR/server.log" >&2; die "the server did not start"; }
  if ! as_owner "$(bindir)/psql" -h "$DIR" -p "$port" -U "$ROLE" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    as_owner "$(bindir)/createdb" -h "$DIR" -p "$port" -U "$ROLE" "$DB"
  fi
  printf 'postgres://%s:%s@127.0.0.1:%s/%s?sslmode=disable\n' "$ROLE" "$(cat "$DIR/password")" "$port" "$DB" \
    >"$URL_FILE"
  chmod 600 "$URL_FILE"
  url
}

url() {
  running || die "no cluster is running in $DIR; run scripts/postgres.sh start"
  cat "$URL_FILE"
}

stop() {
  [[ -n $(bindir) ]] || return 0
  if running; then
    as_owner "$(bindir)/pg_ctl" stop -D "$DATA" -m fast -w >/dev/null
  fi
  rm -f "$URL_FILE"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) die "usage: $0 start|stop|url" ;;
esac

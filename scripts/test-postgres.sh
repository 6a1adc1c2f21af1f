#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests, from Debian's packages, listening on
# 127.0.0.1 only, and prints its URL. A second call finds it running and only prints the URL.
# `scripts/test-postgres.sh stop` stops it. The tests make a fresh database per test inside it.
set -euo pipefail
port="${TEST_POSTGRES_PORT:-54329}"
# In memory where there is a tmpfs: creating a database per test is then about five times faster.
# (Containers often give /dev/shm only 64 MB, too little: then /tmp.)
scratch=/tmp
if [ -d /dev/shm ] && [ -w /dev/shm ] \
  && [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt 1048576 ]; then
  scratch=/dev/shm
fi
data="${TEST_POSTGRES_DIR:-$scratch/heart-pump-companion-postgres-$port}"
url="postgresql+psycopg://companion@127.0.0.1:$port/postgres"

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  echo "PostgreSQL server not installed (scripts/system-packages.sh installs it)" >&2
  exit 1
fi

# PostgreSQL refuses to run as root, so as root the cluster belongs to Debian's postgres user.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  as_owner=(runuser -u postgres --)
fi

if [ "${1:-start}" = "stop" ]; then
  if [ -f "$data/postmaster.pid" ]; then
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$data" -m fast stop >/dev/null
  fi
  exit 0
fi

if [ ! -f "$data/PG_VERSION" ]; then
  mkdir -p "$data"
  [ ${#as_owner[@]} -eq 0 ] || chown postgres: "$data"
  chmod 700 "$data"
  # Trust on loopback is acceptable only because this cluster holds test data and nothing else;
  # the README's production setup uses passwords (scram-sha-256) and TLS.
  "${as_owner[@]}" "$bindir/initdb" -D "$data" -U companion --auth=trust -E UTF8 \
    --locale=C.UTF-8 >/dev/null
fi

if ! "${as_owner[@]}" "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  # fsync off: the tests never need a test database to survive a power cut, and it is much faster.
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$data" -w -l "$data/server.log" \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
fi
echo "$url"

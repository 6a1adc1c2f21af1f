#!/usr/bin/env bash
# Starts a throwaway Redis server for the tests, from Debian's redis-server package, listening on
# 127.0.0.1 only, and prints its URL. A second call finds it running and only prints the URL.
# `scripts/test-redis.sh stop` stops it. Nothing is written to disk: it holds throttle counts only.
set -euo pipefail
port="${TEST_REDIS_PORT:-63799}"
dir="${TEST_REDIS_DIR:-/tmp/heart-pump-companion-redis-$port}"
url="redis://127.0.0.1:$port/0"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "Redis server not installed (scripts/system-packages.sh redis-server installs it)" >&2
  exit 1
fi

running() {
  [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ]
}

if [ "${1:-start}" = "stop" ]; then
  if running; then
    redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
  fi
  exit 0
fi

if ! running; then
  mkdir -p "$dir"
  chmod 700 "$dir"
  # No password, because it listens on loopback only and holds nothing but test counts; the
  # README's production setup uses a password and a private socket.
  redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes --daemonize yes \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --save "" --appendonly no >/dev/null
  for _ in $(seq 50); do
    running && break
    sleep 0.1
  done
  running || { echo "Redis did not start; see $dir/redis.log" >&2; exit 1; }
fi
echo "$url"

#!/usr/bin/env bash
# Prints the path of a uv executable, installing uv into .tools/ if the machine has none.
set -euo pipefail
if command -v uv >/dev/null 2>&1; then
  command -v uv
  exit 0
fi
if [ ! -x .tools/bin/uv ]; then
  if ! python3 -m venv .tools >/dev/null 2>&1; then
    # Debian's python3 ships venv separately.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv .tools
  fi
  .tools/bin/pip install --quiet --disable-pip-version-check uv >&2
fi
echo "$PWD/.tools/bin/uv"

#!/usr/bin/env bash
# Installs the Debian packages the app and its tests need, once: quick when they are already there.
set -euo pipefail
packages=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint; subset0 keeps font subsetting fast
  fonts-noto-core fonts-noto-cjk                          # every script the app speaks, on screen and in PDFs
  fonts-noto-color-emoji                                  # emoji a patient types, printed in the PDFs
  chromium                                                # browser tests drive /usr/bin/chromium
  poppler-utils                                           # pdftoppm, to look at rendered PDFs
  gettext                                                 # msgfmt --check in the translation tests
  "$@"                                                    # more for one use: `make test` adds postgresql
                                                          # and redis-server
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing system packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "Run as root (or with sudo) to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"

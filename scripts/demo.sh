#!/usr/bin/env bash
# Sets up and runs Madoguchi on its embedded default: a SQLite file with the synthetic demo city.
# Installs the Debian packages it needs if missing, builds (release), seeds on first run, serves.
# Extra arguments go to `madoguchi serve` (e.g. --port 9090). The first run creates one demo account per role and
# prints their passwords once (MADOGUCHI_DEMO_PASSWORD gives them all one password of your choosing).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
ensure_swift
ensure_debian_packages
swift build -c release --product madoguchi
exec .build/release/madoguchi serve --db madoguchi-data/madoguchi.sqlite "$@"

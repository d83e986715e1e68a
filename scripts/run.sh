#!/usr/bin/env bash
# Installs what is missing, builds a release, prepares the SQLite database (migrations and
# demo data, once) and serves Forecourt on http://127.0.0.1:3000.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/install.sh run
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$ROOT/end2end/node_modules/.bin:$PATH"

cargo leptos build --release

BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/forecourt"
export DATABASE_URL="${DATABASE_URL:-data/forecourt.db}"
export FORECOURT_SITE_ROOT="${FORECOURT_SITE_ROOT:-$ROOT/target/site}"
export FORECOURT_ADDR="${FORECOURT_ADDR:-127.0.0.1:3000}"

"$BIN" seed-demo
echo
echo "Forecourt: http://$FORECOURT_ADDR  (database: $DATABASE_URL; Ctrl-C stops)"
exec "$BIN" serve

#!/usr/bin/env bash
# Installs what is missing, builds a release, prepares the SQLite database (migrations and
# demo data with a two-year sales history, once) and serves Forecourt on http://127.0.0.1:3000.
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

# The demo group, and two years of sales (20,000 orders) for the reports to read: once.
"$BIN" seed-demo --orders "${FORECOURT_DEMO_ORDERS:-20000}"
echo
echo "Forecourt: http://$FORECOURT_ADDR  (database: $DATABASE_URL; Ctrl-C stops)"
exec "$BIN" serve

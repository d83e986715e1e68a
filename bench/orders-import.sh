#!/usr/bin/env bash
# Prints how long the order import takes for a file of 10,000 orders (REST upload; the dry
# run and the real run, .xlsx and GBK CSV) on SQLite and on a throwaway PostgreSQL 15
# cluster. The goal: under 2 s each.
# Usage: bash bench/orders-import.sh [rows]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if [ -z "${FORECOURT_TEST_PG:-}" ] && [ -x /usr/lib/postgresql/15/bin/initdb ]; then
  eval "$(bash scripts/pg-cluster.sh start)"
  trap 'bash scripts/pg-cluster.sh stop "$FORECOURT_PG_DIR" >/dev/null 2>&1 || true' EXIT
fi
cargo run --quiet --release -p server --example orders_import_bench -- "${1:-10000}"

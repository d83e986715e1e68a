#!/usr/bin/env bash
# Prints order entry over REST against a bare insert loop (orders per second and the
# ratio), then the order list's and the analytics reports' latency at 1,000,000 orders
# (REST, median and p95), on SQLite and on a throwaway PostgreSQL 15 cluster.
# Usage: bash bench/orders.sh [orders] [entries]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if [ -z "${FORECOURT_TEST_PG:-}" ] && [ -x /usr/lib/postgresql/15/bin/initdb ]; then
  eval "$(bash scripts/pg-cluster.sh start)"
  trap 'bash scripts/pg-cluster.sh stop "$FORECOURT_PG_DIR" >/dev/null 2>&1 || true' EXIT
fi
cargo run --quiet --release -p server --example orders_bench -- "${1:-1000000}" "${2:-1000}"

#!/usr/bin/env bash
# Prints inventory figures: stock-matrix latency over 100,000 vehicles (REST, median and
# p95), intake throughput and live-event delay, on SQLite and on a throwaway PostgreSQL 15 cluster.
# Usage: bash bench/inventory.sh [vehicles]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if [ -z "${FORECOURT_TEST_PG:-}" ] && [ -x /usr/lib/postgresql/15/bin/initdb ]; then
  eval "$(bash scripts/pg-cluster.sh start)"
  trap 'bash scripts/pg-cluster.sh stop "$FORECOURT_PG_DIR" >/dev/null 2>&1 || true' EXIT
fi
cargo run --quiet --release -p server --example inventory_bench -- "${1:-100000}"

#!/usr/bin/env bash
# Prints customer-search latency over 200,000 customers (REST, median and p95) on SQLite
# and on a throwaway PostgreSQL 15 cluster.
# Usage: bash bench/crm.sh [customers]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if [ -z "${FORECOURT_TEST_PG:-}" ] && [ -x /usr/lib/postgresql/15/bin/initdb ]; then
  eval "$(bash scripts/pg-cluster.sh start)"
  trap 'bash scripts/pg-cluster.sh stop "$FORECOURT_PG_DIR" >/dev/null 2>&1 || true' EXIT
fi
cargo run --quiet --release -p server --example crm_bench -- "${1:-200000}"

#!/usr/bin/env bash
# Installs what is missing and runs every check: rustfmt, clippy (ssr and hydrate), the
# Rust tests on SQLite and on a throwaway PostgreSQL 15 cluster (property tests included),
# then against a release build: the Playwright suite in Chromium on SQLite and on
# PostgreSQL, schemathesis on the REST API, and the replay of known abuses.
# Ends with one summary line; exits non-zero on any failure.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/install.sh test || exit 1
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$ROOT/end2end/node_modules/.bin:$PATH"
export FORECOURT_REQUIRE_PG=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

LOG_DIR="$(mktemp -d /tmp/forecourt-test.XXXXXX)"
passed=0
failed=0
failures=()
SERVER_PID=""
PG_DIR=""

cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  [ -n "$PG_DIR" ] && bash scripts/pg-cluster.sh stop "$PG_DIR"
}
trap cleanup EXIT

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

# A check that is one pass or one failure.
check() {
  local name="$1"; shift
  step "$name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
}

# Adds up `test result:` lines of cargo test.
cargo_tests() {
  local name="$1"; shift
  step "$name"
  local log="$LOG_DIR/$(echo "$name" | tr ' /' '__').log"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local p f
  p=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
  f=$(grep -Eo '[0-9]+ failed;' "$log" | awk '{s+=$1} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$rc" -ne 0 ]; then
    [ "$f" -eq 0 ] && failed=$((failed + 1))
    failures+=("$name")
  fi
}

# Starts the release server on a fresh database; sets BASE_URL.
start_server() {
  local database="$1"
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  export BASE_URL="http://127.0.0.1:$port"
  local bin="${CARGO_TARGET_DIR:-$ROOT/target}/release/forecourt"
  DATABASE_URL="$database" FORECOURT_ADDR="127.0.0.1:$port" FORECOURT_SITE_ROOT="$ROOT/target/site" \
    "$bin" seed-demo >"$LOG_DIR/seed.log" 2>&1 || { cat "$LOG_DIR/seed.log"; return 1; }
  DATABASE_URL="$database" FORECOURT_ADDR="127.0.0.1:$port" FORECOURT_SITE_ROOT="$ROOT/target/site" \
    "$bin" serve >"$LOG_DIR/server-$port.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fs "$BASE_URL/healthz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  cat "$LOG_DIR/server-$port.log"
  return 1
}

VENV="${FORECOURT_VENV:-$HOME/.cache/forecourt/venv}"

# The served OpenAPI document passes the validator integrators use, and a client
# generates from it.
openapi_checks() {
  local doc="$LOG_DIR/openapi.json"
  curl -fs "$BASE_URL/api/v1/openapi.json" -o "$doc" || return 1
  check "OpenAPI document valid (openapi-spec-validator)" "$VENV/bin/openapi-spec-validator" "$doc"
  check "OpenAPI client generates (openapi-python-client)" \
    "$VENV/bin/openapi-python-client" generate --path "$doc" --output-path "$LOG_DIR/client" --overwrite \
    --config scripts/openapi-client.yaml
}

# Schemathesis against the REST API on its own database (it writes): every operation with
# an admin key and with a sales key, a bounded number of generated requests each; no 5xx,
# and every answer as the document says. One worker: schemathesis's workers are threads, and
# Python 3.11's `ast.parse` (which Hypothesis calls to describe a strategy) is not safe across
# threads ("AST constructor recursion depth mismatch", CPython gh-106905, fixed only in 3.12+).
api_fuzz() {
  local bin="${CARGO_TARGET_DIR:-$ROOT/target}/release/forecourt" db="$LOG_DIR/fuzz.db"
  start_server "$db" || return 1
  local admin sales
  admin="$(DATABASE_URL="$db" "$bin" create-api-key --name fuzz-admin --role admin --allow-admin | tail -1)"
  sales="$(DATABASE_URL="$db" "$bin" create-api-key --name fuzz-sales --role sales --store SH01 | tail -1)"
  local rc=0 who key
  for who in admin sales; do
    [ "$who" = admin ] && key="$admin" || key="$sales"
    step "schemathesis with the $who key"
    "$VENV/bin/st" --config-file scripts/schemathesis.toml run "$BASE_URL/api/v1/openapi.json" --url "$BASE_URL" \
      -H "Authorization: Bearer $key" --checks all --max-examples "${FORECOURT_FUZZ_EXAMPLES:-25}" \
      --phases examples,coverage,fuzzing,stateful --seed 20261127 --workers 1 --no-color --generation-database none \
      --report junit --report-dir "$LOG_DIR/schemathesis-$who" 2>&1 | tail -40 || rc=1
  done
  stop_server
  return $rc
}

stop_server() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=""
}

playwright() {
  local name="$1"
  step "$name"
  local log="$LOG_DIR/$(echo "$name" | tr ' /' '__').log"
  (cd end2end && npx playwright test) 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local p f
  p=$(grep -Eo '^ +[0-9]+ passed' "$log" | awk '{s+=$1} END {print s+0}')
  f=$(grep -Eo '^ +[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$rc" -ne 0 ]; then
    [ "$f" -eq 0 ] && failed=$((failed + 1))
    failures+=("$name")
  fi
}

check "cargo fmt --check" cargo fmt --all --check
check "clippy (ssr)" cargo clippy -p app -p server --features app/ssr --all-targets -- -D warnings
check "clippy (hydrate)" cargo clippy -p app -p frontend --features app/hydrate --target wasm32-unknown-unknown -- -D warnings
check "no import cycle among modules" python3 scripts/check_cycles.py app/src server/src

step "PostgreSQL 15 throwaway cluster"
if eval "$(bash scripts/pg-cluster.sh start)"; then
  PG_DIR="$FORECOURT_PG_DIR"
  echo "running at $FORECOURT_TEST_PG"
else
  failed=$((failed + 1)); failures+=("PostgreSQL cluster")
fi

cargo_tests "Rust tests (SQLite and PostgreSQL)" cargo test -p app -p server --features app/ssr

step "release build (cargo leptos build --release)"
if cargo leptos build --release; then
  for db in sqlite postgres; do
    if [ "$db" = sqlite ]; then
      url="$LOG_DIR/e2e.db"
    else
      url="${FORECOURT_TEST_PG%/*}/fc_e2e"
      psql "$FORECOURT_TEST_PG" -qc "DROP DATABASE IF EXISTS fc_e2e" -c "CREATE DATABASE fc_e2e" >/dev/null
    fi
    if start_server "$url"; then
      [ "$db" = sqlite ] && openapi_checks
      playwright "Playwright in Chromium ($db)"
    else
      failed=$((failed + 1)); failures+=("server start ($db)")
    fi
    stop_server
  done
  check "schemathesis: the REST API, admin and sales keys" api_fuzz
  check "abuse replay (bench/abuse.sh)" bash bench/abuse.sh
else
  failed=$((failed + 1)); failures+=("release build")
fi

echo
[ "${#failures[@]}" -gt 0 ] && printf 'failed: %s\n' "${failures[@]}"
echo "logs: $LOG_DIR"
echo "summary: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

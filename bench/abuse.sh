#!/usr/bin/env bash
# Replays each finding of the first hardening round (see bench/abuse.py) against a release
# build (`cargo leptos build --release`) on a fresh SQLite file with the demo data, and
# prints one line per case: expected status, got status, server still healthy. Then the
# server's peak memory during a flood of 40 parallel sign-ins. Exits non-zero if any case
# is not as expected. Needs python3 (standard library only).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/forecourt"
[ -x "$BIN" ] || { echo "build first: cargo leptos build --release" >&2; exit 1; }

work="$(mktemp -d /tmp/forecourt-abuse.XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export DATABASE_URL="$work/abuse.db" FORECOURT_ADDR="127.0.0.1:$port" FORECOURT_SITE_ROOT="$ROOT/target/site"
export BASE_URL="http://$FORECOURT_ADDR" FORECOURT_LOG=warn FORECOURT_BIN="$BIN"
"$BIN" seed-demo >/dev/null
key() { "$BIN" create-api-key "$@" | tail -1; }
ADMIN_KEY="$(key --name abuse-admin --role admin --allow-admin)"
SALES_KEY="$(key --name abuse-sales --role sales --store SH01)"
MANAGER_KEY="$(key --name abuse-manager --role sales_manager --store SH01)"
export ADMIN_KEY SALES_KEY MANAGER_KEY

"$BIN" serve >"$work/server.log" 2>&1 &
SERVER_PID=$!
export SERVER_PID
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "$BASE_URL/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

rc=0
python3 bench/abuse.py || rc=$?
if grep -q 'panicked' "$work/server.log"; then
  echo "the server log shows a panic:"; grep -m5 'panicked' "$work/server.log"; rc=1
fi
kill -0 "$SERVER_PID" 2>/dev/null || { echo "the server is gone"; rc=1; }
exit $rc

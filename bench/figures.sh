#!/usr/bin/env bash
# Prints Forecourt's size and speed figures, against a release build
# (`cargo leptos build --release`, as scripts/run.sh and scripts/test.sh make it):
#   - the WASM (the islands' code), raw and brotli (as served), and what weighs in it,
#     crate by crate;
#   - per page (login, home, the inventory pages, the CRM pages): the bytes a cold load
#     moves after sign-in, measured in Chromium from the network;
#   - Lighthouse (12, mobile preset) for /login, /, /inventory, the CRM pages and the
#     reports, signed in (the reports as the general manager);
#   - server throughput of a signed-in data page against the trivial sign-in page;
#   - with --clean-build: the time of a clean release build.
# Page weights and Lighthouse need the npm packages in bench/ (installed here when missing)
# and Debian's chromium; throughput needs wrk (installed here when missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$ROOT/end2end/node_modules/.bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

if [ "${1:-}" = "--clean-build" ]; then
  scratch="$(mktemp -d /tmp/forecourt-clean-build.XXXXXX)"
  echo "clean release build in $scratch (takes minutes)…"
  start=$(date +%s)
  CARGO_TARGET_DIR="$scratch" cargo leptos build --release >"$scratch.log" 2>&1 \
    || { tail -20 "$scratch.log"; exit 1; }
  end=$(date +%s)
  echo "clean build (cargo leptos build --release, $(nproc) cores): $((end - start)) s"
  rm -rf "$scratch" "$scratch.log"
fi

BIN="$TARGET/release/forecourt"
[ -x "$BIN" ] || { echo "build first: cargo leptos build --release" >&2; exit 1; }
PKG="$ROOT/target/site/pkg"

work="$(mktemp -d /tmp/forecourt-figures.XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export DATABASE_URL="$work/figures.db" FORECOURT_ADDR="127.0.0.1:$port" FORECOURT_SITE_ROOT="$ROOT/target/site"
export BASE_URL="http://$FORECOURT_ADDR" FORECOURT_LOG=warn
# The demo group with two years of sales, as scripts/run.sh loads it, so the reports
# have a history to draw.
"$BIN" seed-demo --orders 20000 >/dev/null
"$BIN" serve >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "$BASE_URL/healthz" >/dev/null && break; sleep 0.2; done
# The server compresses the build outputs in the background at start.
for _ in $(seq 1 100); do ls "$PKG"/*.wasm.br >/dev/null 2>&1 && break; sleep 0.2; done
sleep 1

kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }

echo "== WASM (site/pkg)"
for wasm in $(ls -S "$PKG"/*.wasm); do
  br=$(stat -c %s "$wasm.br" 2>/dev/null || echo 0)
  printf '  %-58s raw %10s  brotli %10s\n' "$(basename "$wasm")" "$(kib "$(stat -c %s "$wasm")")" "$(kib "$br")"
done
named="$TARGET/front/wasm32-unknown-unknown/wasm-release/frontend.wasm"
if [ -f "$named" ]; then
  echo
  echo "== what weighs in it"
  python3 bench/wasm_crates.py "$named" 15
fi

if [ ! -f bench/node_modules/.package-lock.json ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
  (cd bench && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

echo
echo "== page weight"
node bench/pages.mjs sh.sales
node bench/pages.mjs gm /analytics /analytics/sales /analytics/cycle /analytics/customers \
  /analytics/turnover /analytics/outlook /analytics/targets

echo
echo "== Lighthouse 12, mobile preset (Debian chromium)"
sign_in() { # user → a headers file with its session cookie
  local jar="$work/cookies.$1"
  curl -fs -c "$jar" -o /dev/null -H 'accept: application/json' \
    --data "username=$1&password=forecourt-demo" "$BASE_URL/sfn/login"
  printf '{"Cookie": "fc_session=%s"}' "$(awk '$6 == "fc_session" { print $7 }' "$jar")" >"$work/headers.$1.json"
}
sign_in sh.sales
sign_in gm
session="$(awk '$6 == "fc_session" { print $7 }' "$work/cookies.sh.sales")"
for path in /login / /inventory /crm/customers /crm/customers/new /crm/leads/list /crm/follow-ups \
    /analytics /analytics/sales /analytics/cycle /analytics/customers /analytics/turnover /analytics/outlook; do
  headers=()
  case "$path" in
    /login) ;;
    /analytics*) headers=(--extra-headers="$work/headers.gm.json") ;;
    *) headers=(--extra-headers="$work/headers.sh.sales.json") ;;
  esac
  if CHROME_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}" bench/node_modules/.bin/lighthouse "$BASE_URL$path" \
      --quiet --output=json --output-path="$work/lh.json" "${headers[@]}" \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking" \
      --only-categories=performance,accessibility,best-practices,seo >/dev/null 2>&1; then
    python3 - "$path" "$work/lh.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[2]))
c = {k: round(v["score"] * 100) for k, v in r["categories"].items()}
a = r["audits"]
print(f"  {sys.argv[1]:<20} performance {c['performance']:>3}  accessibility {c['accessibility']:>3}"
      f"  best practices {c['best-practices']:>3}  SEO {c['seo']:>3}"
      f"  (FCP {a['first-contentful-paint']['displayValue']}, LCP {a['largest-contentful-paint']['displayValue']},"
      f" TBT {a['total-blocking-time']['displayValue']})")
ids = {x["id"] for x in r["categories"]["accessibility"]["auditRefs"]}
failed = [k for k, v in a.items() if k in ids and v.get("score") is not None and v["score"] < 1]
if failed:
    print(f"  {'':<20} accessibility audits not passed: {', '.join(failed)}")
EOF
  else
    echo "  $path: lighthouse failed"
  fi
done

echo
echo "== throughput (wrk, 16 connections, 10 s each; signed in)"
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq wrk >/dev/null 2>&1 || true; fi
fi
if command -v wrk >/dev/null; then
  for path in /login /inventory /inventory/vehicles; do
    out="$(wrk -t2 -c16 -d10s -H "Cookie: fc_session=$session" -H 'Accept-Encoding: br' "$BASE_URL$path" 2>&1)"
    rps="$(echo "$out" | awk '/Requests\/sec/ { print $2 }')"
    lat="$(echo "$out" | awk '/Latency/ { print $2 }')"
    printf '  %-22s %10s req/s   mean latency %s\n' "$path" "$rps" "$lat"
  done
else
  echo "  wrk not available"
fi

#!/usr/bin/env bash
# Prints Forecourt's size and speed figures:
#   - the WASM bundle: raw, gzip -9 and brotli (as served, precompressed by the server);
#   - the first screen after sign-in: every byte the browser downloads, compressed;
#   - with --clean-build: the time of a clean `cargo leptos build --release`.
# Run after `cargo leptos build --release` (scripts/run.sh or scripts/test.sh do that).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"

if [ "${1:-}" = "--clean-build" ]; then
  scratch="$(mktemp -d /tmp/forecourt-clean-build.XXXXXX)"
  echo "clean release build in $scratch (takes minutes)…"
  start=$(date +%s)
  CARGO_TARGET_DIR="$scratch" cargo leptos build --release >"$scratch.log" 2>&1 || { tail -20 "$scratch.log"; exit 1; }
  end=$(date +%s)
  echo "clean build (cargo leptos build --release, $(nproc) cores): $((end - start)) s"
  rm -rf "$scratch" "$scratch.log"
fi

BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/forecourt"
[ -x "$BIN" ] || { echo "build first: cargo leptos build --release" >&2; exit 1; }
PKG="$ROOT/target/site/pkg"

work="$(mktemp -d /tmp/forecourt-figures.XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export DATABASE_URL="$work/figures.db" FORECOURT_ADDR="127.0.0.1:$port" FORECOURT_SITE_ROOT="$ROOT/target/site"
"$BIN" seed-demo >/dev/null
"$BIN" serve >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "http://$FORECOURT_ADDR/healthz" >/dev/null && break; sleep 0.2; done

wasm="$(ls "$PKG"/*.wasm | head -1)"
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
br=$(stat -c %s "$wasm.br")
kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }
echo "WASM $(basename "$wasm"): raw $(kib "$raw"), gzip $(kib "$gz"), brotli $(kib "$br")"

# The first screen: sign in, then the home page and everything it loads.
jar="$work/cookies"
curl -fs -c "$jar" -o /dev/null -H 'accept: application/json' \
  --data 'username=sh.sales&password=forecourt-demo' "http://$FORECOURT_ADDR/sfn/login"
fetch() { curl -fs -b "$jar" -o /dev/null -H 'accept-encoding: br, gzip' -w '%{size_download}' "http://$FORECOURT_ADDR$1"; }
html="$(curl -fs -b "$jar" "http://$FORECOURT_ADDR/")"
total=0
printf '%-60s %10s\n' "first screen (sh.sales, /)" "bytes"
for path in / $(echo "$html" | grep -Eo '(href|src)="/(pkg|icons)/[^"]+"|/pkg/[^"'"'"' ]+\.(js|wasm|css)' | sed -E 's/^(href|src)="//; s/"$//' | sort -u); do
  n=$(fetch "$path")
  printf '%-60s %10s\n' "$path" "$n"
  total=$((total + n))
done
echo "first screen total transfer (compressed): $(kib "$total")"

# Server-side latency of the home page, signed in (TCP_NODELAY keeps it low).
t=$(for _ in $(seq 1 50); do curl -fs -b "$jar" -o /dev/null -w '%{time_total}\n' "http://$FORECOURT_ADDR/"; done | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int(NR/2)+1]*1000}')
echo "home page, signed in: median ${t} ms over 50 requests"

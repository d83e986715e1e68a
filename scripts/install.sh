#!/usr/bin/env bash
# Installs what Forecourt needs, skipping whatever is already present at the right version.
#   scripts/install.sh run    — to build and run the app
#   scripts/install.sh test   — also PostgreSQL 15 and Chromium for the tests
# Everything comes from the package registries (crates.io, npm, Debian); nothing else is
# downloaded. Safe to run again: a complete machine takes a second or two.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODE="${1:-run}"
CARGO_LEPTOS_VERSION="0.3.6"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$ROOT/end2end/node_modules/.bin:$PATH"

say() { printf '\033[1;34m[install]\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

# --- Debian packages -------------------------------------------------------------------
apt_missing=()
command -v cc >/dev/null || apt_missing+=(gcc)
command -v npm >/dev/null || apt_missing+=(nodejs npm)
command -v curl >/dev/null || apt_missing+=(curl)
command -v python3 >/dev/null || apt_missing+=(python3)
# cargo-leptos links the system OpenSSL instead of compiling its own copy (minutes on 2 cores).
pkg-config --exists openssl 2>/dev/null || apt_missing+=(pkg-config libssl-dev)
if [ "$MODE" = "test" ]; then
  [ -x /usr/bin/chromium ] || apt_missing+=(chromium)
  [ -x /usr/lib/postgresql/15/bin/initdb ] || apt_missing+=(postgresql-15)
  command -v psql >/dev/null || apt_missing+=(postgresql-client-15)
  python3 -m venv --help >/dev/null 2>&1 || apt_missing+=(python3-venv)
fi
if [ "${#apt_missing[@]}" -gt 0 ]; then
  say "apt: ${apt_missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

# --- Rust toolchain pieces -------------------------------------------------------------
if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust (stable) with rustup first" >&2
  exit 1
fi
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# Build tools need not be maximally optimised: cargo-leptos's own release profile is fat
# LTO with one codegen unit, whose final link alone took most of a 26-minute install on
# 2 cores. Thin-local LTO and 16 codegen units build the same tools in a fraction of that,
# and the system's OpenSSL spares compiling the copy cargo-leptos would vendor.
fast_tool_build() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=2 CARGO_PROFILE_RELEASE_DEBUG=false OPENSSL_NO_VENDOR=1 "$@"
}

# npm downloads while cargo compiles: nothing waits that need not.
npm_pid=""
if [ ! -f "$ROOT/end2end/node_modules/.package-lock.json" ] \
  || [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
  say "npm ci (end2end: binaryen, @playwright/test), in the background"
  (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) &
  npm_pid=$!
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WBG_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
need_leptos=""; need_wbg=""
[ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" = "$CARGO_LEPTOS_VERSION" ] || need_leptos=1
[ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" = "$WBG_VERSION" ] || need_wbg=1
if [ -n "$need_leptos$need_wbg" ]; then
  # The two compile side by side: each one's serial stretches (downloads, build scripts,
  # the final link) leave a core to the other.
  [ -n "$need_leptos" ] && say "cargo-leptos $CARGO_LEPTOS_VERSION (about 8 minutes on 2 cores)"
  [ -n "$need_wbg" ] && say "wasm-bindgen-cli $WBG_VERSION (about 3 minutes)"
  wbg_pid=""
  if [ -n "$need_wbg" ]; then
    # Not --locked: its lockfile names a crate version the registry may lack.
    fast_tool_build cargo install --quiet wasm-bindgen-cli --version "$WBG_VERSION" &
    wbg_pid=$!
  fi
  if [ -n "$need_leptos" ]; then
    fast_tool_build cargo install --quiet --locked "cargo-leptos@$CARGO_LEPTOS_VERSION" --features no_downloads
  fi
  [ -z "$wbg_pid" ] || wait "$wbg_pid"
fi

# --- Python tools for the tests (OpenAPI validator, client generator, schemathesis) ---
if [ "$MODE" = "test" ]; then
  VENV="${FORECOURT_VENV:-$HOME/.cache/forecourt/venv}"
  REQ="$ROOT/scripts/requirements-test.txt"
  if ! cmp -s "$REQ" "$VENV/.requirements" 2>/dev/null; then
    say "python tools ($VENV)"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQ"
    cp "$REQ" "$VENV/.requirements"
  fi
fi

# --- npm: wasm-opt (binaryen) for release builds, Playwright for browser tests ---------
[ -z "$npm_pid" ] || wait "$npm_pid"
command -v wasm-opt >/dev/null || { echo "wasm-opt missing after npm ci" >&2; exit 1; }

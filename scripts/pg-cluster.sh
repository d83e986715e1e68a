#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests, on a free port of 127.0.0.1.
#   eval "$(scripts/pg-cluster.sh start)"   # exports FORECOURT_TEST_PG and FORECOURT_PG_DIR
#   scripts/pg-cluster.sh stop "$FORECOURT_PG_DIR"
# As root it runs the server as the `postgres` user (or `nobody`): initdb refuses root.
set -euo pipefail
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"

run_as() {
  if [ "$(id -u)" -eq 0 ]; then
    local user=postgres
    id "$user" >/dev/null 2>&1 || user=nobody
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

case "${1:-}" in
  start)
    dir="$(mktemp -d /tmp/forecourt-pg.XXXXXX)"
    [ "$(id -u)" -eq 0 ] && { id postgres >/dev/null 2>&1 && chown postgres "$dir" || chown nobody "$dir"; }
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    run_as "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # Durability off: this cluster lives for one test run.
    run_as "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
      >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "export FORECOURT_TEST_PG=postgres://postgres@127.0.0.1:$port/postgres"
    echo "export FORECOURT_PG_DIR=$dir"
    ;;
  stop)
    dir="${2:?usage: pg-cluster.sh stop DIR}"
    run_as "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac

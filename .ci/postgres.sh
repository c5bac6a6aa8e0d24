#!/usr/bin/env bash
# Installs PostgreSQL from Debian's packages if needed, starts a throw-away
# cluster on a local port and prints the DSN on stdout. Works on a fresh
# machine and where PostgreSQL is already installed.
#   export CIMKIT_POSTGRES_DSN=$(bash .ci/postgres.sh)
set -euo pipefail
port=${CIMKIT_PG_PORT:-54329}
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql) >&2
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=${CIMKIT_PG_DIR:-/tmp/cimkit-pg-$port}
if [ -f "$dir/data/postmaster.pid" ] && "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  :
else
  rm -rf "$dir"
  mkdir -p "$dir"
  chown postgres:postgres "$dir" 2>/dev/null || true
  as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres >&2
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2
  "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE cimkit" >&2
fi
echo "postgres://postgres@127.0.0.1:$port/cimkit?sslmode=disable"

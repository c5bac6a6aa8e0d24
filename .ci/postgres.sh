#!/usr/bin/env bash
# Installs PostgreSQL from Debian's packages if needed, starts a throw-away
# cluster on a local port (unless one of ours already answers there) and
# prints the DSN on stdout. Works on a fresh machine and where PostgreSQL is
# already installed.
#   export CIMKIT_POSTGRES_DSN=$(bash .ci/postgres.sh)
set -euo pipefail
port=${CIMKIT_PG_PORT:-54329}
dsn="postgres://postgres@127.0.0.1:$port/cimkit?sslmode=disable"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql) >&2
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  dir=$(mktemp -d /tmp/cimkit-pg.XXXXXX)
  chown postgres:postgres "$dir" 2>/dev/null || true
  as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2 \
    || { cat "$dir/log" >&2; exit 1; }
fi
if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'cimkit'" | grep -q 1; then
  "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE cimkit" >&2
fi
echo "$dsn"

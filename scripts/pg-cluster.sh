#!/usr/bin/env bash
# A PostgreSQL primary and its streaming standby on loopback, for the failover test and for trying a standby by hand.
#
#   scripts/pg-cluster.sh primary DIR PORT           a new cluster in DIR/data, streaming-ready, listening on PORT
#   scripts/pg-cluster.sh standby DIR PRIMARY PORT   a hot standby in DIR/data, copied from the primary on PRIMARY
#   scripts/pg-cluster.sh promote DIR                the standby in DIR becomes a primary (failover)
#   scripts/pg-cluster.sh stop DIR                   stops the cluster in DIR at once (a crash, as far as it knows)
#   scripts/pg-cluster.sh remove DIR                 stops it and removes DIR
#
# Loopback only, trust authentication, durability off: a test cluster. Production standbys are set up by the DBA
# (ADR 0010 §9); what this shows is what Madoguchi needs of them: streaming replication and a promotion.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/postgres.sh

bin=${MADOGUCHI_PG_BIN:-$(postgres_bin)}
command=${1:-}
dir=${2:-}
[ -n "$command" ] && [ -n "$dir" ] || { sed -n '2,9p' "$0" >&2; exit 2; }

options() {
  echo "-c listen_addresses=127.0.0.1 -p $1 -k $dir -c fsync=off -c full_page_writes=off -c max_connections=100 \
    -c wal_level=replica -c max_wal_senders=4 -c hot_standby=on -c wal_keep_size=64MB"
}

# The server keeps no descriptor of the caller's: a caller reading this script's output to its end is not held open
# by the postmaster.
start() {
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(options "$1")" start </dev/null >>"$dir/pg_ctl.log" 2>&1 \
    || { cat "$dir/pg_ctl.log" "$dir/server.log" >&2; exit 1; }
}

case "$command" in
  primary)
    port=$3
    mkdir -p "$dir"; chmod 755 "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    start "$port"
    ;;
  standby)
    primary=$3 port=$4
    mkdir -p "$dir"; chmod 755 "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    # -R writes primary_conninfo and standby.signal: the copy starts as a hot standby streaming from the primary.
    as_postgres "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary" -U postgres -D "$dir/data" -R -X stream -c fast >"$dir/basebackup.log" 2>&1 \
      || { cat "$dir/basebackup.log" >&2; exit 1; }
    start "$port"
    ;;
  promote)
    as_postgres "$bin/pg_ctl" -D "$dir/data" -w -t 60 promote >/dev/null
    ;;
  stop)
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    ;;
  remove)
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    sed -n '2,9p' "$0" >&2; exit 2
    ;;
esac

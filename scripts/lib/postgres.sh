# A private PostgreSQL for the test run: a new cluster in a temporary folder, owned by the `postgres` user, listening
# on loopback only, stopped (and its folder removed) when the calling script exits. Sourced, not run.
#
# After `start_test_postgres`:
#   MADOGUCHI_TEST_POSTGRES  the server's URL (tests make and drop a database of their own on it)
#   MADOGUCHI_PG_BIN         the folder of initdb, pg_ctl, pg_basebackup (for the standby tests)

postgres_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "PostgreSQL's server programs were not found under /usr/lib/postgresql (Debian package: postgresql)." >&2
    return 1
  fi
  echo "$bin"
}

# Runs a command as the postgres user (initdb refuses root).
as_postgres() {
  if [ "$(id -un)" = "postgres" ]; then "$@"; return; fi
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres -- "$@"; fi
}

start_test_postgres() {
  local bin port dir
  bin=$(postgres_bin)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  dir=$(mktemp -d /tmp/madoguchi-pg.XXXXXX)
  chmod 755 "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
  as_postgres "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2; return 1; }
  # Loopback only, no Unix socket outside the folder; durability off (a test cluster is thrown away); room for the
  # streaming standby the failover test makes.
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c wal_level=replica -c max_wal_senders=4" \
    start >/dev/null
  MADOGUCHI_TEST_PG_DIR="$dir"
  export MADOGUCHI_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres"
  export MADOGUCHI_PG_BIN="$bin"
  trap stop_test_postgres EXIT
  echo "PostgreSQL for the tests: $MADOGUCHI_TEST_POSTGRES"
}

stop_test_postgres() {
  if [ -n "${MADOGUCHI_TEST_PG_DIR:-}" ] && [ -d "$MADOGUCHI_TEST_PG_DIR/data" ]; then
    as_postgres "$MADOGUCHI_PG_BIN/pg_ctl" -D "$MADOGUCHI_TEST_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$MADOGUCHI_TEST_PG_DIR"
  fi
}

# Shared by scripts/bench.sh and scripts/load.sh (sourced, not run).

# ensure_database URL: create the PostgreSQL database URL names when it does not exist
# (psql reads the same URL, pointed at the server's "postgres" database).
ensure_database() {
  local url="$1" server name
  server="${url%/*}/postgres"
  name="${url##*/}"
  name="${name%%\?*}"
  if ! psql "$server" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    echo "== creating database $name"
    psql "$server" -qc "CREATE DATABASE \"$name\""
  fi
}

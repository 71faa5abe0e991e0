#!/usr/bin/env bash
# Benchmarks on PostgreSQL (docs/benchmarks.md). Creates the database and the dataset when missing.
#   DATABASE_URL   default postgres://postgres@127.0.0.1:5432/kedao_bench
#   BENCH_ARGS     extra arguments for bench/scoped_list.py (e.g. "--runs 50")
#   DUP_DATABASE_URL  database of the duplicate-candidates benchmark (1,000,000 customers of its own)
#                     default postgres://postgres@127.0.0.1:5432/kedao_bench_dup
#   DUP_ARGS       extra arguments for bench/duplicates.py (e.g. "--probes 500")
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kedao_bench}"
export KEDAO_DEV=1
PY=.venv/bin/python

case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "The benchmark needs PostgreSQL; DATABASE_URL=$DATABASE_URL" >&2; exit 2 ;;
esac

# Create the database when it does not exist (psql and createdb read the same URL).
server_url="${DATABASE_URL%/*}/postgres"
db_name="${DATABASE_URL##*/}"
db_name="${db_name%%\?*}"
if ! psql "$server_url" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$db_name'" | grep -q 1; then
  echo "== creating database $db_name"
  psql "$server_url" -qc "CREATE DATABASE \"$db_name\""
fi

echo "== migrate"
$PY manage.py migrate --no-input -v0

echo "== bench_data (skipped when present)"
$PY manage.py bench_data --customers 200000 --users 1000 --units 250

echo "== scoped list"
# shellcheck disable=SC2086
$PY bench/scoped_list.py ${BENCH_ARGS:-}

echo "== import (100,000-row .xlsx, end to end)"
$PY bench/imports.py

echo "== duplicate candidates (its own database; filled with 1,000,000 customers when missing)"
dup_url="${DUP_DATABASE_URL:-${DATABASE_URL%/*}/kedao_bench_dup}"
dup_name="${dup_url##*/}"
dup_name="${dup_name%%\?*}"
if ! psql "$server_url" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$dup_name'" | grep -q 1; then
  psql "$server_url" -qc "CREATE DATABASE \"$dup_name\""
fi
DATABASE_URL="$dup_url" $PY manage.py migrate --no-input -v0
# shellcheck disable=SC2086
DATABASE_URL="$dup_url" $PY bench/duplicates.py ${DUP_ARGS:-}
echo "== 360° customer page"
$PY bench/customer_page.py
echo "== sales: funnel, opportunity list and kanban on 500,000 opportunities (added once)"
$PY bench/sales.py

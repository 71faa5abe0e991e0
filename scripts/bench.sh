#!/usr/bin/env bash
# Benchmarks on PostgreSQL (docs/benchmarks.md). Creates the database and the dataset when missing.
#   DATABASE_URL   default postgres://postgres@127.0.0.1:5432/kedao_bench
#   BENCH_SIZE     the dataset, S (default) or M (manage.py bench_dataset; docs/benchmarks.md, "Datasets")
#   BENCH_ARGS     extra arguments for bench/scoped_list.py (e.g. "--runs 50")
#   DUP_DATABASE_URL  database of the duplicate-candidates benchmark (customers of its own: 1,000,000
#                     for M, 50,000 for S); default …/kedao_bench_dup (M) or …/kedao_bench_dup_s (S)
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

# shellcheck source=scripts/lib.sh
. scripts/lib.sh
ensure_database "$DATABASE_URL"

echo "== migrate"
$PY manage.py migrate --no-input -v0

size="${BENCH_SIZE:-S}"
# S is the quick run (a few minutes once its data is there): smaller side data sets for the
# import, duplicate and 360° page benchmarks too. M uses the sizes their targets name.
case "$size" in
  S) opportunities=20000; activities=500000; import_rows=20000; dup_customers=50000; dup_suffix=_s
     page_args="--entries 5000 --noise 50000" ;;
  M) opportunities=500000; activities=10000000; import_rows=100000; dup_customers=1000000; dup_suffix=""
     page_args="" ;;
  *) echo "BENCH_SIZE is S or M, not $size" >&2; exit 2 ;;
esac
echo "== bench_dataset --size $size (skipped when present)"
$PY manage.py bench_dataset --size "$size"

runs=30
[ "$size" = S ] && runs=15   # the S set is the quick run (make bench: a few minutes once the data is there)

echo "== list pages and API: customers, contacts, opportunities, activities × seller, branch, CEO"
$PY bench/lists.py --runs "$runs"

echo "== scoped list"
# shellcheck disable=SC2086
$PY bench/scoped_list.py ${BENCH_ARGS:-}

echo "== import ($import_rows-row .xlsx, end to end)"
$PY bench/imports.py --rows "$import_rows"

echo "== duplicate candidates (its own database; filled with $dup_customers customers when missing)"
dup_url="${DUP_DATABASE_URL:-${DATABASE_URL%/*}/kedao_bench_dup$dup_suffix}"
ensure_database "$dup_url"
DATABASE_URL="$dup_url" $PY manage.py migrate --no-input -v0
# shellcheck disable=SC2086
DATABASE_URL="$dup_url" $PY bench/duplicates.py --customers "$dup_customers" ${DUP_ARGS:-}
echo "== 360° customer page"
# shellcheck disable=SC2086
$PY bench/customer_page.py $page_args
echo "== sales: funnel, opportunity list and kanban ($opportunities opportunities, in the dataset)"
$PY bench/sales.py --opportunities "$opportunities"
echo "== activities: calendar, team page, daily reports ($activities activities, in the dataset)"
$PY bench/activities.py --activities "$activities"
echo "== targets: plan vs actual and the HQ forecast"
$PY bench/targets.py
echo "== reports, dashboards and export against their floors"
$PY bench/reports.py --runs "$runs"

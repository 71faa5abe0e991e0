#!/usr/bin/env bash
# Start Kedao on SQLite with demo data: web server and background worker, until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
export KEDAO_DEV=1
PY=.venv/bin/python
mkdir -p var
$PY manage.py migrate --no-input -v0
$PY manage.py demo_data
$PY manage.py collectstatic --no-input -v0
# The worker (django-tasks-db's db_worker that first recovers the work of stopped workers).
$PY manage.py run_worker --interval 2 --no-reload >var/worker.log 2>&1 &
worker=$!
# The clock of periodic jobs (APScheduler; the pool's return and warnings, pruning, recovery): it
# queues each due job for the worker. One per app server in production; only one fires.
$PY manage.py scheduler >var/scheduled.log 2>&1 &
scheduler=$!
trap 'kill $worker $scheduler 2>/dev/null || true' EXIT INT TERM
cat <<MSG

  Kedao is running at http://127.0.0.1:8000   (Ctrl-C stops server and worker)
  Log in as admin / admin, or as any demo user listed above with the password "demo"
  (ceo, north.manager, north.seller1 …). Background worker log: var/worker.log, periodic jobs: var/scheduled.log

MSG
$PY manage.py runserver 127.0.0.1:8000

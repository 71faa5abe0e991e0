#!/usr/bin/env bash
# Load test (docs/benchmarks.md, "Load test"): gunicorn on 127.0.0.1 with PostgreSQL and Redis, driven
# by locust (bench/load/locustfile.py: sellers and managers), CPU of app and database sampled.
#
#   scripts/load.sh                      one run: LOAD_USERS users for LOAD_DURATION
#   scripts/load.sh --users 30 --duration 2m
#   scripts/load.sh --find-max           short steps (LOAD_STEPS), stops at the first that misses
#
#   DATABASE_URL        default postgres://postgres@127.0.0.1:5432/kedao_bench (created and filled when missing)
#   LOAD_DATASET        S (default) or M: `manage.py bench_dataset --size …` when the data is missing
#   LOAD_DATA_ARGS      instead, arguments of `manage.py bench_data` (its default without bench_dataset:
#                       "--customers 50000 --users 100 --units 30")
#   LOAD_OPPORTUNITIES / LOAD_ACTIVITIES   added once when the database has none (50000 / 500000)
#   REDIS_URL           default redis://127.0.0.1:6379/3
#   WORKERS             gunicorn workers, default 2 × cores + 1;  LOAD_PORT default 8077
#   LOAD_USERS          default 200;  LOAD_DURATION default 10m;  LOAD_SPAWN_RATE default users/60 (≥ 1)
#   LOAD_STEPS          --find-max: default "50 100 200 300";  LOAD_STEP_DURATION default 3m; after the
#                       first step that misses, LOAD_BISECT (2) steps halve the gap to the last that held
# Results: bench/results/load-<users>.json (and load-max.json); locust's CSV, table (.out) and log, and
# the server's log (gunicorn.log) under var/load/.
# The server is plain HTTP on the loopback: SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 (see
# docs/deployment.md, "Plain-HTTP intranet"); DEBUG off, static files collected, as in production.
set -euo pipefail
cd "$(dirname "$0")/.."

find_max=0
while [ $# -gt 0 ]; do
  case "$1" in
    --find-max) find_max=1 ;;
    --users) LOAD_USERS="$2"; shift ;;
    --duration) LOAD_DURATION="$2"; shift ;;
    --steps) LOAD_STEPS="$2"; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kedao_bench}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/3}"
export KEDAO_VAR_DIR="${KEDAO_VAR_DIR:-$PWD/var/load}"
export SECRET_KEY="${SECRET_KEY:-load-test-only-secret-key-not-for-production-0123456789}"
# Production settings (DEBUG off, hashed static files), over plain HTTP on the loopback.
unset KEDAO_DEV
export DEBUG=0 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0 ALLOWED_HOSTS=127.0.0.1
cores=$(nproc)
WORKERS="${WORKERS:-$((2 * cores + 1))}"
PORT="${LOAD_PORT:-8077}"
USERS="${LOAD_USERS:-200}"
DURATION="${LOAD_DURATION:-10m}"
STEPS="${LOAD_STEPS:-50 100 200 300}"
STEP_DURATION="${LOAD_STEP_DURATION:-3m}"
PY=.venv/bin/python
LOAD_PY=.venv-load/bin/python
RESULTS=bench/results
mkdir -p "$KEDAO_VAR_DIR" "$RESULTS"

case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "The load test needs PostgreSQL; DATABASE_URL=$DATABASE_URL" >&2; exit 2 ;;
esac

if [ ! -x .venv-load/bin/locust ]; then
  echo "== creating .venv-load (locust, bench/load/requirements.txt)"
  python3 -m venv .venv-load
  .venv-load/bin/python -m pip install --quiet -r bench/load/requirements.txt
fi

# shellcheck source=scripts/lib.sh
. scripts/lib.sh
ensure_database "$DATABASE_URL"
db_name="${DATABASE_URL##*/}"
db_name="${db_name%%\?*}"

echo "== migrate"
$PY manage.py migrate --no-input -v0
echo "== dataset (skipped when present)"
if [ -z "${LOAD_DATA_ARGS:-}" ] && [ -f demo/management/commands/bench_dataset.py ]; then
  # The benchmark datasets: S (100 users, 50,000 customers) or M (1,000 users, 1,000,000 customers).
  $PY manage.py bench_dataset --size "${LOAD_DATASET:-S}"
else
  # shellcheck disable=SC2086
  $PY manage.py bench_data ${LOAD_DATA_ARGS:---customers 50000 --users 100 --units 30}
fi
$PY bench/load/prepare.py --users-file "$KEDAO_VAR_DIR/users.json" \
  --opportunities "${LOAD_OPPORTUNITIES:-50000}" --activities "${LOAD_ACTIVITIES:-500000}"
dataset=$(psql "$DATABASE_URL" -Atqc "SELECT format('%s customers, %s opportunities, %s activities, %s users',
  (SELECT count(*) FROM customers_customer), (SELECT count(*) FROM sales_opportunity),
  (SELECT count(*) FROM activities_activity), (SELECT count(*) FROM org_employee))")
echo "   $dataset"
echo "== collectstatic"
$PY manage.py collectstatic --no-input -v0

if $PY -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $PORT)) != 0)"; then
  echo "Port $PORT is in use: set LOAD_PORT." >&2; exit 2
fi

echo "== gunicorn: $WORKERS workers on 127.0.0.1:$PORT (REDIS_URL=$REDIS_URL)"
# Its log and the app's (Django's warnings: "Internal Server Error", "Bad Request") in one file.
applog="$KEDAO_VAR_DIR/gunicorn.log"
: >"$applog"
.venv/bin/gunicorn kedao.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --timeout 60 >>"$applog" 2>&1 &
gunicorn_pid=$!
sampler_pid=""
locust_pid=""
stop_all() {
  for pid in $locust_pid $sampler_pid; do kill "$pid" 2>/dev/null || true; done
  if kill -0 "$gunicorn_pid" 2>/dev/null; then
    kill -TERM "$gunicorn_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$gunicorn_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$gunicorn_pid" 2>/dev/null || true
  fi
}
trap stop_all EXIT INT TERM

up=0
for _ in $(seq 1 120); do
  if $PY -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=2)" 2>/dev/null; then
    up=1; break
  fi
  kill -0 "$gunicorn_pid" 2>/dev/null || break
  sleep 0.5
done
if [ "$up" != 1 ]; then
  echo "gunicorn does not answer /healthz; see $applog" >&2; exit 1
fi

seconds() {  # 90 / 90s / 3m / 1h → seconds
  case "$1" in
    *h) echo $(( ${1%h} * 3600 )) ;; *m) echo $(( ${1%m} * 60 )) ;; *s) echo "${1%s}" ;; *) echo "$1" ;;
  esac
}

run_step() {  # users duration → bench/results/load-<users>.json
  local users=$1 duration=$2 rate
  rate="${LOAD_SPAWN_RATE:-$(( users / 60 > 1 ? users / 60 : 1 ))}"
  local prefix="$KEDAO_VAR_DIR/locust-$users" limit
  limit=$(( $(seconds "$duration") + 120 ))
  rm -f "$prefix"_*.csv "$prefix.events.json" "$prefix.cpu.jsonl" "$prefix.pid" "$prefix.log" "$prefix.out"
  echo "== locust: $users users (spawn rate $rate/s), $duration, http://127.0.0.1:$PORT"
  $LOAD_PY bench/load/measure.py sample --app-pid "$gunicorn_pid" --db "$db_name" \
    --locust-pid-file "$prefix.pid" --out "$prefix.cpu.jsonl" &
  sampler_pid=$!
  LOAD_USERS_FILE="$KEDAO_VAR_DIR/users.json" LOAD_EVENTS_FILE="$prefix.events.json" \
    timeout --signal=INT --kill-after=30 "$limit" \
    .venv-load/bin/locust -f bench/load/locustfile.py --headless -u "$users" -r "$rate" -t "$duration" \
    --host "http://127.0.0.1:$PORT" --csv "$prefix" --only-summary --stop-timeout 10 \
    --loglevel WARNING --logfile "$prefix.log" >"$prefix.out" 2>&1 &
  locust_pid=$!
  echo "$locust_pid" >"$prefix.pid"
  wait "$locust_pid" || true
  locust_pid=""
  kill "$sampler_pid" 2>/dev/null || true
  wait "$sampler_pid" 2>/dev/null || true
  sampler_pid=""
  $LOAD_PY bench/load/measure.py report --users "$users" --spawn-rate "$rate" --duration "$duration" \
    --workers "$WORKERS" --dataset "$dataset" --csv "$prefix" --events "$prefix.events.json" \
    --cpu "$prefix.cpu.jsonl" --out "$RESULTS/load-$users.json"
  echo "app log so far ($applog): $(grep -c 'Internal Server Error' "$applog" || true) server errors," \
    "$(grep -c 'Bad Request' "$applog" || true) bad requests"
}

holds() {
  $LOAD_PY -c "import json,sys; sys.exit(not json.load(open('$RESULTS/load-$1.json'))['holds_target'])"
}

if [ "$find_max" = 1 ]; then
  files=()
  held=0
  missed=""
  for users in $STEPS; do
    run_step "$users" "$STEP_DURATION"
    files+=("$RESULTS/load-$users.json")
    if holds "$users"; then
      held=$users
    else
      missed=$users
      echo "   $users users miss the target: no larger step."
      break
    fi
  done
  # Between the last step that held and the first that missed: LOAD_BISECT more steps (default 2).
  if [ -n "$missed" ]; then
    for _ in $(seq 1 "${LOAD_BISECT:-2}"); do
      mid=$(( (held + missed) / 20 * 10 ))
      if [ "$mid" -le "$held" ] || [ "$mid" -ge "$missed" ]; then break; fi
      run_step "$mid" "$STEP_DURATION"
      files+=("$RESULTS/load-$mid.json")
      if holds "$mid"; then held=$mid; else missed=$mid; fi
    done
  fi
  $LOAD_PY bench/load/measure.py max "${files[@]}" --out "$RESULTS/load-max.json"
else
  run_step "$USERS" "$DURATION"
fi

#!/usr/bin/env bash
# Regenerate docs/screenshots/: a fresh demo database (SQLite), a server on a spare port, then
# scripts/screenshots.py drives Debian's chromium (Chinese and English, desktop and phone).
set -euo pipefail
cd "$(dirname "$0")/.."
export KEDAO_DEV=1 DEBUG=1
export SECRET_KEY="${SECRET_KEY:-screenshots-only-secret-key}"
PY=${PY:-.venv/bin/python}
PORT="${KEDAO_SCREENSHOT_PORT:-8765}"
workdir=$(mktemp -d)
export DATABASE_URL="sqlite:///$workdir/screenshots.sqlite3"
scripts/ensure_chromium.sh >/dev/null
$PY manage.py migrate --no-input -v0
$PY manage.py demo_data >/dev/null
$PY manage.py runserver "127.0.0.1:$PORT" --noreload >"$workdir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$workdir"' EXIT INT TERM
for _ in $(seq 50); do
  $PY -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/login/')" 2>/dev/null && break
  sleep 0.2
done
$PY scripts/screenshots.py "http://127.0.0.1:$PORT"

#!/usr/bin/env bash
# Run the whole suite. DATABASE_URL unset: SQLite; set to postgres://…: PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
export KEDAO_DEV=1
export SECRET_KEY="${SECRET_KEY:-test-only-secret-key-not-for-production}"
PY=.venv/bin/python
if [ -z "${KEDAO_SKIP_BROWSER:-}" ]; then
  scripts/ensure_chromium.sh || export KEDAO_SKIP_BROWSER=1
fi
workers="${KEDAO_TEST_WORKERS:-auto}"
$PY -m pytest -n "$workers" --dist loadfile -q ${PYTEST_ARGS:-} "$@"

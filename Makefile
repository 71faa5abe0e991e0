# Kedao — thin wrappers over scripts/ and manage.py. See README.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: install demo test test-fast bench load lint messages lock clean screenshots

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	@touch $@

install: $(VENV)/.installed  ## create .venv and install the pinned dependencies

demo: install  ## SQLite + demo data + server and worker on http://127.0.0.1:8000
	@scripts/demo.sh

test: install  ## the whole suite (SQLite by default; DATABASE_URL=postgres://… for PostgreSQL)
	@scripts/test.sh

test-fast: install  ## the suite without the browser journeys
	@KEDAO_SKIP_BROWSER=1 scripts/test.sh

bench: install  ## benchmarks on PostgreSQL (see docs/benchmarks.md)
	@scripts/bench.sh

load: install  ## load test: gunicorn + PostgreSQL + Redis driven by locust (see docs/benchmarks.md)
	@scripts/load.sh

screenshots: install  ## regenerate docs/screenshots/ (demo data, chromium; zh-hans and en, desktop and phone)
	@scripts/screenshots.sh

lint: install
	$(BIN)/ruff check .

messages: install  ## refresh and compile translations (needs GNU gettext)
	KEDAO_DEV=1 $(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore='.venv/*' --ignore='var/*' --ignore='bench/*' --ignore='test-artifacts/*' --ignore='tests/*'
	KEDAO_DEV=1 $(BIN)/python manage.py compilemessages --ignore=".venv/*"

lock: install  ## re-resolve requirements.lock from pyproject.toml
	$(BIN)/python -m pip install --quiet uv && $(BIN)/uv pip compile pyproject.toml --extra dev -o requirements.lock

clean:
	rm -rf $(VENV) var

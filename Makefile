# The portal's single entry point. `make run` and `make test` are the README's Quick start.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1:8000
# Test processes (pytest-xdist): one per core by default; `make test TEST_WORKERS=0` runs in this process.
TEST_WORKERS ?= auto

.PHONY: setup run serve data demo demo-clear test browser lint check ci-checks bench clean messages

## setup: virtualenv, Python packages (pinned by constraints.txt), ECharts from npm, compiled messages
setup: $(VENV)/.installed node_modules/.installed messages

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: $(VENV)/.installed
	$(BIN)/pybabel compile --domain=django --directory=locale --use-fuzzy --statistics 2>&1 | tail -n 1

## data: migrate, load the five reports, roll up, create the demo accounts
data: setup
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) import_reports
	$(MANAGE) rollup
	$(MANAGE) demo_accounts

## run: everything above, then serve the portal at http://$(HOST)
run: data
	$(MANAGE) runserver $(HOST)

## demo: the data `make run` loads, plus 演示数据 (a sample ledger imported, plans and monthly progress), rolled up
demo: data
	$(MANAGE) demo

## demo-clear: remove every demo row again, leaving the report data
demo-clear: $(VENV)/.installed
	$(MANAGE) demo --clear

## test: set up and run the whole suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
test: setup browser
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

## browser: Debian's chromium for the page tests (installed with apt-get when missing and run as root)
browser:
	@scripts/ensure_chromium.sh

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## ci-checks: what CI checks besides the tests
ci-checks: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=shangdang_portal.settings.production \
	  DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(60))') \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

## bench: the benchmark script (see README)
bench: setup
	$(BIN)/python scripts/benchmark.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var

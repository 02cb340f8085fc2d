# Taut: the only entry points a newcomer needs.
#   make run    set up and serve the demo clinic on http://127.0.0.1:8000 (SQLite)
#   make test   set up and run every check: ruff, mypy, migrations, the test suite
#   make bench  run the benchmarks in bench/ and print their figures (BENCH_BIG=1: page cost at 1M sessions too)
#   make serve  serve the production way (gunicorn, worker, PostgreSQL); see docs/deployment.md
#   make fuzz   fuzz the REST API with schemathesis for longer (FUZZ_EXAMPLES=200 per operation)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARTIFACTS ?= $(CURDIR)/test-artifacts
PY_DIRS := $(wildcard src tests bench)

.PHONY: serve run test lint typecheck migrations-check pytest bench fuzz browser proxy clean help

help:
	@sed -n 's/^#   //p' Makefile

$(STAMP): pyproject.toml
	@echo "==> Creating the virtual environment in $(VENV) and installing Taut"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	@UV_PYTHON_DOWNLOADS=never $(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	@TAUT_DEV=1 $(BIN)/taut run

serve: $(STAMP)
	@bash scripts/serve-production

lint: $(STAMP)
	@echo "==> ruff"
	@$(BIN)/ruff check $(PY_DIRS)
	@$(BIN)/ruff format --check $(PY_DIRS)

typecheck: $(STAMP)
	@echo "==> mypy (strict on taut.clinical)"
	@TAUT_TESTING=1 $(BIN)/mypy src/taut

migrations-check: $(STAMP)
	@echo "==> makemigrations --check"
	@TAUT_TESTING=1 TAUT_VAR_DIR=$(ARTIFACTS)/var $(BIN)/taut makemigrations --check --dry-run

browser: $(STAMP)
	@bash scripts/ensure-chromium

proxy:
	@bash scripts/ensure-nginx

# The suite runs in two parts: everything but the browser tests on $(WORKERS) processes
# (pytest-xdist; each has its own test database), then the browser tests in one process, since
# they drive one Chromium against live servers. PYTEST_ARGS, when given, runs just those tests.
WORKERS ?= 2
PYTEST_ENV = TAUT_TESTING=1 TAUT_VAR_DIR=$(ARTIFACTS)/var TAUT_ARTIFACTS=$(ARTIFACTS) \
  DJANGO_ALLOW_ASYNC_UNSAFE=true

pytest: $(STAMP) browser proxy
	@echo "==> pytest ($${DATABASE_URL:-SQLite})"
	@mkdir -p $(ARTIFACTS)/screenshots
ifdef PYTEST_ARGS
	@$(PYTEST_ENV) $(BIN)/pytest -q $(PYTEST_ARGS)
else
	@echo "    1/2: all but the browser tests, $(WORKERS) processes"
	@$(PYTEST_ENV) $(BIN)/pytest -q -n $(WORKERS) --ignore=tests/e2e
	@echo "    2/2: the browser tests in Chromium; screenshots: $(ARTIFACTS)/screenshots"
	@$(PYTEST_ENV) $(BIN)/pytest -q tests/e2e
endif

test: lint typecheck migrations-check pytest

bench: $(STAMP)
	@for script in bench/bench_*.py; do echo "==> $$script"; $(BIN)/python $$script || exit 1; done

FUZZ_EXAMPLES ?= 200
fuzz: $(STAMP)
	@echo "==> schemathesis against /api/v1/openapi.json, $(FUZZ_EXAMPLES) cases per operation and mode"
	@TAUT_VAR_DIR=$(ARTIFACTS)/var $(BIN)/python bench/fuzz_api.py $(FUZZ_EXAMPLES)

clean:
	rm -rf $(VENV) var test-artifacts

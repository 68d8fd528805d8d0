# Two commands: `make run` and `make test`. Everything else is here for CI and benchmarks.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= cms.settings.dev

.PHONY: run test install migrate demo lint format ci bench loadtest clean messages

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet -c requirements.lock ".[test]"
	touch $@

install: $(VENV)/.installed
	@# Mozilla's ical.js (Thunderbird's parser) for the feed tests; they skip it without node.
	@if command -v npm >/dev/null 2>&1 && [ ! -d tests/feeds/js/node_modules ]; then \
		npm ci --prefix tests/feeds/js --no-audit --no-fund; fi

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_centre

demo: migrate
	$(BIN)/python manage.py seed_demo --once

run: demo
	@echo ""
	@echo "  Admin:  http://127.0.0.1:$(PORT)/admin/"
	@echo "  API:    http://127.0.0.1:$(PORT)/api/v1/"
	@echo "  Demo logins (password 'demo'): admin, sst-redaktoer, sst-moderator,"
	@echo "          vive-redaktoer, vive-moderator, bv-redaktoer, bv-moderator"
	@echo ""
	@# honcho gives the worker PORT+100: BASE_URL keeps the worker's email links on the web port
	PORT=$(PORT) BASE_URL=$${BASE_URL:-http://localhost:$(PORT)} $(BIN)/honcho -f Procfile.dev start

# PYTEST_ARGS narrows or parallelises a run, e.g. PYTEST_ARGS='-n 2 -m "not cluster"' (CI's passes).
test: install
	DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/pytest $(PYTEST_ARGS)

# Compile the admin's Danish (locale/da/LC_MESSAGES/*.po) after editing it; needs GNU gettext.
messages: install
	$(BIN)/python manage.py compilemessages --locale da --ignore $(VENV) --ignore build

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

ci:
	bash .ci/run

$(VENV)/.bench-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -c requirements.lock ".[test,bench]"
	touch $@

# Benchmarks print ratios against the peers named in the issues; see bench/README.md.
bench: $(VENV)/.bench-installed
	$(BIN)/python bench/run_all.py

# About a minute of mixed traffic against gunicorn + a worker cluster on PostgreSQL and Redis.
loadtest: $(VENV)/.bench-installed
	$(BIN)/python bench/loadtest.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* .pytest_cache .ruff_cache .mypy_cache .import_linter_cache .test-media

# Stridewise — two commands to get going:
#   make run    set everything up and serve the app with demo data on http://127.0.0.1:8000
#               (HOST=0.0.0.0 PORT=8080 make run to serve elsewhere)
#   make test   set everything up and run the test suite
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
HOST ?= 127.0.0.1
PORT ?= 8000
# The address links in e-mails point at: where `make run` serves, unless set otherwise.
SITE_URL ?= http://$(HOST):$(PORT)
CHART_JS := static/vendor/chart.umd.min.js
CHART_MAP := static/vendor/chart.umd.min.js.map
AXE_JS := static/vendor/axe.min.js
HTMX_JS := static/vendor/htmx.min.js

.PHONY: help run test lint format setup check-tools vendor migrate seed bench clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

check-tools:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "Stridewise needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo missing)."; \
	  echo "Install it (https://www.python.org/downloads/) or run: make $(MAKECMDGOALS) PYTHON=python3.12"; exit 1; }
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
	  echo "Stridewise needs Node.js and npm to build its chart library (https://nodejs.org/)."; exit 1; }

$(VENV)/.created: | check-tools
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.created
	$(PIP) install --quiet -e ".[dev]"
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json | check-tools
	npm ci --no-audit --no-fund

$(CHART_JS) $(CHART_MAP) $(AXE_JS) $(HTMX_JS): node_modules/.package-lock.json
	@mkdir -p static/vendor
	cp node_modules/chart.js/dist/chart.umd.min.js $(CHART_JS)
	# The source map too: the minified file names it, and production's collectstatic
	# (a hashed manifest) refuses a reference to a missing file.
	cp node_modules/chart.js/dist/chart.umd.min.js.map $(CHART_MAP)
	cp node_modules/axe-core/axe.min.js $(AXE_JS)
	cp node_modules/htmx.org/dist/htmx.min.js $(HTMX_JS)

vendor: $(CHART_JS) $(CHART_MAP) $(AXE_JS) $(HTMX_JS)  ## Copy front-end libraries from npm into static/vendor/

setup: check-tools $(VENV)/.installed vendor  ## Create .venv, install Python and npm packages

migrate: setup
	$(PY) manage.py migrate --noinput

seed: migrate  ## Reset the demo data (the demo accounts' changes are undone)
	$(PY) manage.py seed_demo

run: migrate  ## Set up, migrate, load the demo into an empty database, serve on http://$(HOST):$(PORT)
	$(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "  Stridewise is running at http://$(HOST):$(PORT)/"
	@echo "  Sign in as the demo coach:   coach@example.com / demo-coach-pass"
	@echo "  Sign in as the demo athlete: athlete@example.com / demo-athlete-pass"
	@echo "  (e-mails such as sign-in codes are printed in this terminal)"
	@echo ""
	SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

test: setup  ## Set up and run the whole test suite
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup  ## ruff check, ruff format --check, mypy, migrations up to date, API schema valid
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy --config-file pyproject.toml
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

format: setup  ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: setup  ## Benchmarks (not tests): ratios, medians, p95 and queries as the data grows
	$(PY) -m benchmarks $(BENCH_ARGS)
	$(PY) -m benchmarks.parsing

clean:  ## Remove the virtualenv, node_modules, built assets and the local database
	rm -rf $(VENV) node_modules static/vendor staticfiles db.sqlite3 private_media .test_private_media

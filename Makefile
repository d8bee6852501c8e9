# PEEL: `make run` sets everything up and serves the site; `make test` runs every check.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
PY := $(VENV)/bin/python
# Python 3.12 or newer: pyenv's choice from .python-version when pyenv is here, else the newest python3.1x.
BASE_PYTHON ?= $(shell (command -v pyenv >/dev/null && pyenv which python3 2>/dev/null) \
	|| ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V | tail -1 \
	|| command -v python3.13 || command -v python3.12 || command -v python3)
HOST ?= 127.0.0.1
PORT ?= 8000
# Local runs and tests need no secrets; production sets DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS instead.
export DJANGO_LOCAL ?= true
# Browser tests (pytest + Playwright driving Debian's Chromium, checked with axe-core) run when Chromium is
# installed; with CI set a missing Chromium fails the run. BROWSER_TESTS=no leaves them out.
export PEEL_CHROMIUM ?= /usr/bin/chromium
BROWSER_TESTS ?= auto

.PHONY: help run setup test test-browser bench lint format check-python assets static migrate load clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

check-python:
	@$(BASE_PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null || { \
		echo "PEEL needs Python 3.12 or newer; '$(BASE_PYTHON)' is $$($(BASE_PYTHON) --version 2>&1)."; \
		echo "Install one (for example: pyenv install 3.12) or run: make run BASE_PYTHON=/path/to/python3.12"; \
		exit 1; }

$(VENV)/.installed: requirements.lock | check-python
	@test -x $(PY) || $(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --loglevel=error --no-audit --no-fund
	@touch $@

static/build/peel.css: node_modules/.installed $(wildcard static/scss/*.scss)
	npm run --silent build

setup: $(VENV)/.installed assets ## Install Python and npm dependencies and build the CSS

assets: static/build/peel.css ## Build the CSS from GOV.UK Frontend's Sass

static: setup ## Collect static files for whitenoise
	$(PY) manage.py collectstatic --noinput -v0

migrate: setup ## Apply database migrations
	$(PY) manage.py migrate --noinput -v0

load: migrate ## Load the real PEEL data and the demo narrative (safe to repeat)
	$(PY) manage.py load_peel_data
	$(PY) manage.py load_consultations

run: static load ## Set up everything and serve the site on http://127.0.0.1:8000
	@echo "Serving PEEL on http://$(HOST):$(PORT)/ (admin at /admin/; create a user with: $(PY) manage.py createsuperuser)"
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: setup ## Check formatting and lint with ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: setup node_modules/.installed lint ## Run every check and test (browser tests too when Chromium is installed)
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	@if [ "$(BROWSER_TESTS)" = no ]; then \
		echo "Browser tests left out (BROWSER_TESTS=no)"; \
		echo '$(PY) -m pytest -m "not browser"'; $(PY) -m pytest -m "not browser"; \
	elif [ -x "$(PEEL_CHROMIUM)" ]; then \
		echo '$(PY) -m pytest'; $(PY) -m pytest; \
	elif [ -n "$${CI:-}" ] && [ "$${CI}" != false ] && [ "$${CI}" != 0 ]; then \
		echo "Chromium not found at $(PEEL_CHROMIUM), and CI must run the browser tests (install with: apt-get install chromium)"; \
		exit 1; \
	else \
		echo "Chromium not found at $(PEEL_CHROMIUM): browser tests skipped (install with: apt-get install chromium)"; \
		$(PY) -m pytest -m "not browser"; \
	fi

test-browser: setup node_modules/.installed ## Run only the browser tests; writes screenshots/ (about a minute)
	$(PY) -m pytest tests/browser

bench: static load ## Queries, server time and req/s per page at 1x and 10x, submissions, export (bench/results.json)
	$(PY) -m bench.run

clean: ## Remove the virtual environment, npm packages and built files
	rm -rf $(VENV) node_modules static/build staticfiles

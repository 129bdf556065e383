# Zona — the whole set-up is `make run` (serve the demo) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= zona.settings.production

.PHONY: install install-test system-deps assets run dev test test-fast lint bench migrate load clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm (Node.js) is needed for the front-end assets"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

zona/static/vendor/.copied: node_modules/.installed scripts/vendor-assets.sh
	scripts/vendor-assets.sh
	@touch $@

assets: zona/static/vendor/.copied

# WeasyPrint (PDF reports) needs Pango from Debian; install it where it is missing.
system-deps:
	@ldconfig -p | grep -q libpangoft2-1.0 || { \
	  echo "Installing Pango for WeasyPrint"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

install: system-deps $(VENV)/.installed assets

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install-test: install $(VENV)/.installed-test
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

var/secret_key:
	@mkdir -p var
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@chmod 600 $@

migrate: install var/secret_key
	$(BIN)/zona migrate --noinput
	$(BIN)/zona frameworks load
	$(BIN)/zona surveys load
	$(BIN)/zona demo load

run: migrate
	$(BIN)/zona collectstatic --noinput --verbosity 0
	@echo
	@$(BIN)/zona demo logins
	@echo
	@echo "Zona is served on http://$(HOST):$(PORT)/  — log in at http://$(HOST):$(PORT)/akun/masuk/  (Ctrl-C to stop)"
	@echo
	$(BIN)/gunicorn zona.wsgi:application --bind $(HOST):$(PORT) --workers 2 --access-logfile -

dev: export DJANGO_SETTINGS_MODULE = zona.settings.dev
dev: install
	$(BIN)/zona migrate --noinput
	$(BIN)/zona frameworks load
	$(BIN)/zona surveys load
	$(BIN)/zona demo load
	$(BIN)/zona runserver $(HOST):$(PORT)

test: install-test
	DJANGO_SETTINGS_MODULE=zona.settings.test $(BIN)/pytest -q $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check zona tests benchmarks
	$(BIN)/ruff format --check zona tests benchmarks
	DJANGO_SETTINGS_MODULE=zona.settings.test $(BIN)/mypy zona

bench: install-test
	DJANGO_SETTINGS_MODULE=zona.settings.test $(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) var/staticfiles

# The README's commands. Every target works on a fresh clone.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
VENDOR := accord/static/vendor

.PHONY: install install-test assets run test lint format bench clean

install: $(VENV)/.stamp-app assets

install-test: $(VENV)/.stamp-test assets

$(VENV)/.stamp-app: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml $(VENV)/.stamp-app
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end assets come from the npm lockfile and are served by the app itself.
assets: node_modules/.stamp
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/govuk $(VENDOR)/leaflet $(VENDOR)/markercluster $(VENDOR)/jquery
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(VENDOR)/govuk/
	cp -r node_modules/govuk-frontend/dist/govuk/assets $(VENDOR)/govuk/assets
	cp -r node_modules/leaflet/dist/* $(VENDOR)/leaflet/
	cp node_modules/leaflet.markercluster/dist/*.js node_modules/leaflet.markercluster/dist/*.css $(VENDOR)/markercluster/
	cp node_modules/jquery/dist/jquery.min.js $(VENDOR)/jquery/

run: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(FLASK) run --host 127.0.0.1 --port 5000

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/pytest

# PostgreSQL figures use (and wipe) this database; unset it to bench SQLite alone.
BENCH_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1/test

bench: install-test
	BENCH_POSTGRES_URL=$(BENCH_POSTGRES_URL) $(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) node_modules $(VENDOR) instance/accord.db

# The README's commands. Every target works on a fresh clone.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
VENDOR := accord/static/vendor
# `make run PORT=5001` when 5000 is taken.
PORT ?= 5000

.PHONY: install install-test assets run test lint format bench drills audit clean

install: $(VENV)/.stamp-app assets build/ranker.so

install-test: $(VENV)/.stamp-test assets build/ranker.so

# SQLite's relevance rule as an FTS5 function (directory/search/ranker.py), compiled with the
# machine's C compiler and SQLite's headers (Debian: gcc, libsqlite3-dev). Without them the
# search still works, reading its words' lists once for each part of the rule.
build/ranker.so: directory/search/ranker.c
	mkdir -p build
	$(CC) -O2 -Wall -fPIC -shared -o $@ $< || echo "$@ not built: searches on SQLite go the slower way"

$(VENV)/.stamp-app: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	# setuptools too: the one a venv starts with (65.5 on Python 3.11) has known advisories.
	$(BIN)/pip install --quiet --upgrade pip setuptools
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml $(VENV)/.stamp-app
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end assets come from the npm lockfile and are served by the app itself: only the files
# pages load (tests/accord/test_vendor.py checks both ways). GOV.UK Frontend's stylesheet is
# copied without the GDS Transport typeface and the royal arms, which are for GOV.UK alone:
# its text falls back to the Arial it names next. Of Leaflet's images, those leaflet.css names.
GOVUK := node_modules/govuk-frontend/dist/govuk
LEAFLET := node_modules/leaflet/dist
CLUSTER := node_modules/leaflet.markercluster/dist
AUTOCOMPLETE := node_modules/accessible-autocomplete/dist
assets: node_modules/.stamp
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/govuk $(VENDOR)/leaflet/images $(VENDOR)/markercluster \
		$(VENDOR)/accessible-autocomplete
	sed -e 's/@font-face{font-family:GDS Transport;[^}]*}//g' \
		-e 's/font-family:GDS Transport,/font-family:/g' \
		-e 's#url(/assets/images/govuk-crest.svg)#none#g' \
		$(GOVUK)/govuk-frontend.min.css > $(VENDOR)/govuk/govuk-frontend.min.css
	cp $(GOVUK)/govuk-frontend.min.js $(VENDOR)/govuk/
	cp $(LEAFLET)/leaflet.js $(LEAFLET)/leaflet.css $(VENDOR)/leaflet/
	cp $(LEAFLET)/images/layers.png $(LEAFLET)/images/layers-2x.png \
		$(LEAFLET)/images/marker-icon.png $(VENDOR)/leaflet/images/
	cp $(CLUSTER)/leaflet.markercluster.js $(CLUSTER)/MarkerCluster.css \
		$(CLUSTER)/MarkerCluster.Default.css $(VENDOR)/markercluster/
	sed -e '/sourceMappingURL/d' $(AUTOCOMPLETE)/accessible-autocomplete.min.js \
		> $(VENDOR)/accessible-autocomplete/accessible-autocomplete.min.js
	sed -e 's#/\*\# sourceMappingURL=[^*]*\*/##' $(AUTOCOMPLETE)/accessible-autocomplete.min.css \
		> $(VENDOR)/accessible-autocomplete/accessible-autocomplete.min.css

run: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/pytest

# PostgreSQL figures use (and wipe) this database; unset it to bench SQLite alone.
BENCH_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1/test

# The load generator comes from Debian, as .ci/run installs chromium.
bench: install-test
	command -v wrk >/dev/null 2>&1 || apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }
	BENCH_POSTGRES_URL=$(BENCH_POSTGRES_URL) $(BIN)/python -m bench.run

# Failure drills (bench/drills/README.md): each starts the app under gunicorn and breaks
# something on purpose; drills 2 and 4 need root (a PostgreSQL cluster of their own on port
# 5433, a tmpfs mount).
# All four run even when one fails; the target fails if any did.
drills: install-test
	status=0; for drill in kill_worker pg_restart outside_services sqlite_storage; do \
		$(BIN)/python -m bench.drills.$$drill || status=1; done; exit $$status

# Known vulnerabilities in what is installed: pip-audit, with a fallback for a machine that
# reaches only PyPI's project pages (bench/audit.py says which verdicts it could give); then
# npm's advisories for the front-end assets we serve. Both run; the target fails if either did.
audit: install-test
	status=0; $(BIN)/python -m bench.audit || status=1; \
		npm audit --omit=dev || status=1; exit $$status

clean:
	rm -rf $(VENV) node_modules $(VENDOR) instance/accord.db

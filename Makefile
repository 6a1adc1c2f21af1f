# The two commands: `make run` and `make test`. Each sets up whatever is missing first, and skips
# whatever is already done, so a second run starts at once. `make check` is the quick loop while
# working: lint, types and the tests that need neither a browser nor a load test, on SQLite.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 5000
UV = $(shell scripts/uv.sh)
STAMPS := .make
LOCALES := $(shell sed -n "s/.*locale: *\([A-Za-z_]*\).*/\1/p" translations/languages.yaml)
PO_FILES := $(foreach l,$(LOCALES),$(wildcard translations/$(l)/LC_MESSAGES/*.po))
MO_FILES := $(PO_FILES:.po=.mo)
VENDOR := static/vendor/nhsuk

.PHONY: help run test check bench setup lint typecheck catalogs extract update-catalogs clean

help:
	@echo "make run    set up and start the app on http://127.0.0.1:$(PORT)/"
	@echo "make test   set up and run ruff, mypy and every test (browser tests included)"
	@echo "make check  lint, types and the fast tests (no browser, no load), in about a minute"
	@echo "make lint   ruff check, ruff format --check and the import rules (lint-imports)"
	@echo "make typecheck  mypy over the app and the tests"
	@echo "make bench  measure throughput, latency, page weight, Lighthouse, PDF render time and memory"

run: setup
	@$(UV) run --frozen flask --app app db upgrade
	@$(UV) run --frozen flask --app app content-check
	@echo
	@echo "  The guide is at http://127.0.0.1:$(PORT)/"
	@PORT=$(PORT) $(UV) run --frozen flask --app app staff demo
	@echo
	@$(UV) run --frozen flask --app app run --host 127.0.0.1 --port $(PORT)

# The tests run on SQLite and, against a throwaway local PostgreSQL, again wherever they touch the
# database, spread over one process per core (pytest-xdist). TEST_DATABASE_URL=postgresql+psycopg://...
# uses another server; TEST_DATABASE_URL=sqlite skips PostgreSQL.
test: setup $(STAMPS)/postgresql $(STAMPS)/redis lint typecheck
	TEST_REDIS_URL="$${TEST_REDIS_URL:-$$(scripts/test-redis.sh)}" \
	DATABASE_URL="$${TEST_DATABASE_URL:-$$(scripts/test-postgres.sh)}" $(UV) run --frozen pytest -n auto

# The quick loop: no PostgreSQL, no browser, no gunicorn under load, fewer generated inputs.
# (A real SQLite URL: tests that start the app in a subprocess read DATABASE_URL too.)
check: setup lint typecheck
	DATABASE_URL=sqlite:// HYPOTHESIS_PROFILE=quick $(UV) run --frozen pytest -n auto -q \
	  -m "not browser and not slow"

lint: $(STAMPS)/python
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen lint-imports

typecheck: $(STAMPS)/python
	$(UV) run --frozen mypy

# A benchmark reports, it does not pass or fail (see README); `make test` runs the same harness at
# tiny counts (`bench/run.py --smoke`, tests/test_bench.py) so that it cannot stop working unseen.
# Bytecode is compiled ahead (PYTHONDONTWRITEBYTECODE may be set), so start-up is measured as a
# deployment runs it, not with every module compiled from source on each start.
bench: setup
	$(UV) run --frozen python -m compileall -q -j 0 .venv/lib app.py companion
	$(UV) run --frozen python bench/run.py

setup: $(STAMPS)/system $(STAMPS)/python $(VENDOR)/.stamp catalogs

$(STAMPS)/system: scripts/system-packages.sh
	@mkdir -p $(STAMPS)
	scripts/system-packages.sh
	@touch $@

$(STAMPS)/postgresql: scripts/system-packages.sh
	@mkdir -p $(STAMPS)
	scripts/system-packages.sh postgresql
	@touch $@

# A throwaway Redis for the test that proves two gunicorn workers share one throttle count.
$(STAMPS)/redis: scripts/system-packages.sh
	@mkdir -p $(STAMPS)
	scripts/system-packages.sh redis-server
	@touch $@

$(STAMPS)/python: pyproject.toml uv.lock
	@mkdir -p $(STAMPS)
	$(UV) sync --frozen --compile-bytecode
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR)/.stamp: node_modules/.package-lock.json scripts/vendor_assets.py
	python3 scripts/vendor_assets.py
	@touch $@

catalogs: $(MO_FILES)

translations/%.mo: translations/%.po $(STAMPS)/python
	$(UV) run --frozen pybabel compile --statistics -i $< -o $@

POT_DIR ?= translations

# Translators' workflow (see README): extract the English, then merge it into every catalog,
# which marks changed sentences fuzzy ("needs review") so the app shows English until confirmed.
extract: $(STAMPS)/python
	PYTHONPATH=. $(UV) run --frozen pybabel extract -F babel-messages.cfg --no-location --sort-by-file \
	  --add-comments=Translators: -k _ -k gettext -k interface_gettext -k ngettext:1,2 -k lazy_gettext \
	  --project="Heart pump decision guide" -o $(POT_DIR)/messages.pot .
	PYTHONPATH=. $(UV) run --frozen pybabel extract -F babel-content.cfg --sort-by-file \
	  --project="Heart pump decision guide content" -o $(POT_DIR)/content.pot .

update-catalogs: extract
	$(UV) run --frozen pybabel update -i translations/messages.pot -d translations -D messages --ignore-obsolete
	$(UV) run --frozen pybabel update -i translations/content.pot -d translations -D content --ignore-obsolete
	PYTHONPATH=. $(UV) run --frozen python -m companion.translation_checks $(PO_FILES)

clean:
	rm -rf $(STAMPS) .venv .tools node_modules static/vendor
	find translations -name '*.mo' -delete

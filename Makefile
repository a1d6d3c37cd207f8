# Amity: `make run` starts it, `make test` runs every suite (what CI runs), `make test-fast` the
# inner loop (SQLite only; no browser, schemathesis or slow end-to-end tests), `make lint` ruff
# and mypy. Each target creates .venv when missing.
# `make run PORT=8901 HOST=0.0.0.0` picks the address; the data lives in $AMITY_HOME (README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP_STAMP := $(VENV)/.installed-app
STAMP := $(VENV)/.installed
PORT ?=
HOST ?=

.PHONY: run test test-fast lint bench docs clean install install-app

# what the app needs to run, and nothing else (no test tools, no ML extras)
$(APP_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(APP_STAMP)

# tests, lint and benchmarks: the dev tools and the semantic extra on top
$(STAMP): pyproject.toml $(APP_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,semantic]'
	touch $(STAMP)

install-app: $(APP_STAMP)

install: $(STAMP)

run: $(APP_STAMP)
	$(BIN)/python -m amity.run $(if $(PORT),--port $(PORT)) $(if $(HOST),--host $(HOST))

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

FAST := not pg and not browser and not schemathesis and not slow
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q -m "$(FAST)"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src/amity

bench: $(STAMP)
	$(BIN)/python -m benchmarks

docs: $(STAMP)
	$(BIN)/python -m amity.cli.reference > docs/cli.md
	$(BIN)/python -m amity.cli.reference --agenda > docs/agenda.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Two commands do all set-up on a fresh machine: `make run` and `make test`.
# `make run` installs the runtime dependencies only; `make test` (and lint, bench) add the dev extras.
# Each install leaves a stamp in the venv; a dev install serves for run too, and a change to
# pyproject.toml makes both stale.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: install install-run run test lint bench ingest clean distclean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(RUN_STAMP)

install: $(DEV_STAMP)

install-run: $(RUN_STAMP)

ingest: $(RUN_STAMP)
	$(BIN)/kgqa ingest

run: $(RUN_STAMP)
	$(BIN)/kgqa ingest --if-stale
	$(BIN)/kgqa serve

test: $(DEV_STAMP)
	$(BIN)/pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(DEV_STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf .kgqa tests/artifacts

distclean: clean
	rm -rf $(VENV)

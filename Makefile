# Two commands matter: `make run` and `make test`. Both work on a machine that has only Python.
# `make check` is the quick one while you work (lint, types and the tests that start nothing).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8080
LETTERS ?= 500,2000

.PHONY: run shell test check install dev lint typecheck pytest browser-deps bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Stamp files re-install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev,bench,cluster]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

# The demo: the 5 seed letter bodies and the 20 real DWC letters of the tests, added to index/
# (the default folder, so the README's examples work on them; unchanged files are skipped, so a
# second run starts at once). INDEX=DIR serves that index instead, with no demo letters added.
INDEX ?=
DEMO_LETTERS := seeds/ tests/fixtures/letters/
URL = http://$(HOST):$(PORT)

run: install
ifeq ($(INDEX),)
	$(BIN)/imr-search index $(DEMO_LETTERS) --index index
	@$(BIN)/imr-search stats --index index
	@echo
	@echo "Serving the demo at $(URL)/  (Ctrl-C stops it; HOST=... PORT=... to change)"
	@echo "Three things to try:"
	@echo "  1. $(URL)/?q=physical+therapy  then click 'overturned' in the sidebar"
	@echo "  2. $(URL)/letters/CM17-0010885  a whole letter; open 'Decisions like this one'"
	@echo "  3. $(URL)/precedents?request=MRI+lumbar+spine  how such requests were decided"
	@echo "Your own letters (README, Getting letters), in a folder of their own:"
	@echo "  .venv/bin/imr-search index ~/letters --index mine && make run INDEX=mine"
	@echo
	$(BIN)/imr-search serve --index index --host $(HOST) --port $(PORT)
else
	$(BIN)/imr-search serve --index $(INDEX) --host $(HOST) --port $(PORT)
endif

# A shell with the environment's imr-search on the PATH (exit to leave); the same as
# `. .venv/bin/activate` in the current shell.
shell: install
	@echo "imr-search $$($(BIN)/imr-search --version | cut -d' ' -f3) on the PATH; exit to leave"
	@VIRTUAL_ENV="$(CURDIR)/$(VENV)" PATH="$(CURDIR)/$(BIN):$$PATH" $${SHELL:-/bin/sh}

# Debian's chromium for the browser tests; installed by the project, never by hand.
browser-deps:
	@scripts/ensure-chromium

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: dev
	$(BIN)/mypy

# The tests run on every core (pytest-xdist), a module's tests on one worker (--dist loadfile):
# a module-scoped fixture (an index, a server, a benchmark run) is then made once, not once per
# worker (make check: 66 s against 107 s with --dist load). Nothing in the suite needs to run
# alone: every test has its own ports (0) and folders (tmp_path), and the timing tests measure
# CPU time or the best of several tries (tests/conftest.py).
XDIST := -n auto --dist loadfile

# The slowest tests are listed at the end: the suite must stay well under CI's 10 minutes.
pytest: dev browser-deps
	$(BIN)/pytest $(XDIST) --durations=20

test: lint typecheck pytest

# Fast feedback (under 2 minutes on a busy 2-core box): lint, types, and the tests that start no
# server process, browser or Dask cluster, run no benchmark and are not slow (the markers are in
# pyproject.toml). `make test` runs everything.
CHECK_TESTS := not (server or browser or cluster or bench or slow)

check: lint typecheck
	$(BIN)/pytest $(XDIST) -m "$(CHECK_TESTS)"

# Small by default (LETTERS=10000,100000 for the recorded sizes); rewrites the "latest run"
# section of docs/benchmarks.md and its plot, leaving the recorded results around it.
bench: dev
	$(BIN)/python -m benchmarks.run --letters $(LETTERS) --docs docs/benchmarks.md \
		--plot docs/benchmarks-latest.png

# The README's screenshots, taken by the browser tests (into tests/artifacts/, so that a test
# run changes no tracked file) and copied here when the page has changed on purpose.
screenshots: dev browser-deps
	$(BIN)/pytest tests/server/test_browser.py -k "desktop_screenshot or phone" -q
	cp tests/artifacts/screenshot-desktop.png tests/artifacts/screenshot-phone.png docs/

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

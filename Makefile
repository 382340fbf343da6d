# Two commands matter: `make run` and `make test`. Both work on a machine that has only Python.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8080
LETTERS ?= 500,2000

.PHONY: run test install dev lint typecheck pytest browser-deps bench clean

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

run: install
	$(BIN)/imr-search index seeds/ --index index
	$(BIN)/imr-search search 'spine' --index index --facets --limit 5
	$(BIN)/imr-search serve --index index --host $(HOST) --port $(PORT)

# Debian's chromium for the browser tests; installed by the project, never by hand.
browser-deps:
	@scripts/ensure-chromium

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: dev
	$(BIN)/mypy

pytest: dev browser-deps
	$(BIN)/pytest

test: lint typecheck pytest

# Small by default (LETTERS=10000,100000 for the recorded sizes); rewrites the "latest run"
# section of docs/benchmarks.md and its plot, leaving the recorded results around it.
bench: dev
	$(BIN)/python -m benchmarks.run --letters $(LETTERS) --docs docs/benchmarks.md \
		--plot docs/benchmarks-latest.png

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

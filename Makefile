# The commands of the README: `make run`, `make test`, `make bench`. Each installs what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: run test lint install bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: $(BIN)/.installed
	$(BIN)/forvaltningsbot serve

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python scripts/sizes.py

test: lint
	scripts/ensure-postgres
	scripts/ensure-chromium
	scripts/ensure-pdf-tools
	scripts/ensure-synapse
	$(BIN)/pytest

# Every figure of BENCHMARKS.md, side by side; rewrites the file (under 10 minutes).
bench: $(BIN)/.installed
	scripts/ensure-postgres
	$(BIN)/python -m benchmarks

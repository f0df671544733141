PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: decks test lint bench clean

$(BIN)/chaincards: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test-extras: $(BIN)/chaincards
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

decks: $(BIN)/chaincards
	$(BIN)/chaincards build notes/ --out decks/

test: $(VENV)/.test-extras
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/python -m pytest

BENCH_ARGS ?= --sizes 1000,5000 --repeats 3

bench: $(BIN)/chaincards
	$(BIN)/python bench/run_bench.py $(BENCH_ARGS)

lint: $(VENV)/.test-extras
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

clean:
	rm -rf $(VENV) .pytest_cache

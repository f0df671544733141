PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: decks test lint bench clean pictures

$(BIN)/chaincards: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test-extras: $(BIN)/chaincards
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The browser and Mermaid checks skip without these; install them where this machine allows.
MERMAID_VERSION := 11.17.2
MERMAID_JS := $(VENV)/mermaid/mermaid.min.js

$(VENV)/.browser: $(VENV)/.test-extras
	command -v chromium >/dev/null \
	  || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	       && { apt-get install -y -q chromium >/dev/null 2>&1 \
	            || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; }; } \
	  || echo "no Chromium here (Debian: apt-get install chromium): browser tests will skip"
	touch $@

$(MERMAID_JS):
	mkdir -p $(VENV)/mermaid
	cd $(VENV)/mermaid && npm pack --silent mermaid@$(MERMAID_VERSION) >/dev/null \
	  && tar -xzf mermaid-$(MERMAID_VERSION).tgz --strip-components=2 package/dist/mermaid.min.js \
	  && rm mermaid-$(MERMAID_VERSION).tgz \
	  || echo "no npm registry here: the Mermaid parser check will skip"

decks: $(BIN)/chaincards
	$(BIN)/chaincards build notes/ --out decks/
	@echo "chaincards is installed in $(VENV): run $(BIN)/chaincards, or 'source $(BIN)/activate' first"

test: $(VENV)/.test-extras $(VENV)/.browser
	-$(MAKE) --no-print-directory $(MERMAID_JS)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	CHAINCARDS_MERMAID_JS=$(abspath $(MERMAID_JS)) $(BIN)/python -m pytest

BENCH_ARGS ?= --sizes 1000,5000 --repeats 3

bench: $(BIN)/chaincards
	$(BIN)/python bench/run_bench.py $(BENCH_ARGS)

# The README's pictures, made by chaincards itself from the sample vault.
pictures: $(VENV)/.browser
	$(BIN)/chaincards graph notes/ --format svg -o docs/images/chain.svg
	$(BIN)/chaincards graph notes/ --format mermaid -o docs/images/chain.mmd
	$(BIN)/chaincards preview notes/ -o build/preview -q
	$(BIN)/python tools/screenshot_preview.py build/preview docs/images/preview.png

lint: $(VENV)/.test-extras
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache

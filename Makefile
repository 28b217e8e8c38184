# Flipchart: `make run` serves the app, `make test` runs every test. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-unit test-e2e lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	touch $(VENV)/.installed $(VENV)/.installed-dev $@

run: $(VENV)/.installed
	$(BIN)/flipchart migrate
	@echo "Flipchart: Ctrl+C stops it"
	$(BIN)/flipchart serve --host $(HOST) --port $(PORT)

# Browser tests run in their own pytest process: sync Playwright and asyncio tests
# do not share one event loop reliably.
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest tests --ignore=tests/e2e -q
	node --test tests/web/
	$(BIN)/python -m pytest tests/e2e -q -p no:playwright

test-unit: $(VENV)/.installed-dev
	$(BIN)/python -m pytest tests --ignore=tests/e2e -q
	node --test tests/web/

test-e2e: $(VENV)/.installed-dev
	$(BIN)/python -m pytest tests/e2e -q -p no:playwright

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check app tests
	$(BIN)/mypy app

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache

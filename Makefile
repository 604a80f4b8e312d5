# jiesu — every target builds its own environment in .venv from nothing (Python >= 3.11 and pip only).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
STAMP := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.installed-demo
EXTRAS := test,bench,docs
Q ?= -q

.PHONY: demo test lint typecheck pytest bench docs clean env browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(Q) --disable-pip-version-check "uv==0.13.9"

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(UV) pip install $(Q) --python $(BIN)/python -c constraints.txt -e ".[$(EXTRAS)]"
	touch $(STAMP) $(DEMO_STAMP)

# The demo needs only the command's extras, so a fresh clone runs it quickly.
$(DEMO_STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(UV) pip install $(Q) --python $(BIN)/python -c constraints.txt -e ".[cli,io]"
	touch $(DEMO_STAMP)

env: $(STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/jiesu demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks docs
	$(BIN)/ruff format --check src tests benchmarks docs

typecheck: $(STAMP)
	$(BIN)/mypy

# The report's browser tests need Debian's chromium and a CJK font; install them when missing.
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'wenquanyi\|noto sans cjk' || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends chromium fonts-wqy-microhei >/dev/null; }

pytest: $(STAMP) browser
	$(BIN)/pytest --cov --cov-report=term-missing:skip-covered $(PYTEST_ARGS)

test: lint typecheck pytest docs

bench: $(STAMP)
	$(BIN)/python benchmarks/model.py
	$(BIN)/python benchmarks/calendar.py
	$(BIN)/python benchmarks/scoring.py
	$(BIN)/python benchmarks/routing.py
	$(BIN)/python benchmarks/sample.py
	$(BIN)/python benchmarks/month.py
	$(BIN)/python benchmarks/bulk.py
	$(BIN)/python benchmarks/exports.py
	$(BIN)/python benchmarks/analytics.py

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache .coverage

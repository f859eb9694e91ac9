# Accord — every target creates .venv when it is missing.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1:8000
SIZE   ?= medium

.PHONY: demo test lint format install serve clean help

help:
	@echo "make demo    - install, migrate, seed the demo county ($(SIZE)), early-warning indicators and alerts, demo proceedings, and serve on http://$(HOST)"
	@echo "make test    - install with dev extras, lint, run the whole test suite"
	@echo "make lint    - ruff check + format check, mypy on the analytics engine"
	@echo "make format  - apply ruff formatting"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/accord migrate --no-input
	$(BIN)/accord seed-demo --size $(SIZE) --seed 1 --if-empty
	$(BIN)/accord backfill-indicators --if-empty
	$(BIN)/accord detect --weeks 12 --replay-groups 60 --if-empty
	$(BIN)/accord resolution-seed-demo --if-empty
	$(BIN)/accord safety-seed-demo --if-empty
	$(BIN)/accord grid-seed-demo --if-empty
	$(BIN)/accord participation-seed-demo --if-empty
	$(BIN)/accord wellbeing-seed-demo --if-empty
	@echo "Serving Accord on http://$(HOST)  (Ctrl-C to stop)"
	$(BIN)/accord runserver $(HOST)

lint: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy src/accord/analytics src/accord/cases/workflow.py src/accord/cases/routing.py src/accord/core/calendar.py

format: install
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

test: lint
	$(BIN)/accord makemigrations --check --dry-run
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var/ .pytest_cache .ruff_cache .mypy_cache

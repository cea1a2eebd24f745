# errata: the commands people type. Each target builds .venv on first use
# (python3 -m venv + pip) and reinstalls only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint typecheck pytest bench serve clean

demo: $(VENV)/.installed-base  ## run the whole pipeline offline on bundled pages
	$(BIN)/errata demo

test: $(VENV)/.installed-test  ## ruff, mypy --strict, pytest
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(VENV)/.installed-bench  ## benchmarks; results go to bench/README.md
	$(BIN)/python -m bench

serve: $(VENV)/.installed-serve  ## Datasette over errata.db
	$(BIN)/errata serve

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-base: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-%: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e ".[$*]"
	touch $@

clean:
	rm -rf $(VENV) errata-demo .mypy_cache .ruff_cache .pytest_cache

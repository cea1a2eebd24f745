# errata: the commands people type. Each target builds .venv on first use
# (python3 -m venv + pip) and reinstalls only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint typecheck pytest bench serve wheel install-check clean

demo: $(VENV)/.installed-base  ## run the whole pipeline offline on bundled pages
	$(BIN)/errata demo

test: $(VENV)/.installed-test  ## ruff, mypy --strict, pytest
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory typecheck
	$(BIN)/pytest

bench: $(VENV)/.installed-test $(VENV)/.installed-bench  ## benchmarks; results go to bench/README.md
	$(BIN)/python -m bench $(BENCH)

# The wheel users get (pipx install ., pip install .): only the errata package inside.
wheel: | $(VENV)/bin/python  ## build dist/errata_watch-*.whl
	rm -rf dist
	$(BIN)/python -m pip wheel --no-deps --quiet --wheel-dir dist .

# The wheel in a new virtualenv outside the checkout: entry point and package data
# must work without the source tree (CI runs this after make test).
install-check: wheel  ## install the wheel in a fresh venv elsewhere; run errata --version and errata demo
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet dist/*.whl; \
	cd "$$tmp"; \
	./venv/bin/errata --version; \
	./venv/bin/errata demo --dir "$$tmp/demo" > demo.md; \
	grep -q 'removed' demo.md; \
	echo "install-check: the wheel works outside the checkout"

# mypy cannot follow setuptools' package-dir mapping, so it reads the package
# through a tree of links shaped as installed: build/typecheck/errata/{scraper,…}.
PACKAGES := cron db differ parsers reports scraper
typecheck: $(VENV)/.installed-test  ## mypy --strict over the installed shape
	@rm -rf build/typecheck && mkdir -p build/typecheck/errata
	@for f in errata/*; do ln -s ../../../$$f build/typecheck/$$f; done
	@for p in $(PACKAGES); do ln -s ../../../$$p build/typecheck/errata/$$p; done
	$(BIN)/mypy

serve: $(VENV)/.installed-serve  ## Datasette over errata.db
	$(BIN)/errata serve

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Editable: the root folders are mapped into errata.* by a finder, which setuptools
# announces with an informational warning on every editable install; it is expected.
EDITABLE := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet -e

$(VENV)/.installed-base: pyproject.toml | $(VENV)/bin/python
	$(EDITABLE) .
	touch $@

$(VENV)/.installed-%: pyproject.toml | $(VENV)/bin/python
	$(EDITABLE) ".[$*]"
	touch $@

clean:
	rm -rf $(VENV) build dist errata-demo .mypy_cache .ruff_cache .pytest_cache

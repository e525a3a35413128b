# The front door: `make html` builds the site, `make test` runs the tests.
# Both create or reuse .venv in this checkout and install what they need.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SRC    ?= .
OUT    ?= _build/html

# Reinstall the package whenever its sources, templates or configuration change.
PACKAGE_FILES := pyproject.toml $(shell find src templates conf -type f ! -name '*.pyc' 2>/dev/null)

.PHONY: html test lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A real (not editable) install, so the wheel's templates/ and conf/ are what runs.
$(VENV)/.installed: $(BIN)/python $(PACKAGE_FILES)
	$(BIN)/python -m pip install --quiet ".[test]"
	touch $@

html: $(VENV)/.installed
	$(BIN)/xrefdoc build "$(SRC)" -o "$(OUT)"

test: $(VENV)/.installed
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet ruff mypy types-Pygments
	$(BIN)/ruff check src tests
	$(BIN)/mypy

clean:
	rm -rf _build .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# The front door: `make html` builds the site, `make test` runs the tests.
# Both create or reuse .venv in this checkout and install what they need.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SRC    ?= .
OUT    ?= _build/html

# Reinstall the package whenever its sources, templates or configuration change.
PACKAGE_FILES := pyproject.toml $(shell find src templates conf -type f ! -name '*.pyc' 2>/dev/null)

.PHONY: html test docs lint bench bench-refs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A real (not editable) install, so the wheel's templates/ and conf/ are what runs.
$(VENV)/.installed: $(BIN)/python $(PACKAGE_FILES)
	$(BIN)/python -m pip install --quiet ".[test]"
	touch $@

html: $(VENV)/.installed
	$(BIN)/xrefdoc build "$(SRC)" -o "$(OUT)"

# The browser tests drive Debian's Chromium; installed when missing (needs root), else they
# skip and say why.
test: $(VENV)/.installed
	@command -v chromium >/dev/null || \
		(apt-get install -y -qq chromium >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1)) || \
		echo "test: Chromium is not installed and could not be; the browser tests will skip"
	$(BIN)/python -m pytest

# The user guide (docs/), with this repository documented beside it by the extension;
# warnings are errors, and every internal link of the result must resolve.
DOCS_OUT ?= _build/docs
docs: $(VENV)/.installed
	$(BIN)/sphinx-build -W --keep-going -q -b html docs "$(DOCS_OUT)"
	$(BIN)/xrefdoc check -q "$(DOCS_OUT)"

# The scale benchmark: BENCH_SOURCE is a real tree cloned outside this one (default: this
# repository); the peers are installed when missing (Debian packages need root).
BENCH_SOURCE ?= .
BENCH_ARGS   ?=
bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet sphinx-autoapi
	@command -v doxygen >/dev/null && command -v htags >/dev/null || \
		apt-get install -y -qq doxygen global >/dev/null 2>&1 || \
		echo "bench: doxygen and global (GNU GLOBAL) not installed; their rows will say so"
	$(BIN)/python bench/scale.py --source "$(BENCH_SOURCE)" $(BENCH_ARGS)

# xrefdoc's Python links against jedi's (bench/refs_oracle.py) on REFS_SOURCES, real trees
# downloaded outside this one (default: this repository); jedi, the oracle, is installed
# here only (the "oracle" extra), never by html or test.
REFS_SOURCES ?= .
REFS_ARGS    ?=
bench-refs: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet ".[oracle]"
	$(BIN)/python bench/refs_oracle.py $(REFS_ARGS) $(REFS_SOURCES)

lint: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet ruff mypy types-Pygments
	$(BIN)/ruff check src tests
	$(BIN)/mypy

clean:
	rm -rf _build docs/_xref .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

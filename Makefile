# Two commands on a fresh machine with Python >= 3.10 and make: `make demo` and `make test`.
# Each creates .venv when it is missing and installs what it needs from pyproject.toml.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python

.PHONY: demo test lint typecheck pytest examples docs bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed-base: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.installed-bench: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

demo: $(VENV)/.installed-base
	$(BIN)/govops demo
	$(BIN)/govops scenario run examples/scenarios/quarterly_report.toml

test: lint typecheck pytest examples docs

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks examples docs/conf.py
	$(BIN)/ruff format --check src tests benchmarks examples docs/conf.py

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# pytest exits 5 when it collected nothing: for this project that means the suite went missing,
# so it is reported as a failure with its own message rather than passed through silently.
pytest: $(VENV)/.installed-test
	@$(PY) -m pytest -q; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: the suite is missing" >&2; exit 1; fi; \
	exit $$rc

examples: $(VENV)/.installed-test
	@set -e; for f in examples/*.py; do echo "== $$f"; $(PY) $$f > /dev/null; done; echo "examples ok"

docs: $(VENV)/.installed-test
	$(BIN)/sphinx-build -q -W --keep-going -b html docs docs/_build/html

bench: $(VENV)/.installed-bench
	@set -e; for f in benchmarks/bench_*.py; do echo "== $$f"; $(PY) $$f; done

clean:
	rm -rf $(VENV) docs/_build build dist .mypy_cache .ruff_cache

# Two commands on a fresh machine with Python >= 3.10 and make: `make demo` and `make test`.
# Each creates .venv when it is missing and installs what it needs from pyproject.toml, at the
# exact versions of requirements/lock.txt (`make lock` regenerates it; `make upgrade-check` tries
# the newest versions pyproject.toml allows in a separate environment).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
LOCK   := requirements/lock.txt
# The lock constrains every install, the build backend's isolated environment included.
PIP    := PIP_CONSTRAINT=$(abspath $(LOCK)) $(PY) -m pip install --quiet

UPGRADE := .venv-upgrade

.PHONY: demo test test-slow lint typecheck pytest examples docs bench lock upgrade-check clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) pip

# Stamp files: reinstall only when pyproject.toml or the lock changes.
$(VENV)/.installed-base: pyproject.toml $(LOCK) | $(PY)
	$(PIP) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(LOCK) | $(PY)
	$(PIP) -e '.[test]'
	touch $@

$(VENV)/.installed-bench: pyproject.toml $(LOCK) | $(PY)
	$(PIP) -e '.[test,bench]'
	touch $@

demo: $(VENV)/.installed-base
	$(BIN)/govops demo
	$(BIN)/govops scenario run examples/scenarios/quarterly_report.toml

test: lint typecheck pytest examples docs

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks examples tools docs/conf.py
	$(BIN)/ruff format --check src tests benchmarks examples tools docs/conf.py

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# pytest exits 5 when it collected nothing: for this project that means the suite went missing,
# so it is reported as a failure with its own message rather than passed through silently.
pytest: $(VENV)/.installed-test
	@$(PY) -m pytest -q; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: the suite is missing" >&2; exit 1; fi; \
	exit $$rc

# The exhaustive profile: the tests marked slow (large fuzz runs, crash trials, load tests).
test-slow: $(VENV)/.installed-test
	$(PY) -m pytest -q -m slow

examples: $(VENV)/.installed-test
	@set -e; for f in examples/*.py; do echo "== $$f"; $(PY) $$f > /dev/null; done; echo "examples ok"

docs: $(VENV)/.installed-test
	$(BIN)/sphinx-build -q -W --keep-going -b html docs docs/_build/html

bench: $(VENV)/.installed-bench
	@set -e; for f in benchmarks/bench_*.py; do echo "== $$f"; $(PY) $$f; done

# Regenerate the lock: the newest versions pyproject.toml allows, resolved for every Python the
# project supports, with the tools the environments are built with (requirements/tools.in).
lock: | $(PY)
	$(PIP) uv
	$(BIN)/uv pip compile --quiet --universal --python-version 3.10 --extra test --extra bench \
	    pyproject.toml requirements/tools.in -o $(LOCK)

# Try the newest allowed versions without touching .venv or the lock: say which versions change,
# what the holidays data changes (years and days), run the suite without the review tripwires,
# then the tripwires, whose messages say what to review.
upgrade-check:
	rm -rf $(UPGRADE)
	$(PYTHON) -m venv $(UPGRADE)
	$(UPGRADE)/bin/python -m pip install --quiet --upgrade pip
	$(UPGRADE)/bin/python -m pip install --quiet --upgrade -e '.[test,bench]'
	@$(UPGRADE)/bin/python tools/versions_changed.py $(LOCK)
	@echo "== the CN holiday data against the reviewed snapshot"
	@$(UPGRADE)/bin/python tests/calendar_review.py || true
	@echo "== the suite, without the review tripwires"
	@$(UPGRADE)/bin/python -m pytest -q -m "not slow and not review"; suite=$$?; \
	echo "== the review tripwires"; \
	$(UPGRADE)/bin/python -m pytest -q -m review; review=$$?; \
	if [ $$suite -ne 0 ]; then echo "upgrade-check: the suite fails with the newest versions" >&2; exit 1; fi; \
	if [ $$review -ne 0 ]; then echo "upgrade-check: review the data above, then run 'make lock'" >&2; exit 1; fi; \
	echo "upgrade-check: nothing to review; 'make lock' takes the newest versions"

clean:
	rm -rf $(VENV) $(UPGRADE) docs/_build build dist .mypy_cache .ruff_cache

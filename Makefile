# Two commands do all the set-up on a fresh machine:
#   make demo   -- creates .venv on first use, installs surveystats, runs the VTsIOM case
#   make test   -- creates .venv with the test extras, runs ruff, mypy and pytest (with doctests);
#                 installs Debian's chromium first (as root) for the index page's browser test
#   make test-min -- pytest in .venv-min on the oldest supported Python with every dependency at
#                   the floor pyproject.toml declares (pinned in requirements-min.txt)
#   make docs   -- installs the docs extra into .venv and builds the site into docs/_build/html
#                 (open docs/_build/html/index.html); warnings are errors, references must resolve;
#                 then loads every page in headless Chromium (tests/test_site.py)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The floors run on the oldest Python that requires-python admits.
PYTHON_MIN ?= python3.11
VENV_MIN := .venv-min

# The index page is tested in headless Chromium (tests/test_index_page.py). `make test` makes
# the test required (it fails rather than skips without a browser) and installs Debian's
# chromium when it is missing and make runs as root with apt-get. REQUIRE_BROWSER=0 lets the
# browser checks skip instead, e.g. on a machine without apt; SURVEYSTATS_CHROMIUM names
# another Chrome or Chromium binary.
REQUIRE_BROWSER ?= 1

.PHONY: demo test test-min lint typecheck pytest browser bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/surveystats report --out charts
	@echo "The VTsIOM chart set, summary.md, summary.csv and index.html are in ./charts (open charts/index.html)."

lint: $(VENV)/.installed-test
	$(BIN)/ruff check surveystats tests benchmarks examples docs/course

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy surveystats

browser:
	@if [ "$(REQUIRE_BROWSER)" != 1 ] || [ -n "$$SURVEYSTATS_CHROMIUM" ] \
	    || command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium for the index page's browser test"; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else \
	  echo "make: the index page's browser test needs headless Chromium: install it" \
	    "(sudo apt-get install chromium), or run 'make test REQUIRE_BROWSER=0' to skip it" >&2; \
	  exit 1; \
	fi

pytest: $(VENV)/.installed-test browser
	SURVEYSTATS_REQUIRE_BROWSER=$(REQUIRE_BROWSER) MPLBACKEND=Agg $(BIN)/python -m pytest

test: lint typecheck pytest

# A fresh venv whenever the floors change, so nothing newer is left over from an earlier set.
# --no-deps: surveystats itself must not pull newer releases over the pinned floors;
# pip check then confirms that the pinned set is one the packages' own metadata accepts.
$(VENV_MIN)/.installed: requirements-min.txt pyproject.toml
	rm -rf $(VENV_MIN)
	$(PYTHON_MIN) -m venv $(VENV_MIN)
	$(VENV_MIN)/bin/python -m pip install --quiet -r requirements-min.txt
	$(VENV_MIN)/bin/python -m pip install --quiet --no-deps -e .
	$(VENV_MIN)/bin/python -m pip check
	touch $@

test-min: $(VENV_MIN)/.installed
	MPLBACKEND=Agg $(VENV_MIN)/bin/python -m pytest -p no:cacheprovider

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_proportion_ci.py

# The site: Sphinx with MyST pages, the notebooks of examples/ executed by myst-nb, and one
# API page per public name (generated into docs/api/generated). -W: a warning fails the
# build; -n: every cross-reference must resolve. MPLBACKEND as for the tests (the notebooks
# select the inline backend themselves).
docs: $(VENV)/.installed-docs $(VENV)/.installed-test browser
	MPLBACKEND=Agg $(BIN)/sphinx-build -W --keep-going -n -b html docs docs/_build/html
	SURVEYSTATS_TEST_SITE=1 $(BIN)/python -m pytest -p no:cacheprovider tests/test_site.py

clean:
	rm -rf $(VENV) $(VENV_MIN) charts build *.egg-info docs/_build docs/api/generated

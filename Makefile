# Two commands do all the set-up on a fresh machine:
#   make demo   -- creates .venv on first use, installs surveystats, runs the VTsIOM case
#   make test   -- creates .venv with the test extras, runs ruff, mypy and pytest (with doctests)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/surveystats report --out charts
	@echo "The VTsIOM chart set, summary.md, summary.csv and index.html are in ./charts (open charts/index.html)."

lint: $(VENV)/.installed-test
	$(BIN)/ruff check surveystats tests benchmarks examples

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy surveystats

pytest: $(VENV)/.installed-test
	MPLBACKEND=Agg $(BIN)/python -m pytest

test: lint typecheck pytest

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_proportion_ci.py

clean:
	rm -rf $(VENV) charts build *.egg-info

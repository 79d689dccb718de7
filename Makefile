# The README's commands: `make demo` and `make test`. Each sets itself up.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin

# Find a Python 3.12+ that really runs (a pyenv shim may exist and still fail).
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 python3; do \
	  command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 \
	  && { command -v $$c; exit 0; }; done; \
	for c in $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3 $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do \
	  [ -x "$$c" ] && "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$c; exit 0; }; done)

.PHONY: setup demo app test bench mutation exercises validation calibration lint clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "make: no Python 3.12+ found (install one, or run 'make PYTHON=/path/to/python3.12')" >&2; exit 2; fi
	@echo "Using $(PYTHON)"
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# Every policy on 10 parameter sets from the calibration's posterior x 2 seeds (140 runs, about a minute).
demo: setup
	$(BIN)/nieuwkomers compare --out results/compare --posterior 10 --seeds 2

app: setup
	$(BIN)/nieuwkomers app

test: setup
	$(BIN)/python -m pytest -q -n auto --dist worksteal

# The slow tests, then every benchmarks/bench_*.py (the hosted app's load test among them); all run, any failure fails.
bench: setup
	@status=0; $(BIN)/python -m pytest -q -m slow || status=1; $(BIN)/python benchmarks/run_all.py || status=1; exit $$status

# How many small bugs in the mechanisms the fast tests catch (mutmut; a sample of mutants per module drawn
# with MUTATION_SEED, SAMPLE=0 for all); writes benchmarks/mutation.md. Not part of make test.
SAMPLE ?= 25
MUTATION_SEED ?= 1
mutation: setup
	$(BIN)/python benchmarks/mutation.py --sample $(SAMPLE) --seed $(MUTATION_SEED)

# The model against every calibration target (20 seeds); stored for docs/ODD.md's evaluation table.
validation: setup
	$(BIN)/nieuwkomers validate --seeds 20 --out docs/validation
	$(BIN)/python docs/odd_tables.py

exercises: setup
	$(BIN)/python docs/exercises/generate_solutions.py

# Refit the calibrated parameters (ABC-SMC until epsilon is 0 or stalls for two generations: hours on 2 cores;
# stopped, it resumes with RESUME=--resume), ship the posterior, regenerate its docs.
calibration: setup
	$(BIN)/nieuwkomers calibrate --out results/calibration --population 128 --generations 30 --max-minutes 900 --kernel-scale 4 --patience 2 --check 20 --export model/data $(RESUME)
	mkdir -p docs/calibration
	cp results/calibration/epsilon.png results/calibration/marginals.png results/calibration/pairs.png \
	   results/calibration/predictive.png results/calibration/parameters.csv results/calibration/posterior_check.csv docs/calibration/
	$(BIN)/python docs/odd_tables.py

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) results .pytest_cache

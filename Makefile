# Two commands for a fresh machine with Python >= 3.11 and make:
#   make render   renders examples/xr.yaml
#   make test     runs the whole suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: render test lint typecheck bench xrd clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "$(PYTHON) is older than 3.11; run make PYTHON=python3.11 (or newer)" >&2; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
		{ rm -rf $(VENV); echo "$(PYTHON) -m venv failed; on Debian or Ubuntu: apt-get install python3-venv" >&2; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

render: $(STAMP)
	$(BIN)/function render examples/xr.yaml

test: $(STAMP)
	$(BIN)/ruff check function tests benchmarks scripts e2e
	$(BIN)/ruff format --check function tests benchmarks scripts e2e
	$(BIN)/mypy
	$(BIN)/python -m pytest

# The XRDs and the Input CRD are generated from the models; tests/test_package.py
# fails when the checked-in copies drift.
xrd: $(STAMP)
	$(BIN)/function xrd > examples/xrd.yaml
	$(BIN)/function xrd --v2 > examples/xrd-v2.yaml
	$(BIN)/function input-crd > package/input/awsdynamodb.fn.project-planton.org_inputs.yaml

lint: $(STAMP)
	$(BIN)/ruff check function tests benchmarks scripts e2e
	$(BIN)/ruff format --check function tests benchmarks scripts e2e

typecheck: $(STAMP)
	$(BIN)/mypy

# Prints latency, throughput, cold start and RSS against a no-op function's floor.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

include e2e/e2e.mk

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis

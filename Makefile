# Two commands after cloning:
#   make demo   set everything up, then scan the reference stack and the faulty examples
#   make test   set everything up, then run the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup demo test test-fast bench docs clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(PY) -m policypack demo

test: $(STAMP)
	HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-ci} $(PY) -m pytest

test-fast: $(STAMP)
	HYPOTHESIS_PROFILE=dev $(PY) -m pytest -x

bench: $(STAMP)
	$(PY) benchmarks/bench_startup.py
	$(PY) benchmarks/bench_stack.py
	$(PY) benchmarks/bench_scan.py
	$(PY) benchmarks/bench_serving.py

docs: $(STAMP)
	$(PY) scripts/gen_rules_doc.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis reference_stack/.build

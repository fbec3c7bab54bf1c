# Two commands after cloning:
#   make demo   set everything up, then scan the reference stack and the faulty examples
#   make test   set everything up, then run the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# pip runs with a fixed version and installs only locked, hash-checked packages
PIP := $(PY) -m pip --disable-pip-version-check
LOCK := $(VENV)/bin/uv pip compile --universal --generate-hashes --quiet

.PHONY: setup demo test test-fast bench docs lock clean

$(STAMP): requirements-pip.txt requirements.txt requirements-dev.txt pyproject.toml
	@echo "setup: installing the locked dependencies into .venv from PyPI - about two minutes, once"
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r requirements-pip.txt
	$(PIP) install --quiet --require-hashes -r requirements-dev.txt
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	@# bytecode written once: the engine starts the pack for every preview (PYTHONDONTWRITEBYTECODE or not)
	$(PY) -m compileall -q policypack
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	@$(PY) -m policypack demo

test: $(STAMP)
	HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-ci} $(PY) -m pytest

test-fast: $(STAMP)
	HYPOTHESIS_PROFILE=dev $(PY) -m pytest -x

# every benchmark runs; the exit code is 1 when any of them says a goal is missed
bench: $(STAMP)
	@status=0; for script in bench_startup bench_stack bench_scan bench_iam_data bench_serving; do \
		$(PY) benchmarks/$$script.py || status=1; \
	done; exit $$status

docs: $(STAMP)
	$(PY) scripts/gen_rules_doc.py
	$(PY) scripts/gen_autonames.py
	$(PY) scripts/refresh_doc_excerpts.py

# Re-resolve the locks from the .in files (the runtime set for every Python the pack supports).
lock: $(STAMP)
	$(LOCK) --python-version 3.10 requirements-pip.in -o requirements-pip.txt
	$(LOCK) --python-version 3.10 requirements.in -o requirements.txt
	$(LOCK) --python-version 3.11 requirements-dev.in -o requirements-dev.txt

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis reference_stack/.build

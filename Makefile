# Heapscope developer entry points. Every target builds .venv itself on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when the package definition or the compiled kernel changes.
$(STAMP): $(BIN)/python pyproject.toml setup.py server/heapscope/snapshot/_kernels.c
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/demo.py

lint: $(STAMP)
	$(BIN)/ruff check server tests bench examples
	$(BIN)/ruff format --check server tests bench examples

typecheck: $(STAMP)
	$(BIN)/mypy

# npm packages of the leak corpus: TypeScript for the source-map program and a vendored package.
LEAKS_NPM := tests/leaks/node_modules/.package-lock.json
$(LEAKS_NPM): tests/leaks/package.json tests/leaks/package-lock.json
	npm ci --prefix tests/leaks --no-audit --no-fund

pytest: $(STAMP) $(LEAKS_NPM)
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build server/*.egg-info

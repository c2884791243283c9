# Heapscope developer entry points. Every target builds .venv itself on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest test-kernel-sanitizers client-test test-node22 vsix e2e bench install clean

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

# The VS Code extension: its npm packages, the esbuild bundle, then its tests (type-checked
# first by the pretest script; the server tests drive .venv's language server over stdio).
CLIENT := client-vscode
CLIENT_NPM := $(CLIENT)/node_modules/.package-lock.json
$(CLIENT_NPM): $(CLIENT)/package.json $(CLIENT)/package-lock.json
	npm ci --prefix $(CLIENT) --no-audit --no-fund

client-test: $(STAMP) $(CLIENT_NPM)
	cd $(CLIENT) && npm run build && HEAPSCOPE_PYTHON=$(CURDIR)/$(BIN)/python npm test

# The compiled kernel once more, built with AddressSanitizer and UBSan, and the engine tests
# (crafted and fuzzed snapshots among them) run against it: any read or write outside a
# buffer, or undefined behaviour, aborts the run. Python is not built with ASan, so its
# runtime is preloaded; leak detection is off (the interpreter keeps memory until exit).
SANITIZED_KERNEL := build/sanitizers/_kernels.so
$(SANITIZED_KERNEL): server/heapscope/snapshot/_kernels.c $(STAMP)
	mkdir -p $(dir $@)
	$(CC) -shared -fPIC -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	  -fno-sanitize-recover=all -std=c99 \
	  -I"$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["include"])')" \
	  $< -o $@ -lpthread

test-kernel-sanitizers: $(SANITIZED_KERNEL) $(LEAKS_NPM)
	LD_PRELOAD="$$($(CC) -print-file-name=libasan.so)" ASAN_OPTIONS=detect_leaks=0 \
	  HEAPSCOPE_KERNEL_LIBRARY=$(CURDIR)/$(SANITIZED_KERNEL) HEAPSCOPE_FUZZ_EXAMPLES=100 \
	  $(BIN)/pytest -q -p no:cacheprovider tests/snapshot

test: lint typecheck pytest test-kernel-sanitizers client-test

# The Python tests again against Node 22 (the npm registry's node package), for the
# inspector and snapshot behaviour that changes between Node versions.
NODE22 := .node22/node_modules/.bin/node
$(NODE22):
	npm install --prefix .node22 --no-save --no-audit --no-fund node@22

test-node22: $(STAMP) $(LEAKS_NPM) $(NODE22)
	PATH=$(CURDIR)/$(dir $(NODE22)):$$PATH $(BIN)/pytest -q

# client-vscode/heapscope.vsix, to install with `code --install-extension`.
vsix: $(CLIENT_NPM)
	cd $(CLIENT) && npm run package

# End to end in code-server + headless Chromium (not part of `make test`: it needs Debian's
# chromium and the -dev packages listed in client-vscode/e2e/install-code-server.sh).
e2e: $(STAMP) vsix
	cd $(CLIENT) && HEAPSCOPE_PYTHON=$(CURDIR)/$(BIN)/python node e2e/run.mjs

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/inspector_snapshot.py
	$(BIN)/python bench/allocation_tracking.py

clean:
	rm -rf $(VENV) .node22 build server/*.egg-info

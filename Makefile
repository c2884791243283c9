# Heapscope developer entry points. Every target builds .venv itself on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest test-kernel-sanitizers check-kernel-windows check-kernel-cross client-test test-node22 test-node24 test-stability test-pythons wheel vsix e2e bench install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when the package definition or the compiled kernel changes. Kernels built earlier are
# removed first: Python would import a version-specific build before the abi3 one.
$(STAMP): $(BIN)/python pyproject.toml setup.py server/heapscope/snapshot/_kernels.c server/heapscope/snapshot/_platform.h
	rm -f server/heapscope/snapshot/_kernels.*.so server/heapscope/snapshot/_kernels.*.pyd
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/demo.py

lint: $(STAMP)
	$(BIN)/ruff check server tests bench examples client-vscode/scripts
	$(BIN)/ruff format --check server tests bench examples client-vscode/scripts

typecheck: $(STAMP)
	$(BIN)/mypy

# npm packages of the leak corpus: TypeScript for the source-map program and a vendored package.
LEAKS_NPM := tests/leaks/node_modules/.package-lock.json
$(LEAKS_NPM): tests/leaks/package.json tests/leaks/package-lock.json
	npm ci --prefix tests/leaks --no-audit --no-fund

# Two pytest-xdist workers: most tests wait on real node programs, so two share a 2-core machine
# well. tests/conftest.py keeps each module's tests on one worker (module and session fixtures are
# computed once); the leak corpus spreads its cases over both.
PYTEST_WORKERS := -n 2 --dist loadgroup

pytest: $(STAMP) $(LEAKS_NPM)
	$(BIN)/pytest -q $(PYTEST_WORKERS)

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
$(SANITIZED_KERNEL): server/heapscope/snapshot/_kernels.c server/heapscope/snapshot/_platform.h $(STAMP)
	mkdir -p $(dir $@)
	$(CC) -shared -fPIC -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	  -fno-sanitize-recover=all -std=c99 \
	  -I"$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["include"])')" \
	  $< -o $@ -lpthread

test-kernel-sanitizers: $(SANITIZED_KERNEL) $(LEAKS_NPM)
	LD_PRELOAD="$$($(CC) -print-file-name=libasan.so)" ASAN_OPTIONS=detect_leaks=0 \
	  HEAPSCOPE_KERNEL_LIBRARY=$(CURDIR)/$(SANITIZED_KERNEL) HEAPSCOPE_FUZZ_EXAMPLES=100 \
	  $(BIN)/pytest -q -p no:cacheprovider tests/snapshot

# The Windows side of the kernel's portability layer (_platform.h), compiled and linked with
# MinGW-w64 (Debian: gcc-mingw-w64-x86-64-posix) as a plain DLL without the module stub; lists
# the functions the DLL exports. Not part of make test: it needs the cross compiler.
check-kernel-windows:
	mkdir -p build/windows
	x86_64-w64-mingw32-gcc -O2 -std=c99 -Wall -Wextra -Werror -shared -DHS_KERNEL_ONLY \
	  server/heapscope/snapshot/_kernels.c -o build/windows/_kernels.dll
	x86_64-w64-mingw32-objdump -p build/windows/_kernels.dll | grep -o 'hs_[a-z_]*' | sort

# The kernel cross-compiled with zig (PyPI's ziglang: clang, linkers and libc headers for every
# target, no SDK needed) for macOS x86_64 and arm64, Windows x86_64 and Linux aarch64 and x86_64,
# -Wall -Wextra -Werror, as a plain library and, where this Python's headers fit, as the module;
# tests/kernel/driver.c, linked against each build, runs every kernel function over a real
# snapshot natively, under wine (Debian: wine64) and qemu-user (qemu-user-static) when they are
# installed, and must write the engine's own results byte for byte (tests/kernel/cross.py).
# Not part of make test: on a fresh machine zig first builds each target's C library (minutes).
ZIG_VENV := .venv-zig
$(ZIG_VENV)/.installed:
	$(PYTHON) -m venv $(ZIG_VENV)
	$(ZIG_VENV)/bin/pip install --quiet 'ziglang~=0.17.0'
	touch $@

check-kernel-cross: $(STAMP) $(ZIG_VENV)/.installed
	$(BIN)/python tests/kernel/cross.py --zig '$(CURDIR)/$(ZIG_VENV)/bin/python -m ziglang' --node node

# The checks and test passes run two at a time, the long pytest pass first: lint, the type check,
# the sanitizer pass and the extension's tests take turns beside it. Each one's output is printed
# in one piece when it ends; the first failure stops new ones from starting and fails the run.
TEST_PASSES := pytest lint typecheck test-kernel-sanitizers client-test
test:
	$(MAKE) --no-print-directory -j2 --output-sync=target $(TEST_PASSES)

# The Python tests again against Node 22 (the npm registry's node package), for the
# inspector and snapshot behaviour that changes between Node versions.
NODE22 := .node22/node_modules/.bin/node
$(NODE22):
	npm install --prefix .node22 --no-save --no-audit --no-fund node@22

test-node22: $(STAMP) $(LEAKS_NPM) $(NODE22)
	PATH=$(CURDIR)/$(dir $(NODE22)):$$PATH $(BIN)/pytest -q $(PYTEST_WORKERS)

# The same against Node 24.
NODE24 := .node24/node_modules/.bin/node
$(NODE24):
	npm install --prefix .node24 --no-save --no-audit --no-fund node@24

test-node24: $(STAMP) $(LEAKS_NPM) $(NODE24)
	PATH=$(CURDIR)/$(dir $(NODE24)):$$PATH $(BIN)/pytest -q $(PYTEST_WORKERS)

# Every leak-corpus program STABILITY_RUNS times (default 5) on Node 20 (node on PATH), 22 and 24:
# a table of how many runs named the marked kind and line and which top findings were seen;
# fails when a program is unstable or wrong. Long (most of an hour on two cores): not part of
# make test. STABILITY_ARGS adds options, e.g. STABILITY_ARGS='--programs timer,queue'.
STABILITY_RUNS ?= 5
STABILITY_ARGS ?=
test-stability: $(STAMP) $(LEAKS_NPM) $(NODE22) $(NODE24)
	$(BIN)/python bench/stability.py --runs $(STABILITY_RUNS) --node node --node $(NODE22) --node $(NODE24) $(STABILITY_ARGS)

# The Python tests on every other supported CPython found on PATH (python3.10 ... python3.13), each
# in its own .venv-3.X; PYTEST_ARGS narrows them. Debian 12 ships only 3.11: with pyenv, e.g.
# PYENV_VERSION=3.10.13:3.12.1:3.13.0 make test-pythons.
PYTHONS := 3.10 3.11 3.12 3.13
PYTEST_ARGS ?=
test-pythons: $(LEAKS_NPM)
	@for version in $(PYTHONS); do \
	  if ! python$$version -c pass 2>/dev/null; then echo "python$$version: not on PATH, skipped"; continue; fi; \
	  echo "== python$$version"; \
	  [ -x .venv-$$version/bin/python ] || python$$version -m venv .venv-$$version || exit 1; \
	  .venv-$$version/bin/pip install --quiet -e '.[test]' || exit 1; \
	  .venv-$$version/bin/pytest -q $(PYTEST_ARGS) || exit 1; \
	done

# dist/heapscope-*.whl: the kernel built against the stable ABI (cp310-abi3, any CPython >= 3.10),
# repaired by auditwheel to a manylinux tag. From the .venv's build tools, without build isolation,
# so it needs no network. On macOS use delocate-wheel, on Windows the wheel needs no repair.
wheel: $(STAMP)
	rm -rf build/wheel dist
	$(BIN)/pip wheel --quiet --no-deps --no-build-isolation --wheel-dir build/wheel .
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/auditwheel repair --wheel-dir dist build/wheel/heapscope-*.whl

# client-vscode/heapscope-$(VSIX_TARGET).vsix: the extension with the server and its dependencies
# as wheels for CPython 3.10-3.13 (downloaded from PyPI for VSIX_TARGET). Build it on the target's
# own OS (the kernel is compiled there): VSIX_TARGET=darwin-arm64, darwin-x64, win32-x64, linux-arm64.
VSIX_TARGET ?= linux-x64
vsix: wheel $(CLIENT_NPM)
	cd $(CLIENT) && node scripts/package.mjs --python $(CURDIR)/$(BIN)/python --target $(VSIX_TARGET) --wheel $(wildcard $(CURDIR)/dist/heapscope-*.whl)

# End to end in code-server + headless Chromium (not part of `make test`: it needs Debian's
# chromium and builds code-server with client-vscode/e2e/install-code-server.sh). The editor's
# machine gets no heapscope.python: the extension sets up the server it carries.
e2e: vsix
	cd $(CLIENT) && VSIX=$(CURDIR)/$(CLIENT)/heapscope-$(VSIX_TARGET).vsix node e2e/run.mjs

# The find-leaks benchmark writes its TypeScript heap with Node 22 (Node 20 takes minutes);
# bench/scale.py writes ~5 GB of synthetic snapshots under bench/data/ and deletes them after.
bench: $(STAMP) $(NODE22)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/find_leaks.py --node $(NODE22)
	$(BIN)/python bench/inspector_snapshot.py
	$(BIN)/python bench/lsp_latency.py
	$(BIN)/python bench/allocation_tracking.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/source_index.py

clean:
	rm -rf $(VENV) .venv-3.* $(ZIG_VENV) .node22 .node24 build dist server/*.egg-info

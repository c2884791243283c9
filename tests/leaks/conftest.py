"""Session set-up for the leak corpus: install its npm packages and compile its TypeScript, once
per run also when pytest-xdist workers share the corpus; each case on a worker of its own choosing."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .corpus import CORPUS, discover

NODE_MODULES = CORPUS / "node_modules"
INSTALLED_LOCK = NODE_MODULES / ".package-lock.json"
PACKAGE_LOCK = CORPUS / "package-lock.json"


def _run(command: list[str], what: str) -> None:
    completed = subprocess.run(command, cwd=CORPUS, capture_output=True, text=True, timeout=300, check=False)
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip().splitlines()[-5:]
        pytest.fail(f"{what} failed ({' '.join(command)}): {' / '.join(detail)}", pytrace=False)


@contextlib.contextmanager
def _first_worker_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[bool]:
    """True for the one pytest-xdist worker (or the only process) that sets the corpus up; the
    others wait until it has, then get False: a second ``tsc`` would rewrite the compiled programs
    while another worker's node runs them."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        yield True
        return
    shared = tmp_path_factory.getbasetemp().parent  # the workers' base folders are inside it
    done = shared / f"leak-corpus-ready-{run}"
    with (shared / "leak-corpus.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            first = not done.exists()
            yield first
            if first:
                done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def corpus_ready(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Installs the corpus's packages (the vendored one and the TypeScript compiler) and compiles
    the TypeScript programs. `make` normally ran ``npm ci --prefix tests/leaks`` already; this
    repeats it only when the install is missing or older than the lock file."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("the leak corpus needs node and npm on PATH", pytrace=False)
    with _first_worker_only(tmp_path_factory) as first:
        if not first:
            return
        if not INSTALLED_LOCK.exists() or INSTALLED_LOCK.stat().st_mtime < PACKAGE_LOCK.stat().st_mtime:
            _run(["npm", "ci", "--no-audit", "--no-fund"], "installing the leak corpus's packages")
        compiler = NODE_MODULES / "typescript" / "bin" / "tsc"
        for project in sorted({p.typescript_project for p in discover() if p.typescript_project}):
            _run(["node", str(compiler), "-p", str(project)], f"compiling {project.name}")


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> Iterator[None]:
    """Under pytest-xdist each corpus case is a unit of its own (they are independent and mostly
    wait on the program), except that a path-sensitive program's corpus case and its repeat test
    share one, in that order: the repeat test counts the corpus case's run as its first."""
    if hasattr(config, "workerinput"):
        from .test_corpus import PATH_SENSITIVE

        for item in items:
            if Path(item.path).parent != CORPUS or not isinstance(item, pytest.Function):
                continue
            params = item.callspec.params if hasattr(item, "callspec") else {}
            name = params.get("name") or getattr(params.get("program"), "name", None)
            shared = name in PATH_SENSITIVE and params.get("track", True)
            item.add_marker(pytest.mark.xdist_group(f"corpus:{name}" if shared else item.nodeid))
    return (yield)

"""Session set-up for the leak corpus: install its npm packages and compile its TypeScript."""

from __future__ import annotations

import shutil
import subprocess

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


@pytest.fixture(scope="session")
def corpus_ready() -> None:
    """Installs the corpus's packages (the vendored one and the TypeScript compiler) and compiles
    the TypeScript programs. `make` normally ran ``npm ci --prefix tests/leaks`` already; this
    repeats it only when the install is missing or older than the lock file."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("the leak corpus needs node and npm on PATH", pytrace=False)
    if not INSTALLED_LOCK.exists() or INSTALLED_LOCK.stat().st_mtime < PACKAGE_LOCK.stat().st_mtime:
        _run(["npm", "ci", "--no-audit", "--no-fund"], "installing the leak corpus's packages")
    compiler = NODE_MODULES / "typescript" / "bin" / "tsc"
    for project in sorted({p.typescript_project for p in discover() if p.typescript_project}):
        _run(["node", str(compiler), "-p", str(project)], f"compiling {project.name}")

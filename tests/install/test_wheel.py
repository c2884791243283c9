"""The wheel a stranger installs: built from the sources as `make wheel` builds it, installed into
a fresh virtual environment whose PATH has no C compiler, and run on real snapshots.

Everything stays offline: the wheel is built with the test environment's setuptools (no build
isolation), and the fresh environment sees the test environment's already installed dependencies
through a path entry, while heapscope itself comes only from the wheel.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from analysis.conftest import Snapshotted, snapshot_program
from analysis.test_patterns import PROGRAMS

REPO = Path(__file__).resolve().parents[2]
PIP = [sys.executable, "-m", "pip"]
BUILD_WHEEL = [*PIP, "wheel", "--no-deps", "--no-build-isolation"]
COMPILERS = ("cc", "gcc", "clang", "c99", "cl")
SOURCES = ("pyproject.toml", "setup.py", "README.md", "LICENSE", "server")


def copy_sources(target: Path) -> Path:
    """The files a source distribution carries, without build output of the checkout."""
    target.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", "*.egg-info", "build")
    for name in SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    return target


def without_compiler(directory: Path) -> dict[str, str]:
    """An environment whose PATH is ``directory`` alone (no C compiler there), and no CC."""
    dropped = ("CC", "CXX", "LDSHARED", "PYTHONPATH")
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env["PATH"] = str(directory)
    for compiler in COMPILERS:
        assert shutil.which(compiler, path=env["PATH"]) is None, compiler
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scratch = tmp_path_factory.mktemp("wheel")
    sources = copy_sources(scratch / "src")
    raw = scratch / "raw"
    subprocess.run(
        [*BUILD_WHEEL, "--quiet", "--wheel-dir", str(raw), str(sources)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (built,) = raw.glob("heapscope-*.whl")
    if not sys.platform.startswith("linux"):
        return built
    repaired = scratch / "dist"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(
        [sys.executable, "-m", "auditwheel", "repair", "--wheel-dir", str(repaired), str(built)],
        check=True,
        capture_output=True,
        env=env,
        timeout=300,
    )
    (fixed,) = repaired.glob("heapscope-*.whl")
    return fixed


def test_wheel_is_abi3_manylinux_with_the_stub_and_without_the_c_sources(wheel: Path) -> None:
    if sys.platform.startswith("linux"):
        assert re.fullmatch(r"heapscope-[\d.]+-cp310-abi3-manylinux_\d+_\d+_\w+\.whl", wheel.name), wheel.name
    names = zipfile.ZipFile(wheel).namelist()
    assert "heapscope/snapshot/_kernels.pyi" in names
    assert "heapscope/py.typed" in names
    assert not [name for name in names if name.endswith((".c", ".h"))]
    assert [name for name in names if re.fullmatch(r"heapscope/snapshot/_kernels\.(abi3\.so|pyd)", name)]
    metadata = next(name for name in names if name.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: MIT" in text
    assert "Requires-Python: >=3.10" in text
    assert any(name.endswith("licenses/LICENSE") for name in names)


@pytest.fixture(scope="module")
def leaky(tmp_path_factory: pytest.TempPathFactory) -> Snapshotted:
    return snapshot_program(tmp_path_factory.mktemp("wheel-leaky"), PROGRAMS["collection"])


def test_wheel_installs_without_a_compiler_and_finds_the_leak(
    wheel: Path, leaky: Snapshotted, tmp_path: Path
) -> None:
    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True, timeout=120)
    bin_dir = fresh / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    env = without_compiler(bin_dir)
    subprocess.run(
        [*PIP, "--python", str(python), "install", "--quiet", "--no-index", "--no-deps", str(wheel)],
        check=True,
        env=env,
        timeout=300,
    )

    def ask(code: str) -> str:
        """What ``code`` prints in the fresh environment."""
        run = subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True, env=env)
        return run.stdout.strip()

    # The dependencies (numpy, pygls, ...) from the test environment; heapscope only from the wheel.
    fresh_site = Path(ask("import sysconfig; print(sysconfig.get_path('purelib'))"))
    (fresh_site / "test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    where = ask("import heapscope.snapshot._native as n; print(n.__file__)")
    assert Path(where).is_relative_to(fresh), where

    result = subprocess.run(
        [str(bin_dir / "heapscope"), "find-leaks", *map(str, leaky.snapshots)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    assert f"{leaky.program}:{leaky.leak_line}:" in result.stdout
    assert "Map `cache`" in result.stdout


def test_source_build_without_a_compiler_says_what_is_needed_in_one_line(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path / "src")
    env = without_compiler(Path(sys.executable).parent)
    result = subprocess.run(
        [*BUILD_WHEEL, "--wheel-dir", str(tmp_path / "out"), str(sources)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    lines = [line.strip() for line in output.splitlines() if "needs a C compiler" in line]
    assert lines == [
        "heapscope: building the C kernel from source needs a C compiler and the Python headers "
        "(Debian/Ubuntu: apt-get install build-essential python3-dev; macOS: xcode-select --install; "
        "Windows: Visual Studio Build Tools), or a prebuilt heapscope wheel for this platform"
    ]
    assert "Traceback" not in output
    assert not list(tmp_path.glob("out/*.whl"))

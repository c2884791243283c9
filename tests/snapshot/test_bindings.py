"""The ctypes bindings against the C prototypes they call, and what they refuse at the call."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from heapscope.snapshot import _native

KERNEL_SOURCE = Path(_native.__file__).with_name("_kernels.c")
PROTOTYPE = re.compile(r"^HS_EXPORT\s+(\w+)\s+(hs_\w+)\(([^)]*)\)", re.M)
SCALARS: dict[str, Any] = {"int64_t": ctypes.c_int64, "int": ctypes.c_int}
ELEMENTS = {"int64_t": np.int64, "uint32_t": np.uint32, "uint8_t": np.uint8, "uint64_t": np.uint64}
ELEMENTS["int32_t"] = np.int32


def prototypes() -> dict[str, tuple[str, list[str]]]:
    """Exported function name -> (return type, parameter declarations) from _kernels.c."""
    text = KERNEL_SOURCE.read_text()
    found = {}
    for result, name, parameters in PROTOTYPE.findall(text):
        declarations = [" ".join(part.split()) for part in parameters.split(",")]
        found[name] = (result, [] if declarations == ["void"] else declarations)
    return found


def expected_argtype(declaration: str, argtype: Any) -> bool:
    """Whether ``argtype`` is the right ctypes type for the C parameter ``declaration``."""
    match = re.fullmatch(r"(const )?(\w+) (\**)\w+", declaration)
    assert match, declaration
    const, base, stars = match.groups()
    if not stars:
        return bool(argtype is SCALARS[base])
    if argtype is ctypes.c_void_p:  # text buffers, arrays of pointers, outputs the caller types
        return base in ("char", "void", "int") or stars == "**"
    if argtype is ctypes.POINTER(ctypes.c_int64):  # one int64_t the kernel writes back
        return base == "int64_t" and not const and stars == "*"
    flags = ["C_CONTIGUOUS"] if const else ["C_CONTIGUOUS", "WRITEABLE"]
    return bool(argtype is np.ctypeslib.ndpointer(dtype=ELEMENTS[base], ndim=1, flags=flags))


def test_every_exported_kernel_has_a_binding_that_matches_its_prototype() -> None:
    found = prototypes()
    assert sorted(found) == sorted(_native.SIGNATURES)
    for name, (result, parameters) in found.items():
        restype, argtypes = _native.SIGNATURES[name]
        function = getattr(_native._lib, name)
        assert function.restype is restype is SCALARS[result], name
        assert function.argtypes == argtypes, name
        assert len(argtypes) == len(parameters), name
        for index, (declaration, argtype) in enumerate(zip(parameters, argtypes, strict=True), start=1):
            assert expected_argtype(declaration, argtype), f"{name} parameter {index}: {declaration}"


def graph() -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Three nodes, 0 -> 1 -> 2."""
    return np.array([0, 1, 2, 2], dtype=np.int64), np.array([1, 2], dtype=np.uint32)


def test_arrays_of_the_right_type_go_through() -> None:
    first_edge, edge_to = graph()
    assert _native._lib.hs_check_graph(3, 2, first_edge, edge_to) == 0
    dist = np.empty(3, dtype=np.int32)
    kinds = np.zeros(2, dtype=np.uint8)
    assert _native._lib.hs_distances(3, 2, 0, first_edge, edge_to, 0, kinds, 99, dist) == 0
    assert dist.tolist() == [0, 1, 2]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a.astype(np.float64), "array must have data type int64"),
        (lambda a: a.astype(np.int32), "array must have data type int64"),
        (lambda a: np.repeat(a, 2)[::2], "array must have flags"),
        (lambda a: a.reshape(2, 2), "array must have 1 dimension"),
        (lambda a: a.tolist(), "argument 3"),
    ],
)
def test_a_wrong_array_is_refused_at_the_call(change: Any, message: str) -> None:
    first_edge, edge_to = graph()
    with pytest.raises(ctypes.ArgumentError, match=message):
        _native._lib.hs_check_graph(3, 2, change(first_edge), edge_to)


def test_a_read_only_output_is_refused() -> None:
    first_edge, edge_to = graph()
    dist = np.empty(3, dtype=np.int32)
    dist.flags.writeable = False
    with pytest.raises(ctypes.ArgumentError, match="argument 9"):
        _native._lib.hs_distances(3, 2, 0, first_edge, edge_to, 0, np.zeros(2, dtype=np.uint8), 99, dist)


def stale_kernel(tmp_path: Path) -> str:
    """A shared library standing for a kernel built from an older _kernels.c: another version."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if not compiler:
        pytest.skip("no C compiler here")
    source = tmp_path / "stale.c"
    source.write_text(f"int hs_abi_version(void) {{ return {_native.ABI_VERSION - 1}; }}\n")
    library = tmp_path / "stale.so"
    subprocess.run([compiler, "-shared", "-fPIC", str(source), "-o", str(library)], check=True)
    return str(library)


@pytest.mark.parametrize("kind", ["older version", "no version"])
def test_an_out_of_date_kernel_is_refused_in_one_sentence(tmp_path: Path, kind: str) -> None:
    library = stale_kernel(tmp_path) if kind == "older version" else ctypes.util.find_library("m")
    assert library
    server = Path(_native.__file__).parents[2]
    env = {**os.environ, "HEAPSCOPE_KERNEL_LIBRARY": library, "PYTHONPATH": str(server)}
    result = subprocess.run(
        [sys.executable, "-m", "heapscope", "--version"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"heapscope: the compiled kernel {library} is out of date (built from an older _kernels.c): "
        "rebuild it with make install"
    ]

"""Build the compiled graph kernel; everything else lives in pyproject.toml.

The kernel is called through ctypes and uses nothing of Python's C API beyond the module
stub, so it is built against the stable ABI (Py_LIMITED_API 3.10): one wheel per platform,
tagged cp310-abi3, serves every CPython from 3.10 on.
"""

from __future__ import annotations

import sys

from setuptools import Extension, setup
from setuptools.command.build import build
from setuptools.command.build_ext import build_ext
from setuptools.errors import CCompilerError, CompileError, ExecError, LinkError, PlatformError

# What a source install needs when no wheel fits this machine, in one line.
_NEEDS_COMPILER = (
    "heapscope: building the C kernel from source needs a C compiler and the Python headers "
    "(Debian/Ubuntu: apt-get install build-essential python3-dev; macOS: xcode-select --install; "
    "Windows: Visual Studio Build Tools), or a prebuilt heapscope wheel for this platform"
)


class BuildKernel(build_ext):
    """Turns a missing compiler or missing headers into one sentence instead of a compiler log."""

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except (CCompilerError, CompileError, LinkError, ExecError, PlatformError, OSError):
            raise SystemExit(_NEEDS_COMPILER) from None


class BuildKernelFirst(build):
    """Compiles before copying the Python files, so a failed compile is not buried under that log."""

    def run(self) -> None:
        self.run_command("build_ext")
        super().run()


_POSIX = sys.platform != "win32"

setup(
    cmdclass={"build": BuildKernelFirst, "build_ext": BuildKernel},
    ext_modules=[
        Extension(
            "heapscope.snapshot._kernels",
            sources=["server/heapscope/snapshot/_kernels.c"],
            depends=["server/heapscope/snapshot/_platform.h"],
            define_macros=[("Py_LIMITED_API", "0x030A0000")],
            py_limited_api=True,
            extra_compile_args=["-O3", "-std=c99"] if _POSIX else ["/O2", "/std:c11"],
        )
    ],
    options={"bdist_wheel": {"py_limited_api": "cp310"}},
)

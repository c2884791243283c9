"""Build the compiled graph kernel; everything else lives in pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "heapscope.snapshot._kernels",
            sources=["server/heapscope/snapshot/_kernels.c"],
            extra_compile_args=["-O3", "-std=c99"],
        )
    ]
)

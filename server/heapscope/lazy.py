"""Names a package exports but imports only when first used (PEP 562 module ``__getattr__``).

The command line's offline path must not pay for the live machinery (the inspector's
websocket, psutil, HTTP) or for modules it reaches only later; each package lists which of
its names come from which submodule and gets its ``__getattr__`` here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports ``where[name]`` (relative) on first use."""

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module, package), name)

    return __getattr__

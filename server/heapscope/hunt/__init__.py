"""The live hunt: start or attach, warm up, three snapshots in one session, analyse.

A layer above both :mod:`heapscope.inspector` (the target) and :mod:`heapscope.analysis`
(the snapshots): the CLI's ``run`` and live ``find-leaks`` and the language server's Find
Leaks all come through here, so the analysis core never touches a live process.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .defaults import DEFAULT_INTERVAL, DEFAULT_WARMUP
from .errors import Cancelled, RunError, RunErrorKind

if TYPE_CHECKING:
    from .live import find_leaks_live
    from .program import RunOptions, run_program

# The hunt drives live processes; its modules load the inspector only when first used.
_LAZY = {"find_leaks_live": ".live", "RunOptions": ".program", "run_program": ".program"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module, __name__), name)


__all__ = [
    "DEFAULT_INTERVAL",
    "DEFAULT_WARMUP",
    "Cancelled",
    "RunError",
    "RunErrorKind",
    "RunOptions",
    "find_leaks_live",
    "run_program",
]

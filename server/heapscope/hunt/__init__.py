"""The live hunt: start or attach, warm up, three snapshots in one session, analyse.

A layer above both :mod:`heapscope.inspector` (the target) and :mod:`heapscope.analysis`
(the snapshots): the CLI's ``run`` and live ``find-leaks`` and the language server's Find
Leaks all come through here, so the analysis core never touches a live process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports
from .defaults import DEFAULT_INTERVAL, DEFAULT_WARMUP
from .errors import Cancelled, RunError, RunErrorKind

if TYPE_CHECKING:
    from .live import find_leaks_live
    from .program import RunOptions, run_program

# The hunt drives live processes; its modules load the inspector only when first used.
_LAZY = {"find_leaks_live": ".live", "RunOptions": ".program", "run_program": ".program"}


__getattr__ = lazy_exports(__name__, _LAZY)


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

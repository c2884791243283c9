"""The live hunt: start or attach, warm up, three snapshots in one session, analyse.

A layer above both :mod:`heapscope.inspector` (the target) and :mod:`heapscope.analysis`
(the snapshots): the CLI's ``run`` and live ``find-leaks`` and the language server's Find
Leaks all come through here, so the analysis core never touches a live process.
"""

from .errors import Cancelled, RunError, RunErrorKind
from .live import find_leaks_live
from .program import RunOptions, run_program
from .three import DEFAULT_INTERVAL, DEFAULT_WARMUP

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

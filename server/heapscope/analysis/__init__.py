"""Leak analysis: diff snapshots of one process, find what keeps growing, and say which line to fix.

No LSP or websocket imports here (the live entry points import the inspector lazily).
See docs/CONTRACTS.md, section ``heapscope.analysis``.
"""

from .analyze import AnalysisError, analyze_loaded, analyze_snapshots
from .diff import diff_snapshots
from .model import KINDS, ClassDelta, Finding, LeakReport, Location, PathHop
from .run import DEFAULT_INTERVAL, DEFAULT_WARMUP, RunError, RunOptions, find_leaks_live, run_program

__all__ = [
    "DEFAULT_INTERVAL",
    "DEFAULT_WARMUP",
    "KINDS",
    "AnalysisError",
    "ClassDelta",
    "Finding",
    "LeakReport",
    "Location",
    "PathHop",
    "RunError",
    "RunOptions",
    "analyze_loaded",
    "analyze_snapshots",
    "diff_snapshots",
    "find_leaks_live",
    "run_program",
]

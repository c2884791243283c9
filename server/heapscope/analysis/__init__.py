"""Leak analysis: diff snapshots of one process, find what keeps growing, and say which line to fix.

No inspector, LSP or websocket imports here: the live hunt is :mod:`heapscope.hunt`, a layer above.
See docs/ARCHITECTURE.md, section "Layers".
"""

from .analyze import AnalysisError, BackgroundLoads, analyze_loaded, analyze_snapshots
from .diff import diff_snapshots
from .model import KINDS, ClassDelta, Finding, LeakReport, Location, PathHop

__all__ = [
    "KINDS",
    "AnalysisError",
    "BackgroundLoads",
    "ClassDelta",
    "Finding",
    "LeakReport",
    "Location",
    "PathHop",
    "analyze_loaded",
    "analyze_snapshots",
    "diff_snapshots",
]

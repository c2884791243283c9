"""Leak analysis: diff snapshots of one process, find what keeps growing, and say which line to fix.

No inspector, LSP or websocket imports here: the live hunt is :mod:`heapscope.hunt`, a layer above.
See docs/ARCHITECTURE.md, section "Layers".
"""

from .analyze import AnalysisError, BackgroundLoads, analyze_loaded, analyze_snapshots
from .census import closure_census
from .diff import diff_snapshots
from .model import (
    KIND_WORDS,
    KINDS,
    ClassDelta,
    ClosureSite,
    Finding,
    KindWords,
    LeakReport,
    Location,
    PathHop,
    kind_words,
)

__all__ = [
    "KINDS",
    "KIND_WORDS",
    "AnalysisError",
    "BackgroundLoads",
    "ClassDelta",
    "ClosureSite",
    "Finding",
    "KindWords",
    "LeakReport",
    "Location",
    "PathHop",
    "analyze_loaded",
    "analyze_snapshots",
    "closure_census",
    "diff_snapshots",
    "kind_words",
]

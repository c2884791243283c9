"""Leak analysis: diff snapshots of one process, find what keeps growing, and say which line to fix.

No inspector, LSP or websocket imports here: the live hunt is :mod:`heapscope.hunt`, a layer above.
See docs/ARCHITECTURE.md, section "Layers".

The report's model (plain dataclasses) is imported at once; the engine behind the rest
(numpy, the C kernels, tree-sitter) only when a name that needs it is first used, so a
front end that only reads reports (the language server at start-up) does not load it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports
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

if TYPE_CHECKING:
    from .analyze import AnalysisError, BackgroundLoads, analyze_loaded, analyze_snapshots
    from .census import closure_census
    from .diff import diff_snapshots

_ENGINE = {
    "AnalysisError": ".analyze",
    "BackgroundLoads": ".analyze",
    "analyze_loaded": ".analyze",
    "analyze_snapshots": ".analyze",
    "closure_census": ".census",
    "diff_snapshots": ".diff",
}


__getattr__ = lazy_exports(__name__, _ENGINE)


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

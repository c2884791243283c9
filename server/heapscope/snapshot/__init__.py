"""The heap snapshot engine: parse V8 ``.heapsnapshot`` files and answer graph questions.

No LSP or websocket imports here: this package is the analysis core.
"""

from ._native import EdgeRules, PathTree, nearest_marked_up
from .errors import SnapshotError
from .loader import SnapshotMeta, read_snapshot
from .model import ROOT, HeapSnapshot, RetainerHop, SourceLocation, load_snapshot

__all__ = [
    "ROOT",
    "EdgeRules",
    "HeapSnapshot",
    "PathTree",
    "RetainerHop",
    "SnapshotError",
    "SnapshotMeta",
    "SourceLocation",
    "load_snapshot",
    "nearest_marked_up",
    "read_snapshot",
]

"""Allocation stacks from snapshots taken with ``trackAllocations: true``.

Each node's ``trace_node_id`` points into the ``trace_tree``; each trace node names one
function (``trace_function_infos``) and has a parent, so walking parents gives the stack
that allocated the object, innermost first. V8 writes the function infos' line and
column 1-based (0 when unknown), unlike the 0-based ``locations`` array; see
``tests/analysis/test_alloc_and_maps.py``, which checks this against a real program.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..script_urls import script_path
from ..snapshot import HeapSnapshot


@dataclass(frozen=True)
class Frame:
    """One allocation-stack frame: the function, its file, and its 1-based start line/column."""

    function: str
    path: str | None
    url: str
    line: int
    column: int


class AllocationTraces:
    """Stacks for nodes of one snapshot; empty when it was taken without allocation tracking."""

    def __init__(self, snapshot: HeapSnapshot) -> None:
        self.snapshot = snapshot
        self.available = (
            snapshot.trace_node_id is not None
            and bool(len(snapshot.trace_function_infos))
            and bool(snapshot.trace_tree)
        )
        if not self.available:
            return
        nodes = snapshot.trace_nodes
        order = np.argsort(nodes["id"], kind="stable")
        self._ids = nodes["id"][order]
        self._functions = nodes["function_info_index"][order]
        self._parents = nodes["parent_id"][order]
        fields = snapshot.meta.trace_function_info_fields or [
            "function_id",
            "name",
            "script_name",
            "script_id",
            "line",
            "column",
        ]
        self._field = {name: i for i, name in enumerate(fields)}
        self._frames: dict[int, Frame] = {}

    def _index(self, trace_id: int) -> int:
        position = int(np.searchsorted(self._ids, trace_id))
        if position < len(self._ids) and int(self._ids[position]) == trace_id:
            return position
        return -1

    def frame(self, function_index: int) -> Frame:
        cached = self._frames.get(function_index)
        if cached is not None:
            return cached
        row = self.snapshot.trace_function_infos[function_index]
        strings = self.snapshot.strings
        url = strings[int(row[self._field["script_name"]])]
        frame = Frame(
            function=strings[int(row[self._field["name"]])] or "(anonymous)",
            path=script_path(url),
            url=url,
            line=int(row[self._field["line"]]),
            column=int(row[self._field["column"]]),
        )
        self._frames[function_index] = frame
        return frame

    def stack(self, node: int, limit: int = 64) -> list[Frame]:
        """Innermost first; [] without a trace."""
        if not self.available or self.snapshot.trace_node_id is None:
            return []
        trace_id = int(self.snapshot.trace_node_id[node])
        frames: list[Frame] = []
        while trace_id and len(frames) < limit:
            index = self._index(trace_id)
            if index < 0:
                break
            frames.append(self.frame(int(self._functions[index])))
            trace_id = int(self._parents[index])
        return frames

    def dominant_frame(
        self, nodes: npt.NDArray[np.int64], *, user_only: bool = True, sample: int = 400
    ) -> tuple[Frame, list[Frame]] | None:
        """The innermost user-code frame most of ``nodes`` were allocated in, with one full stack."""
        if not self.available:
            return None
        votes: Counter[Frame] = Counter()
        stacks: dict[Frame, list[Frame]] = {}
        for node in nodes[:sample].tolist():
            stack = self.stack(int(node))
            for frame in stack:
                if frame.path is None or frame.line <= 0:
                    continue
                if user_only and "/node_modules/" in frame.path:
                    continue
                votes[frame] += 1
                stacks.setdefault(frame, stack)
                break
        if not votes:
            return None
        best, _ = votes.most_common(1)[0]
        return best, stacks[best]

"""Offline analysis: two or three snapshot files in, a :class:`LeakReport` out."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..snapshot import HeapSnapshot, SnapshotError, load_snapshot
from .classify import build_findings
from .diff import diff_snapshots
from .leaks import DEFAULT_MIN_BYTES, group_survivors
from .model import LeakReport
from .sources import SourceResolver, sidecar_scripts

AnalysisProgress = Callable[[str, float], None]


class AnalysisError(Exception):
    """The analysis cannot run on these inputs; ``str()`` is one line naming the problem."""


def check_same_process(snapshots: Sequence[HeapSnapshot]) -> None:
    """Snapshots of different processes share no ids; comparing them would report everything as new."""
    import numpy as np

    baseline = snapshots[0]
    for later in snapshots[1:]:
        if later.node_count and baseline.node_count:
            shared = np.isin(later.node_id[:2000], baseline.node_id).mean()
            if shared < 0.05:
                raise AnalysisError(
                    f"{later.path} does not look like a later snapshot of the same process as "
                    f"{baseline.path} "
                    "(almost no object ids in common)"
                )


def analyze_loaded(
    snapshots: Sequence[HeapSnapshot],
    *,
    script_maps: Sequence[Mapping[str, Any] | None] | Mapping[str, Any] | None = None,
    min_bytes: int = DEFAULT_MIN_BYTES,
    progress: AnalysisProgress | None = None,
) -> LeakReport:
    if len(snapshots) not in (2, 3):
        raise AnalysisError(f"need 2 or 3 snapshots (baseline, target[, final]), got {len(snapshots)}")
    ordered = list(snapshots)
    check_same_process(ordered)
    for index, snapshot in enumerate(ordered):
        if progress:
            progress(f"indexing snapshot {index + 1}", 0.3 + 0.2 * index / len(ordered))
        snapshot.initialize()
    if progress:
        progress("finding growth", 0.8)
    groups = group_survivors(ordered, min_bytes=min_bytes)
    final_map = _final_script_map(ordered[-1], script_maps)
    resolver = SourceResolver(ordered[-1], final_map)
    findings = build_findings(ordered, groups, resolver)
    report = LeakReport(
        target={},
        snapshots=[os.path.abspath(str(s.path)) for s in ordered],
        findings=findings,
        comparison=diff_snapshots(ordered[0], ordered[-1]),
    )
    if len(ordered) == 2:
        report.notes.append("two snapshots only: growth could not be confirmed over a second interval")
    report.notes.extend(resolver.warnings)
    report.sort()
    if progress:
        progress("done", 1.0)
    return report


def _final_script_map(
    final: HeapSnapshot, script_maps: Sequence[Mapping[str, Any] | None] | Mapping[str, Any] | None
) -> Mapping[str, Any]:
    if isinstance(script_maps, Mapping):
        return script_maps
    if script_maps:
        last = script_maps[-1]
        if last:
            return last
    return sidecar_scripts(str(final.path))


def analyze_snapshots(
    paths: Sequence[str | os.PathLike[str]],
    *,
    script_maps: Sequence[Mapping[str, Any] | None] | Mapping[str, Any] | None = None,
    min_bytes: int = DEFAULT_MIN_BYTES,
    progress: AnalysisProgress | None = None,
) -> LeakReport:
    """Load 2 or 3 snapshots of one process (baseline, target[, final]) and find what leaks.

    Raises :class:`AnalysisError` or :class:`~heapscope.snapshot.SnapshotError` with a one-line reason.
    """
    if len(paths) not in (2, 3):
        raise AnalysisError(f"need 2 or 3 snapshots (baseline, target[, final]), got {len(paths)}")
    snapshots: list[HeapSnapshot] = []
    for index, path in enumerate(paths):
        if progress:
            progress(f"loading {os.path.basename(str(path))}", 0.3 * index / len(paths))
        snapshots.append(load_snapshot(path))
    return analyze_loaded(snapshots, script_maps=script_maps, min_bytes=min_bytes, progress=progress)


__all__ = ["AnalysisError", "SnapshotError", "analyze_loaded", "analyze_snapshots"]

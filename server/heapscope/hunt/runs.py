"""The hunts kept under ``.heapscope/runs``: keep the newest few, remove the rest on request.

Every hunt writes three snapshots (tens to hundreds of MB) into its own
``.heapscope/runs/<timestamp>`` folder. ``heapscope run --keep N`` removes all but the
newest N after each run; ``heapscope clean`` removes them (and, when asked, the single
snapshots under ``.heapscope/snapshots``). Only folders and files Heapscope names itself
are touched: a run folder's name is its timestamp, a snapshot ends in ``.heapsnapshot``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..inspector.snapshots import SNAPSHOT_SUBDIR, sidecar_path

RUNS_KEPT = 5
"""Hunts ``heapscope run`` keeps unless told otherwise: enough to compare a fix with the last few."""

_RUN_NAME = re.compile(r"^\d{8}-\d{6}-\d{3}$")


@dataclass
class Removed:
    """What a clean-up deleted: folders/files and their bytes."""

    runs: int = 0
    snapshots: int = 0
    bytes: int = 0


def runs_folder(workspace: str | os.PathLike[str]) -> Path:
    return Path(workspace) / ".heapscope" / "runs"


def kept_runs(workspace: str | os.PathLike[str]) -> list[Path]:
    """Run folders of ``workspace``, oldest first (their names are timestamps)."""
    folder = runs_folder(workspace)
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    return sorted(entry for entry in entries if entry.is_dir() and _RUN_NAME.match(entry.name))


def _size(path: Path) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(root) / name).stat().st_size
    return total


def prune_runs(workspace: str | os.PathLike[str], keep: int) -> Removed:
    """Delete all but the newest ``keep`` run folders."""
    if keep < 0:
        raise ValueError("keep must not be negative")
    removed = Removed()
    runs = kept_runs(workspace)
    for folder in runs[: max(len(runs) - keep, 0)]:
        size = _size(folder)
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.runs += 1
            removed.bytes += size
    return removed


def clean(workspace: str | os.PathLike[str], *, keep: int = 0, snapshots: bool = False) -> Removed:
    """``heapscope clean``: runs beyond the newest ``keep``, and with ``snapshots`` the single snapshots."""
    removed = prune_runs(workspace, keep)
    if snapshots:
        folder = Path(workspace) / ".heapscope" / SNAPSHOT_SUBDIR
        for snapshot in sorted(folder.glob("*.heapsnapshot")):
            for path in (snapshot, sidecar_path(snapshot)):
                with contextlib.suppress(OSError):
                    size = path.stat().st_size
                    path.unlink()
                    removed.bytes += size
                    if path == snapshot:
                        removed.snapshots += 1
    return removed

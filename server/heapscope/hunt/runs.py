"""The hunts kept under ``.heapscope/runs``: keep the newest few, remove the rest on request.

Every hunt writes three snapshots (tens to hundreds of MB) into its own
``.heapscope/runs/<timestamp>`` folder. ``heapscope run --keep N`` removes all but the
newest N after each run; ``heapscope clean`` removes them (and, when asked, the single
snapshots under ``.heapscope/snapshots``). Only folders and files Heapscope names itself
are touched: a run folder's name is its timestamp, a snapshot ends in ``.heapsnapshot``
(the names are :mod:`heapscope.snapshot_files`'). Everything else asks this module where
a hunt's snapshots go and whether a folder is one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..inspector import InspectorError, heapscope_dir
from ..inspector.snapshots import private_directory
from ..snapshot_files import (
    RUNS_DIRECTORY,
    SNAPSHOT_SUFFIX,
    SNAPSHOTS_DIRECTORY,
    STATE_DIRECTORY,
    is_timestamp,
    remove_snapshot,
    timestamp,
)
from .errors import RunError, RunErrorKind


@dataclass
class Removed:
    """What a clean-up deleted: folders/files and their bytes."""

    runs: int = 0
    snapshots: int = 0
    bytes: int = 0


def runs_folder(workspace: str | os.PathLike[str]) -> Path:
    return Path(workspace) / STATE_DIRECTORY / RUNS_DIRECTORY


def run_directory(workspace: str | os.PathLike[str]) -> Path:
    """A new private folder ``<workspace>/.heapscope/runs/<timestamp>`` for one hunt's snapshots."""
    try:
        return private_directory(private_directory(heapscope_dir(workspace) / RUNS_DIRECTORY) / timestamp())
    except InspectorError as error:
        raise RunError(str(error), kind=RunErrorKind.FILE, inspector_kind=error.kind) from None


def is_run_folder(folder: Path) -> bool:
    """Whether ``folder`` is one hunt's folder (``.../runs/<timestamp>``)."""
    return folder.parent.name == RUNS_DIRECTORY and is_timestamp(folder.name)


def discard_snapshot(snapshot: Path) -> None:
    """Delete a snapshot and its sidecar; the hunt folder it was in goes too once it is empty."""
    remove_snapshot(snapshot)
    if is_run_folder(snapshot.parent):
        with contextlib.suppress(OSError):
            snapshot.parent.rmdir()


def kept_runs(workspace: str | os.PathLike[str]) -> list[Path]:
    """Run folders of ``workspace``, oldest first (their names are timestamps)."""
    folder = runs_folder(workspace)
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    return sorted(entry for entry in entries if entry.is_dir() and is_timestamp(entry.name))


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
        folder = Path(workspace) / STATE_DIRECTORY / SNAPSHOTS_DIRECTORY
        for snapshot in sorted(folder.glob(f"*{SNAPSHOT_SUFFIX}")):
            removed.bytes += remove_snapshot(snapshot)
            if not snapshot.exists():
                removed.snapshots += 1
    return removed

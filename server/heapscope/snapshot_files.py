"""How Heapscope names the files it keeps a snapshot in, and the sidecar JSON beside each one.

A snapshot Heapscope takes is ``<name>.heapsnapshot``; beside it ``<name>.meta.json`` says
where it came from (the target, the script map the analysis falls back on, how it was
taken). Both live under the workspace's ``.heapscope`` folder: single snapshots in
``.heapscope/snapshots/<timestamp>-<label>.heapsnapshot``, a hunt's three in
``.heapscope/runs/<timestamp>/<n>-<label>.heapsnapshot`` (a worker's with
``-worker-<thread>``). The inspector writes these files, the hunt, the monitor and the
editor name and delete them, the analysis reads the sidecar: this is the one place that
knows the names and the format. Nothing here creates a folder (see
:func:`heapscope.inspector.snapshots.heapscope_dir`, which makes them private).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

STATE_DIRECTORY = ".heapscope"
SNAPSHOTS_DIRECTORY = "snapshots"
"""Below :data:`STATE_DIRECTORY`: snapshots taken one at a time."""
RUNS_DIRECTORY = "runs"
"""Below :data:`STATE_DIRECTORY`: one folder per hunt (see :mod:`heapscope.hunt.runs`)."""
SNAPSHOT_SUFFIX = ".heapsnapshot"
SIDECAR_SUFFIX = ".meta.json"
SIDECAR_FORMAT = "heapscope-snapshot-sidecar"
SIDECAR_VERSION = 1

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_TIMESTAMP = re.compile(r"^\d{8}-\d{6}-\d{3}$")


def timestamp(when: datetime | None = None) -> str:
    """``20261202-025307-986``: local time to the millisecond, so names sort by time."""
    return (when or datetime.now()).strftime("%Y%m%d-%H%M%S-%f")[:-3]


def is_timestamp(name: str) -> bool:
    """Whether ``name`` is one :func:`timestamp` made (a hunt's folder)."""
    return bool(_TIMESTAMP.match(name))


def safe_label(label: str) -> str:
    """A label as a file name part: letters, digits, ``.``, ``_`` and ``-`` only, at most 60 characters."""
    return _UNSAFE.sub("-", label).strip("-.")[:60] or "snapshot"


def snapshot_name(label: str, when: datetime | None = None) -> str:
    """``<timestamp>-<label>.heapsnapshot``, the name of a single snapshot."""
    return f"{timestamp(when)}-{safe_label(label)}{SNAPSHOT_SUFFIX}"


def hunt_snapshot_name(index: int, label: str, worker: str | None = None) -> str:
    """``1-baseline.heapsnapshot``, ``2-target-worker-3.heapsnapshot``: a hunt's ``index``-th (from 0)."""
    thread = f"-worker-{worker}" if worker is not None else ""
    return f"{index + 1}-{safe_label(label)}{thread}{SNAPSHOT_SUFFIX}"


def sidecar_path(snapshot: str | os.PathLike[str]) -> Path:
    """The sidecar beside a snapshot: ``x.heapsnapshot`` → ``x.meta.json``."""
    path = Path(snapshot)
    stem = path.name.removesuffix(SNAPSHOT_SUFFIX)
    return path.with_name(stem + SIDECAR_SUFFIX)


def sidecar_document(
    snapshot: Path,
    *,
    target: Mapping[str, Any],
    scripts: Mapping[str, Any],
    script_source: str,
    label: str,
    gc: bool,
    size: int,
    seconds: float,
    allocation_tracking: bool,
    cpu_seconds: tuple[float | None, float | None] = (None, None),
) -> dict[str, Any]:
    """What a sidecar holds; ``scripts`` is id → ``{url, sourceMapURL}`` as the inspector saw them;
    ``cpu_seconds`` the CPU time the process had used when the snapshot began and when it ended."""
    return {
        "format": SIDECAR_FORMAT,
        "version": SIDECAR_VERSION,
        "snapshot": snapshot.name,
        "label": label,
        "takenAt": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "collectGarbageFirst": gc,
        "allocationTracking": allocation_tracking,
        "bytes": size,
        "seconds": round(seconds, 3),
        "cpuSeconds": {"before": cpu_seconds[0], "after": cpu_seconds[1]},
        "target": dict(target),
        # "debugger": from Debugger.scriptParsed; "none": use HeapSnapshot.script_names offline.
        "scriptSource": script_source,
        "scripts": dict(scripts),
    }


def read_sidecar(snapshot: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The sidecar of a snapshot, or None when there is none or it is no sidecar (offline files)."""
    try:
        data = orjson.loads(sidecar_path(snapshot).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return data if isinstance(data, dict) and data.get("format") == SIDECAR_FORMAT else None


def sidecar_scripts(snapshot: str | os.PathLike[str]) -> dict[str, Any]:
    """The sidecar's script map (id → ``{url, sourceMapURL}``), or {} without one."""
    scripts = (read_sidecar(snapshot) or {}).get("scripts")
    return scripts if isinstance(scripts, dict) else {}


def interval_cpu_seconds(snapshots: Sequence[str | os.PathLike[str]]) -> list[float] | None:
    """The CPU seconds the process used between each snapshot and the next (from the end of one
    to the start of the other, so the snapshots' own work is left out), from their sidecars;
    None unless every sidecar has both readings and they follow on."""
    readings: list[tuple[float, float]] = []
    for snapshot in snapshots:
        cpu = (read_sidecar(snapshot) or {}).get("cpuSeconds")
        before, after = (cpu.get("before"), cpu.get("after")) if isinstance(cpu, dict) else (None, None)
        if not isinstance(before, int | float) or not isinstance(after, int | float):
            return None
        readings.append((float(before), float(after)))
    busy = [later[0] - earlier[1] for earlier, later in itertools.pairwise(readings)]
    return busy if busy and min(busy) >= 0 else None


def remove_snapshot(snapshot: str | os.PathLike[str]) -> int:
    """Delete a snapshot and its sidecar, whichever exist; the bytes freed."""
    freed = 0
    for path in (Path(snapshot), sidecar_path(snapshot)):
        with contextlib.suppress(OSError):
            size = path.stat().st_size
            path.unlink()
            freed += size
    return freed

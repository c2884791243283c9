"""Per-class comparison of two snapshots of one process, by node id (DevTools' Comparison view).

V8 keeps an object's id for its lifetime, so "new" is an id only the later snapshot has and
"deleted" an id only the earlier one has. Everything is vectorised over the id columns.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ..snapshot import HeapSnapshot
from ..snapshot.classes import class_sums
from ..units import format_bytes
from .model import ClassDelta


def present_in(ids: npt.NDArray[Any], other: HeapSnapshot) -> npt.NDArray[np.bool_]:
    """Which of ``ids`` are alive in ``other``: one join against its id column, not a search per id."""
    return other.contains_ids(ids)


def diff_snapshots(before: HeapSnapshot, after: HeapSnapshot) -> list[ClassDelta]:
    """Classes whose objects changed between ``before`` and ``after``, biggest size change first."""
    new_mask = ~before.has_nodes_of(after)
    deleted_mask = ~after.has_nodes_of(before)
    new_counts, new_sizes = class_sums(after, new_mask)
    deleted_counts, deleted_sizes = class_sums(before, deleted_mask)
    rows: dict[str, list[int]] = {}
    for names, counts, sizes, offset in (
        (after.class_names, new_counts, new_sizes, 0),
        (before.class_names, deleted_counts, deleted_sizes, 2),
    ):
        for index in np.flatnonzero(counts).tolist():
            row = rows.setdefault(names[index], [0, 0, 0, 0])
            row[offset] += int(counts[index])
            row[offset + 1] += int(sizes[index])
    deltas = [
        ClassDelta(name=name, new_count=row[0], new_size=row[1], deleted_count=row[2], deleted_size=row[3])
        for name, row in rows.items()
    ]
    deltas.sort(key=lambda d: (-abs(d.delta_size), -abs(d.delta_count), d.name))
    return deltas


def format_comparison(deltas: list[ClassDelta], top: int = 30) -> str:
    """The table ``heapscope diff`` prints."""

    header = ("# new", "# deleted", "# delta", "alloc", "freed", "size delta")
    widths = (9, 9, 9, 10, 10, 11)
    lines = [
        "  " + "  ".join(f"{name:>{width}}" for name, width in zip(header, widths, strict=True)) + "  class"
    ]
    for row in deltas[:top]:
        lines.append(
            f"  {row.new_count:>9,}  {row.deleted_count:>9,}  {row.delta_count:>+9,}  "
            f"{format_bytes(row.new_size):>10}  {format_bytes(row.deleted_size):>10}  "
            f"{_signed_bytes(row.delta_size):>11}  {row.name}"
        )
    return "\n".join(lines)


def _signed_bytes(size: int) -> str:

    return ("+" if size > 0 else "") + format_bytes(size) if size >= 0 else "-" + format_bytes(-size)


def comparison_json(deltas: list[ClassDelta]) -> list[dict[str, Any]]:
    return [row.to_json() for row in deltas]

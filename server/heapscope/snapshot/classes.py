"""Per-class totals of one snapshot, as DevTools' Summary and Comparison views group objects.

``heapscope inspect``, the editor's "Open snapshot" summary and the comparison of two
snapshots all count objects and bytes per class; they ask here, so a class's numbers are
the same wherever they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .model import HeapSnapshot


@dataclass(frozen=True)
class ClassTable:
    """Per class (index into ``snapshot.class_names``): objects, their own bytes, what they retain."""

    count: npt.NDArray[Any]
    shallow: npt.NDArray[Any]
    retained: npt.NDArray[Any]
    """Summed over the class's top-level members only (see :func:`class_table`)."""

    def order(self, by: str) -> npt.NDArray[np.intp]:
        """Class indexes, largest ``by`` (``count``, ``shallow`` or ``retained``) first; ties by index."""
        values: npt.NDArray[Any] = getattr(self, by)
        return np.argsort(-values, kind="stable")


def class_sums(
    snapshot: HeapSnapshot, nodes: npt.NDArray[Any] | None = None
) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """(objects, shallow bytes) per class over ``nodes`` (a mask or ordinals; every node if None)."""
    classes = snapshot.class_index if nodes is None else snapshot.class_index[nodes]
    sizes = snapshot.self_size if nodes is None else snapshot.self_size[nodes]
    size = len(snapshot.class_names)
    counts = np.bincount(classes, minlength=size).astype(np.int64)
    shallow = np.bincount(classes, weights=sizes.astype(np.float64), minlength=size)
    return counts, shallow


def class_table(snapshot: HeapSnapshot) -> ClassTable:
    """Count, shallow size and retained size of every class.

    Like DevTools' Summary view, the retained size of a class sums only its "top-level"
    members, those whose dominator chain holds no other member of the class, so nested
    objects are not counted twice.
    """
    counts, shallow = class_sums(snapshot)
    top_level = snapshot.class_top_level
    retained = np.bincount(
        snapshot.class_index[top_level],
        weights=snapshot.retained_sizes[top_level].astype(np.float64),
        minlength=len(snapshot.class_names),
    )
    return ClassTable(count=counts, shallow=shallow, retained=retained)


def summarize(snapshot: HeapSnapshot, top: int = 5) -> dict[str, Any]:
    """What a person reads first about a snapshot: size, object count, the classes retaining most."""
    table = class_table(snapshot)
    return {
        "nodes": snapshot.node_count,
        "edges": snapshot.edge_count,
        "totalBytes": int(snapshot.total_size),
        "topClasses": [
            {
                "name": snapshot.class_names[index],
                "count": int(table.count[index]),
                "retainedBytes": int(table.retained[index]),
            }
            for index in table.order("retained")[:top].tolist()
        ],
    }

"""Which function literals have many closures alive in one snapshot (for the "closures alive" lenses).

This is a census, not a leak rule: it counts what is alive right now, per source
location, so the editor can show it above the function even when no finding names it.
It reads only the engine's columns, vectorised (one ``np.unique`` over the closures),
so it stays cheap on snapshots with millions of nodes.
"""

from __future__ import annotations

import numpy as np

from ..script_urls import script_path
from ..snapshot import HeapSnapshot
from .translate import ClosureHotspot

MIN_LIVE_CLOSURES = 100
MAX_HOTSPOTS = 50


def closure_hotspots(
    snapshot: HeapSnapshot, *, minimum: int = MIN_LIVE_CLOSURES, limit: int = MAX_HOTSPOTS
) -> list[ClosureHotspot]:
    """Function literals (file, line, column) with at least ``minimum`` live closures, most first."""
    closure_type = snapshot.node_type_id("closure")
    if closure_type < 0 or not len(snapshot.location_node):
        return []
    nodes = snapshot.location_node
    is_closure = snapshot.node_type[nodes] == closure_type
    nodes = nodes[is_closure]
    if not len(nodes):
        return []
    keys = np.stack(
        (
            snapshot.location_script[is_closure],
            snapshot.location_line[is_closure],
            snapshot.location_column[is_closure],
        ),
        axis=1,
    )
    unique, first, inverse, counts = np.unique(
        keys, axis=0, return_index=True, return_inverse=True, return_counts=True
    )
    busy = np.flatnonzero(counts >= minimum)
    if not len(busy):
        return []
    retained = np.bincount(
        inverse.reshape(-1), weights=snapshot.retained_sizes[nodes].astype(np.float64), minlength=len(unique)
    )
    busy = busy[np.argsort(-counts[busy], kind="stable")]
    names = snapshot.script_names
    result: list[ClosureHotspot] = []
    for group in busy.tolist():
        script_id, line, column = (int(value) for value in unique[group])
        example = int(nodes[first[group]])
        name = names.get(script_id) or snapshot.script_name_of(example)
        path = script_path(name) if name else None
        if path is None:
            continue
        result.append(
            ClosureHotspot(
                path=path,
                line=line + 1,
                column=column + 1,
                count=int(counts[group]),
                retained_bytes=int(retained[group]),
                function_name=snapshot.name(example),
            )
        )
        if len(result) >= limit:
            break
    return result

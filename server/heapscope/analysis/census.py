"""Which function literals have many closures alive in one snapshot (the editor's "closures alive" lenses).

This is a census, not a leak rule: it counts what is alive right now, per source
location, so the editor can show it above the function even when no finding names it.
The analysis takes it of the final snapshot while that snapshot is in memory, and the
report carries it (:attr:`LeakReport.closures`). It reads only the engine's columns,
vectorised (one ``np.unique`` over the closures), so it stays cheap on snapshots with
millions of nodes; only the few sites it reports are mapped to source.
"""

from __future__ import annotations

import numpy as np

from ..script_urls import script_path
from ..snapshot import HeapSnapshot
from .model import ClosureSite
from .source import SourceResolver

MIN_LIVE_CLOSURES = 100
MAX_SITES = 50


def closure_census(
    snapshot: HeapSnapshot,
    resolver: SourceResolver | None = None,
    *,
    minimum: int = MIN_LIVE_CLOSURES,
    limit: int = MAX_SITES,
) -> list[ClosureSite]:
    """Function literals with at least ``minimum`` live closures, most first, at most ``limit``.

    Each site is where a developer reads the function: source-mapped through
    ``resolver`` (the analysis's own, so maps are read once), in a file of the program;
    closures of Node's internals and eval code are not counted.
    """
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
    resolver = resolver if resolver is not None else SourceResolver(snapshot)
    sites: list[ClosureSite] = []
    for group in busy.tolist():
        script_id, line, column = (int(value) for value in unique[group])
        example = int(nodes[first[group]])
        path = resolver.script_path(script_id) or script_path(snapshot.script_name_of(example) or "")
        if path is None:
            continue
        sites.append(
            ClosureSite(
                location=resolver.position(path, line, column, script_id),
                count=int(counts[group]),
                retained_bytes=int(retained[group]),
                function_name=snapshot.name(example),
            )
        )
        if len(sites) >= limit:
            break
    return sites

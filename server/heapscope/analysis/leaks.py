"""The three-snapshot rule and the grouping of surviving new objects by the container that keeps them.

(target - baseline) ∩ final by node id gives objects allocated after the baseline that
survived two more GCs. Each survivor is attributed to its nearest *old* dominator (an
object that already existed at the baseline): the Map, listener array, timer list,
context or global that is growing. Attribution is vectorised with pointer doubling over
the dominator array, so the cost is O(N log depth) numpy work and no per-node Python.
The growth check then measures each container in every snapshot: only containers that
keep growing are leaks; a warm-up cache that filled once and stopped is not.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..snapshot import ROOT, HeapSnapshot
from .diff import present_in

IntArray = npt.NDArray[np.int64]

# Below this many bytes of surviving new objects a container is not worth a finding.
DEFAULT_MIN_BYTES = 16 * 1024
# At most this many containers are examined further (biggest first).
MAX_GROUPS = 40


@dataclass
class LeakGroup:
    """Surviving new objects kept by one old container, measured in every snapshot."""

    anchor_id: int
    anchor: int
    """Ordinal of the container in the final snapshot."""
    members: IntArray
    """Ordinals (final snapshot) of the survivors it keeps."""
    new_bytes: int
    entries: IntArray
    """The members directly under the container (behind its backing store), e.g. Map values."""
    entry_class: str
    counts: list[int]
    retained: list[int]


def nearest_marked_dominator(snapshot: HeapSnapshot, marked: npt.NDArray[np.bool_]) -> IntArray:
    """Per node, the closest node on its dominator chain (itself included) that is ``marked``.

    The root counts as marked. Pointer doubling: each round jumps twice as far up the
    chain, so a chain of length d converges in log2(d) rounds.
    """
    idom = snapshot.dominators.astype(np.int64)
    marks = marked.copy()
    marks[ROOT] = True
    up = np.where(marks, np.arange(snapshot.node_count, dtype=np.int64), idom)
    while True:
        jumped = up[up]
        if np.array_equal(jumped, up):
            return up
        up = jumped


def survivors(snapshots: list[HeapSnapshot]) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """(is_new, is_leak_candidate) over the final snapshot's nodes.

    New means absent from the baseline. With three snapshots a candidate must also have
    been alive in the target ((target - baseline) ∩ final); with two, every new object is.
    """
    baseline, final = snapshots[0], snapshots[-1]
    is_new = ~present_in(final.node_id, baseline)
    candidate = is_new.copy()
    if len(snapshots) >= 3:
        candidate &= present_in(final.node_id, snapshots[1])
    candidate &= final.distances >= 0
    return is_new, candidate


def _is_backing_store(snapshot: HeapSnapshot, nodes: IntArray) -> npt.NDArray[np.bool_]:
    """Internal arrays (elements, hash tables) that sit between a container and its entries."""
    array_type = snapshot.node_type_id("array")
    hidden_type = snapshot.node_type_id("hidden")
    types = snapshot.node_type[nodes]
    result: npt.NDArray[np.bool_] = (types == array_type) | (types == hidden_type)
    return result


def group_survivors(snapshots: list[HeapSnapshot], min_bytes: int = DEFAULT_MIN_BYTES) -> list[LeakGroup]:
    """Survivors grouped by their nearest old dominator, biggest first, measured across snapshots."""
    final = snapshots[-1]
    is_new, candidate = survivors(snapshots)
    anchor_of = nearest_marked_dominator(final, ~is_new)
    seeds = np.flatnonzero(candidate).astype(np.int64)
    if not len(seeds):
        return []
    anchors = anchor_of[seeds]
    unique_anchors, inverse = np.unique(anchors, return_inverse=True)
    sizes = np.bincount(inverse, weights=final.self_size[seeds].astype(np.float64))
    order = np.argsort(-sizes, kind="stable")
    # Objects hanging directly off the root or a synthetic GC-roots group have no container
    # a developer could change (compiled code, handles); they are not findings.
    synthetic = final.node_type_id("synthetic")
    chosen = [
        int(i)
        for i in order[:MAX_GROUPS]
        if sizes[i] >= min_bytes and int(final.node_type[int(unique_anchors[i])]) != synthetic
    ]
    if not chosen:
        return []
    idom = final.dominators.astype(np.int64)
    groups: list[LeakGroup] = []
    for index in chosen:
        anchor = int(unique_anchors[index])
        members = seeds[inverse == index]
        # Entries are looked up among all new nodes, not only the survivors: the newest head
        # of a chain, or a backing store reallocated after the target snapshot, is newer
        # than the target but is what the container holds now.
        under_anchor = np.flatnonzero((idom == anchor) & is_new).astype(np.int64)
        is_store = _is_backing_store(final, under_anchor)
        stores = under_anchor[is_store]
        if len(stores):
            behind = np.zeros(final.node_count, dtype=bool)
            behind[stores] = True
            behind_stores = np.flatnonzero(behind[idom] & is_new).astype(np.int64)
        else:
            behind_stores = stores
        entries = np.concatenate([under_anchor[~is_store], behind_stores])
        if not len(entries):
            entries = under_anchor
        groups.append(
            LeakGroup(
                anchor_id=int(final.node_id[anchor]),
                anchor=anchor,
                members=members,
                new_bytes=int(sizes[index]),
                entries=entries,
                entry_class=_dominant_class(final, entries),
                counts=[],
                retained=[],
            )
        )
    _measure(snapshots, groups)
    return groups


def _dominant_class(snapshot: HeapSnapshot, entries: IntArray) -> str:
    """The class that holds the most retained bytes among the entries (strings only if nothing else)."""
    if not len(entries):
        return ""
    classes = snapshot.class_index[entries]
    weights = snapshot.retained_sizes[entries].astype(np.float64)
    totals = np.bincount(classes, weights=weights)
    string_class = [i for i, name in enumerate(snapshot.class_names) if name == "(string)"]
    if len(np.unique(classes)) > 1:
        for index in string_class:
            if index < len(totals):
                totals[index] = -1
    return snapshot.class_names[int(np.argmax(totals))]


def element_count(snapshot: HeapSnapshot, node: int) -> int:
    """Number of indexed elements of an array-like object (its ``element`` edges)."""
    element = snapshot.edge_type_id("element")
    start, end = int(snapshot.first_edge[node]), int(snapshot.first_edge[node + 1])
    return int(np.count_nonzero(snapshot.edge_type[start:end] == element))


def _measure(snapshots: list[HeapSnapshot], groups: list[LeakGroup]) -> None:
    """Fill each group's entry count and container retained size in every snapshot."""
    ids = np.array([group.anchor_id for group in groups], dtype=np.int64)
    for snapshot in snapshots:
        anchors = snapshot.nodes_by_ids(ids)
        marked = np.zeros(snapshot.node_count, dtype=bool)
        marked[anchors[anchors >= 0]] = True
        owner = nearest_marked_dominator(snapshot, marked)
        class_lookup = {name: i for i, name in enumerate(snapshot.class_names)}
        retained = snapshot.retained_sizes
        for group, anchor in zip(groups, anchors.tolist(), strict=True):
            if anchor < 0:
                group.counts.append(0)
                group.retained.append(0)
                continue
            group.retained.append(int(retained[anchor]))
            if snapshot.class_name(anchor) == "Array" and group.entry_class != "Array":
                group.counts.append(element_count(snapshot, anchor))
                continue
            class_id = class_lookup.get(group.entry_class, -1)
            if class_id < 0:
                group.counts.append(0)
                continue
            in_class = snapshot.class_index == class_id
            group.counts.append(
                int(np.count_nonzero(in_class & (owner == anchor) & (np.arange(len(owner)) != anchor)))
            )


def keeps_growing(counts: list[int], retained: list[int]) -> bool:
    """The growth check: more entries in every interval (or, if counts stall, more bytes in every one)."""
    if len(counts) < 2:
        return False
    count_growth = all(later > earlier for earlier, later in itertools.pairwise(counts))
    byte_growth = all(later > earlier for earlier, later in itertools.pairwise(retained))
    return count_growth or (byte_growth and counts[-1] > counts[0])


def slowing_down(counts: list[int], retained: list[int]) -> bool:
    """Growth in the second interval under a third of the first, by count and by bytes.

    The intervals are equally long, so a leak grows by about the same amount in each; a
    cache that is still warming up when the baseline is taken fills fast, then slows as it
    approaches its natural size.
    """
    if len(counts) < 3 or len(retained) < 3:
        return False
    first_count, second_count = counts[1] - counts[0], counts[2] - counts[1]
    first_bytes, second_bytes = retained[1] - retained[0], retained[2] - retained[1]
    return second_count * 3 < first_count and second_bytes * 3 < first_bytes


def summary(groups: list[LeakGroup]) -> list[dict[str, Any]]:
    """Debug view of the groups (used by tests and ``--verbose``)."""
    return [
        {
            "anchor_id": group.anchor_id,
            "entry_class": group.entry_class,
            "new_bytes": group.new_bytes,
            "counts": group.counts,
            "retained": group.retained,
        }
        for group in groups
    ]

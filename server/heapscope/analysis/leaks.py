"""The three-snapshot rule and the grouping of surviving new objects by the container that keeps them.

(target - baseline) ∩ final by node id gives objects allocated after the baseline that
survived two more GCs. Each survivor is attributed to its nearest *old* dominator (an
object that already existed at the baseline): the Map, listener array, timer list,
context or global that is growing. When that dominator is the root or a synthetic root
group (objects reachable from more than one root, e.g. a timer that is both in Node's
timer list and in a handle), the survivor goes to its nearest old holder on the retainer
path a developer would follow (:mod:`.paths`) instead, so no growth is dropped.
The growth check then measures each container in every snapshot: only containers that
keep growing are leaks; a warm-up cache that filled once and stopped is not.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from ..progress import Phase, Progress, ProgressCallback, ignore
from ..snapshot import ROOT, HeapSnapshot, nearest_marked_up
from ..snapshot.classes import class_sums
from .paths import PathFinder

IntArray = npt.NDArray[np.int64]
_T = TypeVar("_T")

# Below this many bytes of surviving new objects a container is not worth a finding.
DEFAULT_MIN_BYTES = 16 * 1024
# An interval in which the program used under this share of the CPU time of its busiest
# interval shows no growth to judge (the program was starved by the machine, not idle by design).
IDLE_SHARE = 0.1
# At most this many containers are examined further (biggest first).
MAX_GROUPS = 40
# The internal edges from an object to its backing stores.
_STORE_EDGE_NAMES = ("table", "properties", "elements")


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
    by_path: bool = False
    """Attributed along retainer paths (the dominator was a root), not by the dominator tree."""


def nearest_marked_ancestor(marked: npt.NDArray[np.bool_], parents: IntArray) -> IntArray:
    """Per node, the closest node up a path tree (itself included) that is ``marked``.

    ``parents`` is :attr:`PathFinder.parents` (-1 for unreachable nodes, which go to the
    root). One compiled walk up per node, stopping at the first node already settled.
    """
    return nearest_marked_up(ROOT, parents, marked)


def _holder_types(snapshot: HeapSnapshot) -> npt.NDArray[np.bool_]:
    """Nodes that can be a holder a developer knows: objects, functions and function scopes."""
    holder = snapshot.of_types("object", "closure", "native")
    context = snapshot.string_id("system / Context")
    if context >= 0:
        holder |= snapshot.node_name == context
    return holder


def survivors(
    snapshots: list[HeapSnapshot], busy: Sequence[float] | None = None
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """(is_new, is_leak_candidate) over the final snapshot's nodes.

    New means absent from the baseline. With three snapshots a candidate must also have
    been alive in the target ((target - baseline) ∩ final); with two, every new object is,
    and so with three when the program barely ran between baseline and target (``busy``,
    see :func:`idle_intervals`): it allocated next to nothing there to survive.
    """
    baseline, final = snapshots[0], snapshots[-1]
    is_new = ~baseline.has_nodes_of(final)
    candidate = is_new.copy()
    if len(snapshots) >= 3 and not idle_intervals(busy, len(snapshots) - 1)[0]:
        candidate &= snapshots[1].has_nodes_of(final)
    # The grouping needs the final snapshot's dominator tree next; its walk says what is alive.
    final.dominators  # noqa: B018
    candidate &= final.reachable()
    return is_new, candidate


def _is_backing_store(snapshot: HeapSnapshot, nodes: IntArray) -> npt.NDArray[np.bool_]:
    """Internal arrays (elements, hash tables) that sit between a container and its entries."""
    array_type = snapshot.node_type_id("array")
    hidden_type = snapshot.node_type_id("hidden")
    types = snapshot.node_type[nodes]
    result: npt.NDArray[np.bool_] = (types == array_type) | (types == hidden_type)
    return result


def group_survivors(
    snapshots: list[HeapSnapshot],
    min_bytes: int = DEFAULT_MIN_BYTES,
    progress: ProgressCallback | None = None,
    paths: PathFinder | None = None,
    busy: Sequence[float] | None = None,
) -> list[LeakGroup]:
    """Survivors grouped by their nearest old holder, biggest first, measured across snapshots.

    ``busy`` is the CPU seconds the program used in each interval, when known (see :func:`survivors`).
    """
    report = progress or ignore
    final = snapshots[-1]
    report(Progress(Phase.SURVIVORS, 0, 1))
    is_new, candidate = survivors(snapshots, busy)
    report(Progress(Phase.SURVIVORS, 1, 1))
    report(Progress(Phase.GROUP, 0, 1))
    # Per node, the nearest old node up its dominator chain (the root counts as old): one
    # compiled pass, of which only the candidates' entries are read.
    anchor_of = final.nearest_marked_dominator(~is_new)
    seeds = np.flatnonzero(candidate).astype(np.int64)
    if not len(seeds):
        return _nothing_grouped(report)
    anchors = anchor_of[seeds].astype(np.int64)
    del anchor_of
    synthetic = final.node_type_id("synthetic")
    rooted = (anchors == ROOT) | (final.node_type[anchors] == synthetic)
    finder = paths or PathFinder(final)
    holders = _holder_types(final)
    if np.any(rooted):
        # Kept alive from more than one root: the nearest old holder on the preferred path.
        holder_of = nearest_marked_ancestor(~is_new & holders, finder.parents)
        anchors = np.where(rooted, holder_of[seeds], anchors)
    anchors = _owners_of_stores(final, anchors, is_new)
    unique_anchors, inverse = np.unique(anchors, return_inverse=True)
    sizes = np.bincount(inverse, weights=final.self_size[seeds].astype(np.float64))
    order = np.argsort(-sizes, kind="stable")
    # What still hangs off the root or a synthetic group has no holder a developer could
    # change (compiled code, handles); it is reported as unexplained growth if it grows.
    chosen = [
        int(i)
        for i in order[:MAX_GROUPS]
        if sizes[i] >= min_bytes
        and int(unique_anchors[i]) != ROOT
        and int(final.node_type[int(unique_anchors[i])]) != synthetic
    ]
    if not chosen:
        return _nothing_grouped(report)
    chosen_anchors = unique_anchors[chosen]
    entries_of = _entries(final, chosen_anchors, is_new)
    # The dominator column as it is (uint32, every node's dominator an ordinal: unreachable
    # nodes have the root); an int64 copy would fault in 8 bytes per node for a few reads.
    idom = final.dominators
    retained = final.retained_sizes
    groups: list[LeakGroup] = []
    for index, anchor, entries in zip(chosen, chosen_anchors.tolist(), entries_of, strict=True):
        members = seeds[inverse == index]
        by_path = bool(np.any(rooted[inverse == index]))
        tree: npt.NDArray[np.int64] | npt.NDArray[np.uint32] = finder.parents if by_path else idom
        if by_path:
            entries = _entries_under(final, tree, anchor, is_new, members)
        # A container made after the baseline (a Map created lazily, the timer list Node makes
        # when the first timer of a duration starts) holds the growth: it is what to measure.
        for _ in range(3):
            inner = entries[holders[entries] & candidate[entries]]
            if len(entries) > 3 or not len(inner):
                break
            inner_node = int(inner[np.argmax(retained[inner])])
            # A link of a chain (same class as its holder) is not a new container.
            same_class = final.class_index[inner_node] == final.class_index[anchor]
            if same_class or int(retained[inner_node]) * 2 < sizes[index]:
                break
            anchor = inner_node
            entries = _entries_under(final, tree, anchor, is_new, members)
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
                by_path=by_path,
            )
        )
    report(Progress(Phase.GROUP, 1, 1))
    report(Progress(Phase.MEASURE, 0, 1))
    _measure(snapshots, groups, finder)
    report(Progress(Phase.MEASURE, 1, 1))
    return groups


def _owners_of_stores(final: HeapSnapshot, anchors: IntArray, is_new: npt.NDArray[np.bool_]) -> IntArray:
    """Anchors that are an old object's backing store (a Map's hash table, an object's
    properties or elements) replaced by that object.

    Whether a Map's table was reallocated since the baseline depends on when its last resize
    happened: the holder a developer knows is the Map either way, never its table.
    """
    unique = np.unique(anchors)
    stores = unique[_is_backing_store(final, unique)]
    if not len(stores):
        return anchors
    idom = final.dominators
    lifted = np.arange(final.node_count, dtype=np.int64)
    changed = False
    for store in stores.tolist():
        owner = int(idom[store])
        if owner == ROOT or is_new[owner] or _is_backing_store(final, np.array([owner]))[0]:
            continue
        if any(final.find_edge(owner, name) == store for name in _STORE_EDGE_NAMES):
            lifted[store] = owner
            changed = True
    return lifted[anchors] if changed else anchors


def _nothing_grouped(report: ProgressCallback) -> list[LeakGroup]:
    """No group to measure: the grouping and measuring phases still report as done."""
    report(Progress(Phase.GROUP, 1, 1))
    report(Progress(Phase.MEASURE, 0, 0))
    return []


def _entries_under(
    final: HeapSnapshot,
    tree: IntArray | npt.NDArray[np.uint32],
    anchor: int,
    is_new: npt.NDArray[np.bool_],
    members: IntArray,
) -> IntArray:
    """The new nodes directly under one ``anchor`` in ``tree`` (dominator or path tree),
    looking through backing stores; the group's members when there are none."""
    under_anchor = np.flatnonzero((tree == anchor) & is_new).astype(np.int64)
    is_store = _is_backing_store(final, under_anchor)
    stores = under_anchor[is_store]
    if len(stores):
        behind = np.zeros(final.node_count, dtype=bool)
        behind[stores] = True
        behind_stores = np.flatnonzero(behind[np.maximum(tree, 0)] & is_new & (tree >= 0)).astype(np.int64)
    else:
        behind_stores = stores
    entries = np.concatenate([under_anchor[~is_store], behind_stores])
    if not len(entries):
        entries = under_anchor if len(under_anchor) else members
    return entries


def _entries(final: HeapSnapshot, anchors: IntArray, is_new: npt.NDArray[np.bool_]) -> list[IntArray]:
    """Per anchor, the new nodes it holds directly, looking through backing stores.

    Entries are looked up among all new nodes, not only the survivors: the newest head of
    a chain, or a backing store reallocated after the target snapshot, is newer than the
    target but is what the container holds now. One pass over the dominator array serves
    every anchor: the new nodes dominated by one of them, then those dominated by one of
    their backing stores (old or new), each split per anchor in ordinal order.
    """
    idom = final.dominators
    is_anchor = np.zeros(final.node_count, dtype=bool)
    is_anchor[anchors] = True
    held = np.flatnonzero(is_anchor[idom]).astype(np.int64)
    # Stores old or new: a Map whose table predates the baseline holds its new entries there.
    stores = held[_is_backing_store(final, held)]
    under = held[is_new[held]]
    under_owner = idom[under].astype(np.int64)
    is_store = _is_backing_store(final, under)
    store_flag = np.zeros(final.node_count, dtype=bool)
    store_flag[stores] = True
    behind = np.flatnonzero(store_flag[idom] & is_new).astype(np.int64)
    behind_owner = idom[idom[behind]].astype(np.int64)
    under_split = _split_by(under, under_owner, anchors)
    store_split = _split_by(stores, idom[stores].astype(np.int64), anchors)
    plain_split = _split_by(under[~is_store], under_owner[~is_store], anchors)
    behind_split = _split_by(behind, behind_owner, anchors)
    result: list[IntArray] = []
    for position in range(len(anchors)):
        stores = store_split[position]
        behind_stores = behind_split[position] if len(stores) else stores
        entries = np.concatenate([plain_split[position], behind_stores])
        result.append(entries if len(entries) else under_split[position])
    return result


def _split_by(nodes: IntArray, owners: IntArray, anchors: IntArray) -> list[IntArray]:
    """``nodes`` (ascending) split by owner, one array per anchor in ``anchors`` order, order kept."""
    order = np.argsort(owners, kind="stable")
    sorted_owners = owners[order]
    starts = np.searchsorted(sorted_owners, anchors, side="left")
    ends = np.searchsorted(sorted_owners, anchors, side="right")
    return [nodes[order[start:end]] for start, end in zip(starts.tolist(), ends.tolist(), strict=True)]


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


def _measure(snapshots: list[HeapSnapshot], groups: list[LeakGroup], final_paths: PathFinder) -> None:
    """Fill each group's entry count and container retained size in every snapshot.

    The count is the number of nodes of the group's entry class whose nearest container
    on the dominator chain is the group's: one ownership pass per snapshot, then one
    count per entry class, whatever the number of groups. Groups attributed along paths,
    and groups whose dominator count stalls or is 0 while the holder already existed (a
    timer list whose timers a handle also held at that moment), are counted along each
    snapshot's path tree too, keeping the larger count and bytes.

    Groups attributed along paths are always counted along them, so their entries are
    found in the same pass as the dominator counts, and one walk of each snapshot past
    the containers and those entries measures both. Only when other groups need the path
    count too are all of them counted along paths again, together, as they must be (a
    container of one group may hold another's entries).
    """
    by_path = [group for group in groups if group.by_path]
    passes = _each_snapshot(
        lambda snapshot: _measure_snapshot(snapshot, groups, by_path, final_paths), snapshots
    )
    for measures, _ in passes:
        for group, (count, size) in zip(groups, measures, strict=True):
            group.counts.append(count)
            group.retained.append(size)
    suspects = [
        group
        for group in groups
        if group.by_path
        or not keeps_growing(group.counts, group.retained)
        or group.counts[0] == 0 < group.retained[0]
    ]
    if any(not group.by_path for group in suspects):
        _measure_along_paths(snapshots, suspects, final_paths)
    elif suspects:  # exactly the groups counted along paths above
        _merge_path_counts(suspects, [along for _, along in passes])


def _each_snapshot(work: Callable[[HeapSnapshot], _T], snapshots: list[HeapSnapshot]) -> list[_T]:
    """``work`` on every snapshot, results in snapshot order; the snapshots share nothing, and the
    compiled kernels and numpy's loops run without the GIL, so they take one core each."""
    workers = min(len(snapshots), os.cpu_count() or 1)
    if workers <= 1:
        return [work(snapshot) for snapshot in snapshots]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="heapscope-measure") as pool:
        return list(pool.map(work, snapshots))


def _merge_path_counts(groups: list[LeakGroup], per_snapshot: list[list[tuple[int, int, int]]]) -> None:
    """Raise the groups' counts and bytes to those found along each snapshot's path tree."""
    for position, found in enumerate(per_snapshot):
        for index, count, owned in found:
            group = groups[index]
            group.counts[position] = max(group.counts[position], count)
            group.retained[position] = max(group.retained[position], owned)


def _measure_along_paths(
    snapshots: list[HeapSnapshot], groups: list[LeakGroup], final_paths: PathFinder
) -> None:
    """Counts and bytes along each snapshot's path tree, merged into the groups' by maximum."""

    def along_paths(snapshot: HeapSnapshot) -> list[tuple[int, int, int]]:
        measured = _path_entries(snapshot, groups, final_paths)
        if not measured:
            return []
        every_entry = np.unique(np.concatenate([entries for _, entries in measured]))
        _, _, entry_retained = snapshot.container_measures_with(np.zeros(0, dtype=np.int64), every_entry)
        return _path_counts(measured, every_entry, entry_retained)

    _merge_path_counts(groups, _each_snapshot(along_paths, snapshots))


def _path_entries(
    snapshot: HeapSnapshot, groups: list[LeakGroup], final_paths: PathFinder
) -> list[tuple[int, IntArray]]:
    """(group index, its entries) for the groups found in this snapshot: the nodes of the
    group's entry class whose nearest group container up the snapshot's path tree is the
    group's; none at all when no group has an entry here."""
    ids = np.array([group.anchor_id for group in groups], dtype=np.int64)
    anchors = snapshot.nodes_by_ids(ids)
    marked = np.zeros(snapshot.node_count, dtype=bool)
    marked[anchors[anchors >= 0]] = True
    owner: npt.NDArray[np.uint32] | IntArray
    if snapshot is final_paths.snapshot:
        owner = nearest_marked_ancestor(marked, final_paths.parents)
    else:  # this snapshot's tree is asked only this: the owners come out of growing it
        owner = final_paths.finder_for(snapshot).owners(marked)
    class_lookup = {name: i for i, name in enumerate(snapshot.class_names)}
    measured: list[tuple[int, IntArray]] = []
    for index, (group, anchor) in enumerate(zip(groups, anchors.tolist(), strict=True)):
        class_id = class_lookup.get(group.entry_class, -1)
        if anchor < 0 or class_id < 0:
            continue
        entries = (snapshot.class_index == class_id) & (owner == anchor)
        entries[anchor] = False
        measured.append((index, np.flatnonzero(entries)))
    if not sum(len(entries) for _, entries in measured):
        return []  # no entries: nothing to raise any count or size to
    return measured


def _path_counts(
    measured: list[tuple[int, IntArray]], every_entry: IntArray, entry_retained: npt.NDArray[np.uint64]
) -> list[tuple[int, int, int]]:
    """(group index, entries, their retained bytes); ``entry_retained`` is per ``every_entry``.

    Entries held from elsewhere too are not in the holder's retained size: their own is.
    """
    return [
        (
            index,
            len(entries),
            int(entry_retained[np.searchsorted(every_entry, entries)].sum(dtype=np.uint64)),
        )
        for index, entries in measured
    ]


def _measure_snapshot(
    snapshot: HeapSnapshot, groups: list[LeakGroup], by_path: list[LeakGroup], final_paths: PathFinder
) -> tuple[list[tuple[int, int]], list[tuple[int, int, int]]]:
    """One snapshot's (entries, container retained bytes) per group along dominator chains,
    and (index in ``by_path``, entries, bytes) along its path tree for the groups in ``by_path``."""
    ids = np.array([group.anchor_id for group in groups], dtype=np.int64)
    anchors = snapshot.nodes_by_ids(ids)
    found = anchors[anchors >= 0]
    measured = _path_entries(snapshot, by_path, final_paths) if by_path else []
    every_entry = (
        np.unique(np.concatenate([entries for _, entries in measured]))
        if measured
        else np.zeros(0, dtype=np.int64)
    )
    owned_by, found_retained, entry_retained = snapshot.container_measures_with(found, every_entry)
    along = _path_counts(measured, every_entry, entry_retained)
    del entry_retained
    marked = np.zeros(snapshot.node_count, dtype=bool)
    marked[found] = True
    retained = dict(zip(found.tolist(), found_retained.tolist(), strict=True))
    class_lookup = {name: i for i, name in enumerate(snapshot.class_names)}
    per_class: dict[int, dict[int, int]] = {}
    measures: list[tuple[int, int]] = []
    for group, anchor in zip(groups, anchors.tolist(), strict=True):
        if anchor < 0:
            measures.append((0, 0))
            continue
        size = int(retained[anchor])
        if snapshot.class_name(anchor) == "Array" and group.entry_class != "Array":
            measures.append((element_count(snapshot, anchor), size))
            continue
        class_id = class_lookup.get(group.entry_class, -1)
        if class_id < 0:
            measures.append((0, size))
            continue
        if class_id not in per_class:
            per_class[class_id] = _owned_counts(snapshot, owned_by, class_id, marked)
        measures.append((per_class[class_id].get(anchor, 0), size))
    return measures, along


def _owned_counts(
    snapshot: HeapSnapshot,
    owner: npt.NDArray[np.uint32] | IntArray,
    class_id: int,
    marked: npt.NDArray[np.bool_],
) -> dict[int, int]:
    """Per marked anchor, how many nodes of one class it owns (the anchor itself not counted)."""
    members = np.flatnonzero(snapshot.class_index == class_id)
    owners = owner[members]
    owners = owners[(owners != members) & marked[owners]]  # an anchor owns itself: not an entry
    values, counts = np.unique(owners, return_counts=True)
    return dict(zip(values.tolist(), counts.tolist(), strict=True))


def idle_intervals(busy: Sequence[float] | None, intervals: int) -> list[bool]:
    """Per interval, whether the program barely ran in it: under :data:`IDLE_SHARE` of the CPU
    time it had in its busiest interval. All False when ``busy`` is unknown."""
    if busy is None or len(busy) != intervals or max(busy, default=0.0) <= 0:
        return [False] * intervals
    most = max(busy)
    return [seconds < IDLE_SHARE * most for seconds in busy]


def keeps_growing(counts: list[int], retained: list[int], busy: Sequence[float] | None = None) -> bool:
    """The growth check: more entries in every interval (or, if counts stall, more bytes in every one).

    An interval in which the program barely ran (``busy``, its CPU seconds per interval, when
    known) cannot show growth: a starved program adds nothing. It only must not shrink.
    """
    if len(counts) < 2:
        return False
    idle = idle_intervals(busy, len(counts) - 1)

    def grows(values: list[int]) -> bool:
        return all(
            later > earlier or (quiet and later >= earlier)
            for (earlier, later), quiet in zip(itertools.pairwise(values), idle, strict=True)
        )

    return counts[-1] > counts[0] and (grows(counts) or grows(retained))


def slowing_down(counts: list[int], retained: list[int], busy: Sequence[float] | None = None) -> bool:
    """Growth in the second interval under a third of the first, by count and by bytes.

    The intervals are equally long, so a leak grows by about the same amount in each; a
    cache that is still warming up when the baseline is taken fills fast, then slows as it
    approaches its natural size. But a program that shares its cores gets unequal shares of
    them: starved in the second interval, it serves fewer calls and its leak grows less
    although nothing approaches a size. ``busy`` (the CPU seconds the program used in each
    interval, when known) tells the two apart: growth must also slow per CPU second, as a
    warming cache's does (it keeps answering calls, from the cache). Without ``busy`` the
    intervals' lengths are all there is to go by.
    """
    if len(counts) < 3 or len(retained) < 3:
        return False
    first_count, second_count = counts[1] - counts[0], counts[2] - counts[1]
    first_bytes, second_bytes = retained[1] - retained[0], retained[2] - retained[1]
    if not (second_count * 3 < first_count and second_bytes * 3 < first_bytes):
        return False
    if busy is None or len(busy) < 2 or min(busy[0], busy[1]) <= 0:
        return True
    # Per CPU second, without dividing: second / busy[1] * 3 < first / busy[0].
    return (
        second_count * busy[0] * 3 < first_count * busy[1]
        and second_bytes * busy[0] * 3 < first_bytes * busy[1]
    )


def class_keeps_pace(snapshots: list[HeapSnapshot], class_name: str) -> bool:
    """Whether the whole heap's count of ``class_name`` grew in the second interval by at least a
    third of what it grew in the first.

    A holder's entries are counted along its snapshot's dominator and path trees, and those can
    split a long chain (a timer list whose timers each are also held by what they keep alive) in
    one snapshot and not in another: the holder then seems to slow down while the heap holds as
    many more entries as before. A cache that warms up slows down in the whole heap too.
    """
    if len(snapshots) < 3 or not class_name:
        return False
    counts = []
    for snapshot in snapshots[:3]:
        names = snapshot.class_names
        counts.append(int(class_sums(snapshot)[0][names.index(class_name)]) if class_name in names else 0)
    first, second = counts[1] - counts[0], counts[2] - counts[1]
    return first > 0 and second * 3 >= first


def class_growth(snapshots: list[HeapSnapshot], min_bytes: int = 64 * 1024) -> list[tuple[str, list[int]]]:
    """Classes whose live bytes grow in every interval by ``min_bytes`` in all, biggest growth first.

    Compiled code, object shapes and V8's system objects are left out: they follow what
    runs, not what the program keeps.
    """
    per_snapshot: list[dict[str, int]] = []
    for snapshot in snapshots:
        _, totals = class_sums(snapshot, snapshot.reachable())
        per_snapshot.append({name: int(totals[i]) for i, name in enumerate(snapshot.class_names)})
    growing: list[tuple[str, list[int]]] = []
    for name in per_snapshot[-1]:
        if name.startswith(("(compiled code)", "(system)", "system /", "(object shape)")):
            continue
        sizes = [sizes_by_class.get(name, 0) for sizes_by_class in per_snapshot]
        if (
            all(later > earlier for earlier, later in itertools.pairwise(sizes))
            and sizes[-1] - sizes[0] >= min_bytes
        ):
            growing.append((name, sizes))
    growing.sort(key=lambda item: (item[0], 0))
    growing.sort(key=lambda item: item[1][-1] - item[1][0], reverse=True)
    return growing


def summary(groups: list[LeakGroup]) -> list[dict[str, Any]]:
    """The groups as plain rows (anchor, entry class, counts, retained), for comparing two analyses."""
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

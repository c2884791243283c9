"""The preferred retainer tree of :class:`PathFinder` against a plain numpy construction of it.

The reference builds the same three-phase tree the straightforward way: a per-edge mask of
preferred edges, one numpy pass per BFS level (sort each level's edges by target and rank,
keep the first per target) and, for the last phase, the holders found through the
retainer index among the nodes reachable from the root. Distances, parents and parent
edges must match exactly, on real programs' snapshots and on hand-built corner cases.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from heapscope.analysis.paths import _EDGE_RANK, _INTERNAL_EDGE_NAME, GLOBAL_CLASS_PREFIXES, PathFinder
from heapscope.snapshot import ROOT, HeapSnapshot, load_snapshot, nearest_marked_up
from snapshot.conftest import build_snapshot  # the engine tests' V8-shaped graph builder

from .conftest import snapshot_program
from .test_patterns import NOISE, PROGRAMS

Tree = tuple[npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any]]


def reference_tree(snapshot: HeapSnapshot) -> Tree:
    finder = PathFinder(snapshot)
    edge_type, names, edge_to = snapshot.edge_type, snapshot.edge_name_or_index, snapshot.edge_to
    internal = edge_type == snapshot.edge_type_id("internal")
    bad = np.array([bool(_INTERNAL_EDGE_NAME.search(text)) for text in snapshot.strings] + [False])
    named_bad = internal & bad[np.minimum(names, len(snapshot.strings))]
    non_weak = edge_type != snapshot.edge_type_id("weak")
    preferred = non_weak & ~named_bad & finder._node_is_preferred[edge_to]
    by_type = np.full(len(snapshot.meta.edge_types), 4, dtype=np.uint8)
    for name, value in _EDGE_RANK.items():
        if snapshot.edge_type_id(name) >= 0:
            by_type[snapshot.edge_type_id(name)] = value
    rank = by_type[edge_type]
    internal_nodes = [snapshot.node_type_id(t) for t in ("hidden", "array", "synthetic", "code")]
    penalty = np.isin(snapshot.node_type, internal_nodes).astype(np.uint8) * 2

    count = snapshot.node_count
    distance = np.full(count, -1, dtype=np.int32)
    parent = np.full(count, -1, dtype=np.int64)
    parent_edge = np.full(count, -1, dtype=np.int64)
    distance[ROOT], parent[ROOT] = 0, ROOT

    def seed(edges: npt.NDArray[np.int64], at: int) -> None:
        targets = edge_to[edges].astype(np.int64)
        fresh = distance[targets] < 0
        targets, first = np.unique(targets[fresh], return_index=True)
        distance[targets], parent[targets], parent_edge[targets] = at, ROOT, edges[fresh][first]

    def bfs(frontier: npt.NDArray[np.int64], ok: npt.NDArray[np.bool_], level: int | None = None) -> None:
        while len(frontier):
            starts = snapshot.first_edge[frontier]
            counts = snapshot.first_edge[frontier + 1] - starts
            sources = np.repeat(frontier, counts)
            edges = np.concatenate([np.arange(s, s + c) for s, c in zip(starts, counts, strict=True)] + [[]])
            edges = edges.astype(np.int64)
            keep = ok[edges]
            edges, sources = edges[keep], sources[keep]
            targets = edge_to[edges].astype(np.int64)
            fresh = distance[targets] < 0
            edges, sources, targets = edges[fresh], sources[fresh], targets[fresh]
            if not len(targets):
                return
            order = np.lexsort((rank[edges] + penalty[sources], targets))
            targets, edges, sources = targets[order], edges[order], sources[order]
            first = np.ones(len(targets), dtype=bool)
            first[1:] = targets[1:] != targets[:-1]
            targets, edges, sources = targets[first], edges[first], sources[first]
            if level is None:
                distance[targets] = distance[sources] + 1
            else:
                level += 1
                distance[targets] = level
            parent[targets], parent_edge[targets] = sources, edges
            frontier = targets

    root_edges = np.arange(int(snapshot.first_edge[ROOT]), int(snapshot.first_edge[ROOT + 1]))
    root_targets = edge_to[root_edges].astype(np.int64)
    is_global = np.array(
        [snapshot.class_name(int(t)).startswith(GLOBAL_CLASS_PREFIXES) for t in root_targets], dtype=bool
    )
    seed(root_edges[is_global], 1)
    bfs(root_targets[is_global], preferred)
    rest = root_edges[~is_global]
    rest = rest[preferred[rest]]
    seed(rest, int(distance.max()) + 1)
    bfs(edge_to[rest].astype(np.int64), preferred)
    left = np.flatnonzero((distance < 0) & (snapshot.distances >= 0))
    if len(left):
        first, retainer_edges = snapshot.retainers
        into_left = np.concatenate([retainer_edges[first[v] : first[v + 1]] for v in left])
        holders = np.searchsorted(snapshot.first_edge, into_left, side="right") - 1
        holders = np.unique(holders[distance[holders] >= 0])
        holders = holders[np.argsort(distance[holders], kind="stable")]
        bfs(holders, non_weak, level=int(distance.max()) + 1)
    return distance, parent, parent_edge


def assert_same_tree(snapshot: HeapSnapshot) -> None:
    got = PathFinder(snapshot)._tree
    expected = reference_tree(snapshot)
    for name, mine, theirs in zip(("distance", "parent", "parent edge"), got, expected, strict=True):
        assert mine.dtype == theirs.dtype, name
        assert np.array_equal(mine, theirs), f"{name} differs at {np.flatnonzero(mine != theirs)[:10]}"
    # The owners found while the tree grows are the ones a walk up the finished tree finds.
    rng = np.random.default_rng(snapshot.node_count)
    for share in (0.001, 0.05, 0.5):
        marked = rng.random(snapshot.node_count) < share
        owners = PathFinder(snapshot).owners(marked)
        walked = nearest_marked_up(ROOT, expected[1], marked)
        assert np.array_equal(owners, walked), f"owners differ at {np.flatnonzero(owners != walked)[:10]}"


@pytest.mark.parametrize("case", ["leak-timer", "leak-event-listener", "noise-warm-up-cache"])
def test_tree_of_real_snapshots_equals_the_plain_one(case: str, tmp_path: Path) -> None:
    kind, name = case.split("-", 1)
    source = PROGRAMS[name] if kind == "leak" else NOISE[name]
    for path in snapshot_program(tmp_path, source, steps=20).snapshots:
        assert_same_tree(load_snapshot(path))


def test_a_prepared_finder_over_an_earlier_snapshot_grows_the_same_owners(tmp_path: Path) -> None:
    """The finder the final snapshot's finder hands out for an earlier snapshot (prepared
    ahead, sharing the final's name verdicts) is one per snapshot and finds the owners a
    finder of its own finds."""
    paths = snapshot_program(tmp_path, PROGRAMS["timer"], steps=20).snapshots
    snapshots = [load_snapshot(path) for path in paths]
    final = PathFinder(snapshots[-1])
    assert final.finder_for(snapshots[-1]) is final
    rng = np.random.default_rng(7)
    for earlier in snapshots[:-1]:
        companion = final.finder_for(earlier)
        assert final.finder_for(earlier) is companion and companion.snapshot is earlier
        companion.prepare()
        marked = rng.random(earlier.node_count) < 0.01
        assert np.array_equal(companion.owners(marked), PathFinder(earlier).owners(marked))


def test_tree_when_a_global_hangs_off_the_root_by_a_weak_edge(tmp_path: Path) -> None:
    # The global is seeded although its root edge is weak, so what only it reaches is not
    # reachable from the root as the engine counts it: "dead", behind a non-preferred edge
    # from the global's side, stays without a path, while "late", behind one from the
    # (GC roots) side, gets one in the last phase.
    names = ["root", "global", "(GC roots)", "a", "b", "c", "weakly", "dead", "late"]
    edges = [
        (0, 1, "weak", "global"),
        (0, 2, "element", "1"),
        (1, 3, "property", "a"),
        (2, 4, "element", "1"),
        (3, 5, "property", "c"),
        (4, 5, "internal", "deoptimization_data"),
        (4, 6, "weak", "w"),
        (3, 7, "internal", "feedback_cell"),
        (4, 8, "internal", "bytecode"),
    ]
    types = ["synthetic", "object", "synthetic", *["object"] * 6]
    path = tmp_path / "weak-global.heapsnapshot"
    path.write_text(json.dumps(build_snapshot(names, edges, types=types)))
    snapshot = load_snapshot(path)
    assert_same_tree(snapshot)
    distance = PathFinder(snapshot).distances
    assert distance[[6, 7]].tolist() == [-1, -1]
    assert distance[8] > distance[4] > 0

"""Dominators and retained sizes: hand-checked graphs, random graphs and a real snapshot vs networkx."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest

from heapscope.snapshot import ROOT, HeapSnapshot, load_snapshot, model

from .conftest import build_snapshot

WriteJson = Callable[[dict[str, Any], str], Path]


def essential_graph(snapshot: HeapSnapshot) -> nx.DiGraph:
    """The graph dominators are defined on: no weak edges, shortcut edges only from the root."""
    graph = nx.DiGraph()
    graph.add_nodes_from(range(snapshot.node_count))
    weak = snapshot.edge_type_id("weak")
    shortcut = snapshot.edge_type_id("shortcut")
    sources = np.repeat(np.arange(snapshot.node_count), np.diff(snapshot.first_edge))
    keep = (snapshot.edge_type != weak) & ((snapshot.edge_type != shortcut) | (sources == ROOT))
    graph.add_edges_from(zip(sources[keep].tolist(), snapshot.edge_to[keep].tolist(), strict=True))
    return graph


def test_hand_built_graph_has_the_dominators_and_sizes_worked_out_by_hand(write_json: WriteJson) -> None:
    #   root -> a -> c -> d -> e        c is reached from a and from b, so root dominates c.
    #   root -> b -> c                  e -weak-> a and a -shortcut-> e do not retain.
    #   f -> d (f unreachable)          unreachable nodes are attached to the root.
    names = ["root", "a", "b", "c", "d", "e", "f"]
    edges = [
        (0, 1, "element", "1"),
        (0, 2, "element", "2"),
        (1, 3, "property", "c"),
        (2, 3, "property", "c"),
        (3, 4, "property", "d"),
        (4, 5, "property", "e"),
        (5, 1, "weak", "back"),
        (1, 5, "shortcut", "e"),
        (6, 4, "property", "d"),
    ]
    sizes = [0, 1, 2, 4, 8, 16, 32]
    snapshot = load_snapshot(write_json(build_snapshot(names, edges, sizes), "hand.heapsnapshot"))
    idom = {names[i]: names[int(snapshot.dominators[i])] for i in range(1, len(names))}
    assert idom == {"a": "root", "b": "root", "c": "root", "d": "c", "e": "d", "f": "root"}
    retained = dict(zip(names, snapshot.retained_sizes.tolist(), strict=True))
    assert retained == {"root": 63, "a": 1, "b": 2, "c": 28, "d": 24, "e": 16, "f": 32}
    # Distances follow shortcut edges (a -> e) as DevTools' BFS does; only weak edges are skipped.
    assert snapshot.distances.tolist() == [0, 1, 1, 2, 3, 2, -1]


def test_shortcut_from_the_root_retains_and_weak_only_objects_are_unreachable(write_json: WriteJson) -> None:
    names = ["root", "(GC roots)", "global", "held", "weakly held"]
    edges = [
        (0, 1, "element", "1"),
        (0, 2, "shortcut", "global"),
        (1, 2, "element", "1"),
        (2, 3, "property", "held"),
        (2, 4, "weak", "cache"),
    ]
    snapshot = load_snapshot(write_json(build_snapshot(names, edges), "shortcut.heapsnapshot"))
    assert int(snapshot.dominators[2]) == 0  # two essential paths: root->global and root->(GC roots)->global
    assert int(snapshot.dominators[3]) == 2
    assert int(snapshot.distances[4]) == -1
    assert len(snapshot.dominator_reachable) == 4
    assert int(snapshot.retained_sizes[0]) == snapshot.total_size


def random_edges(rng: random.Random, count: int, most_per_node: int) -> list[tuple[int, int, str, str]]:
    """Between ``count`` and ``most_per_node * count`` edges of every kind, none into the root."""
    edge_types = ["property", "element", "context", "internal", "hidden", "weak", "shortcut"]
    edges = []
    for _ in range(rng.randint(count, count * most_per_node)):
        source, target = rng.randrange(count), rng.randrange(1, count)
        kind = rng.choice(edge_types)
        edges.append((source, target, kind, str(rng.randrange(5)) if kind in ("element", "hidden") else "p"))
    return edges


@pytest.mark.parametrize("seed", range(12))
def test_random_graphs_match_networkx(seed: int, write_json: WriteJson) -> None:
    rng = random.Random(seed)
    count = rng.randint(5, 200)
    edges = random_edges(rng, count, 4)
    names = [f"n{i}" for i in range(count)]
    snapshot = load_snapshot(write_json(build_snapshot(names, edges), f"random{seed}.heapsnapshot"))
    expected = nx.immediate_dominators(essential_graph(snapshot), ROOT)
    expected.pop(ROOT, None)  # networkx versions differ on whether the start node is listed
    for node, dominator in expected.items():
        if node != ROOT:
            assert int(snapshot.dominators[node]) == dominator, f"node {node}"
    reachable = set(expected) | {ROOT}
    unreachable = set(range(count)) - reachable
    assert all(int(snapshot.dominators[node]) == ROOT for node in unreachable)
    assert set(snapshot.dominator_reachable.tolist()) == reachable


def test_real_node_snapshot_dominators_equal_networkx_for_every_node(
    listener_snapshot: tuple[Path, Path],
) -> None:
    _, path = listener_snapshot
    snapshot = load_snapshot(path)
    graph = essential_graph(snapshot)
    expected = nx.immediate_dominators(graph, ROOT)
    assert len(expected) > 10_000
    ours = snapshot.dominators
    mismatches = [node for node, dom in expected.items() if node != ROOT and int(ours[node]) != dom]
    assert mismatches == []


def test_real_snapshot_retained_size_equals_what_dies_with_the_node(
    listener_snapshot: tuple[Path, Path],
) -> None:
    """Retained size = self sizes of everything that becomes unreachable when the node is removed."""
    _, path = listener_snapshot
    snapshot = load_snapshot(path)
    graph = essential_graph(snapshot)
    reachable = nx.descendants(graph, ROOT) | {ROOT}
    assert int(snapshot.retained_sizes[ROOT]) == snapshot.total_size
    self_size = snapshot.self_size
    closure = snapshot.node_type_id("closure")
    listeners = [
        int(node)
        for node in snapshot.location_node[snapshot.location_line == 6]
        if snapshot.node_type[node] == closure
    ]
    assert len(listeners) >= 25  # the program's listeners, all alive
    big_arrays = np.flatnonzero(snapshot.retained_sizes > 4000)[:6].tolist()
    checked = [node for node in listeners[:3] + big_arrays if node != ROOT and node in reachable]
    assert len(checked) >= 8, checked
    for node in checked:
        without = graph.copy()
        without.remove_node(node)
        still = nx.descendants(without, ROOT) | {ROOT}
        dying = reachable - still
        assert int(snapshot.retained_sizes[node]) == int(sum(int(self_size[n]) for n in dying)), node


@pytest.mark.parametrize("seed", range(16))
def test_container_measures_without_the_full_tree_equal_the_full_tree(
    seed: int, write_json: WriteJson, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Owners and retained sizes of a few anchors, from the graph past them alone, as the whole tree says."""
    monkeypatch.setattr(model, "_PART_EDGES_SHARE", 1.0)  # the part alone, however big
    rng = random.Random(1000 + seed)
    count = rng.randint(5, 300)
    edges = random_edges(rng, count, 3)
    names = [f"n{i}" for i in range(count)]
    sizes = [rng.randint(1, 100) for _ in range(count)]
    path = write_json(build_snapshot(names, edges, sizes=sizes), f"anchors{seed}.heapsnapshot")
    anchors = np.array(sorted(rng.sample(range(1, count), rng.randint(1, min(8, count - 1)))), dtype=np.int64)

    part = load_snapshot(path)
    owner, retained = part.container_measures(anchors)
    assert "_dominator_tree" not in part.__dict__, "the full tree must not be built for this"

    whole = load_snapshot(path)
    marked = np.zeros(whole.node_count, dtype=bool)
    marked[anchors] = True
    assert owner.tolist() == whole.nearest_marked_dominator(marked).tolist()
    assert retained.tolist() == whole.retained_sizes[anchors].tolist()

    # Other nodes measured in the same walk: the anchors' owners stay, the others' sizes are exact.
    others = np.array(sorted(rng.sample(range(count), rng.randint(1, min(12, count)))), dtype=np.int64)
    both = load_snapshot(path)
    owner_with, retained_with, others_retained = both.container_measures_with(anchors, others)
    assert "_dominator_tree" not in both.__dict__ or 0 in others.tolist()
    assert owner_with.tolist() == owner.tolist()
    assert retained_with.tolist() == retained.tolist()
    assert others_retained.tolist() == whole.retained_sizes[others].tolist()


def test_liveness_from_the_dominator_tree_follows_shortcuts_below_the_root(write_json: WriteJson) -> None:
    """a -shortcut-> s is the only way to s: the dominator walk skips it, liveness must not."""
    names = ["root", "a", "s", "t", "dead"]
    edges = [
        (0, 1, "element", "1"),
        (1, 2, "shortcut", "s"),
        (2, 3, "property", "t"),
        (4, 3, "property", "t"),
    ]
    snapshot = load_snapshot(write_json(build_snapshot(names, edges), "below.heapsnapshot"))
    snapshot.dominators  # noqa: B018 - liveness is read off the tree once it exists
    assert set(snapshot.dominator_reachable.tolist()) == {0, 1}
    assert snapshot.reachable().tolist() == [True, True, True, True, False]


@pytest.mark.parametrize("seed", range(12))
def test_liveness_and_retainers_answer_as_the_walk_and_the_index_do(seed: int, write_json: WriteJson) -> None:
    rng = random.Random(seed)
    count = rng.randint(5, 200)
    edges = random_edges(rng, count, 3)
    names = [f"n{i}" for i in range(count)]
    path = write_json(build_snapshot(names, edges), f"live{seed}.heapsnapshot")
    from_tree = load_snapshot(path)
    from_tree.dominators  # noqa: B018
    walked = load_snapshot(path)
    assert from_tree.reachable().tolist() == (walked.distances >= 0).tolist()
    assert walked.reachable().tolist() == (walked.distances >= 0).tolist()
    scanned = [[part.tolist() for part in from_tree.retainers_of(node)] for node in range(count)]
    assert "retainers" in from_tree.__dict__ or count <= model._RETAINER_SCANS
    walked.retainers  # noqa: B018 - every answer from the index
    indexed = [[part.tolist() for part in walked.retainers_of(node)] for node in range(count)]
    assert scanned == indexed
    fresh = load_snapshot(path)
    assert [[p.tolist() for p in fresh.retainers_of(n)] for n in range(min(count, 5))] == indexed[:5]
    assert "retainers" not in fresh.__dict__

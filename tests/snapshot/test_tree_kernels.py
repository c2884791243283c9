"""Tree kernels: the ranked breadth-first path tree and the nearest marked node up a tree, on
hand-built cases, random graphs against plain references, and bad input."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from heapscope.snapshot import EdgeRules, _native

Arrays = tuple[np.ndarray[Any, Any], ...]


def csr(node_count: int, edges: list[tuple[int, int, int, int]]) -> Arrays:
    """(first_edge, edge_to, edge_type, edge_name) from (source, target, type, name) in source order."""
    edges = sorted(edges, key=lambda edge: edge[0])
    first = np.zeros(node_count + 1, dtype=np.int64)
    np.cumsum(np.bincount([e[0] for e in edges], minlength=node_count), out=first[1:])
    return (
        first,
        np.array([e[1] for e in edges], dtype=np.uint32),
        np.array([e[2] for e in edges], dtype=np.uint8),
        np.array([e[3] for e in edges], dtype=np.uint32),
    )


def rules(
    follow: list[int], rank: list[int], penalty: list[int], bad: list[int], target_ok: list[int]
) -> EdgeRules:
    return EdgeRules(
        follow=np.array(follow, dtype=np.uint8),
        rank=np.array(rank, dtype=np.uint8),
        penalty=np.array(penalty, dtype=np.uint8),
        bad_name=np.array(bad, dtype=np.uint8),
        target_ok=np.array(target_ok, dtype=np.uint8),
    )


def start(node_count: int, seeds: dict[int, int]) -> Arrays:
    distance = np.full(node_count, -1, dtype=np.int32)
    parent = np.full(node_count, -1, dtype=np.int64)
    parent_edge = np.full(node_count, -1, dtype=np.int64)
    for node, at in seeds.items():
        distance[node] = at
        parent[node] = 0
    return distance, parent, parent_edge


def reference(
    graph: Arrays, node_type: Any, rule: EdgeRules, frontier: list[int], state: Arrays, level_base: int
) -> None:
    """The same tree level by level in plain Python: each level's candidate edges sorted by
    (target, rank), stably, and the first per target kept."""
    first, edge_to, edge_type, edge_name = graph
    distance, parent, parent_edge = state
    level = level_base
    while frontier:
        candidates = []
        for source in frontier:
            for edge in range(int(first[source]), int(first[source + 1])):
                follow = int(rule.follow[edge_type[edge]])
                name = int(edge_name[edge])
                bad = name < len(rule.bad_name) and rule.bad_name[name]
                target = int(edge_to[edge])
                if follow == 0 or (follow == 2 and bad) or not rule.target_ok[target]:
                    continue
                if distance[target] >= 0:
                    continue
                key = (int(rule.rank[edge_type[edge]]) + int(rule.penalty[node_type[source]])) % 256
                candidates.append((target, key, source, edge))
        candidates.sort(key=lambda item: (item[0], item[1]))
        chosen = {}
        for target, _, source, edge in candidates:
            chosen.setdefault(target, (source, edge))
        if level_base >= 0 and chosen:
            level += 1
        for target, (source, edge) in chosen.items():
            distance[target] = level if level_base >= 0 else distance[source] + 1
            parent[target] = source
            parent_edge[target] = edge
        frontier = sorted(chosen)


def tree(
    graph: Arrays, node_type: Any, rule: EdgeRules, any_follow: list[int], first: list[int], second: list[int]
) -> _native.PathTree:
    """The path tree from root 0 over the graph these arrays make (checked as the Graph is built)."""
    return _native.path_tree(
        0,
        _native.Graph(graph[0], graph[1]),
        graph[2],
        graph[3],
        node_type,
        rule,
        np.array(any_follow, dtype=np.uint8),
        np.array(first, dtype=np.int64),
        np.array(second, dtype=np.int64),
    )


def test_lowest_rank_wins_and_ties_go_to_the_first_source_in_node_order() -> None:
    # Types: 0 property (rank 0), 1 internal (rank 3, checked by name), 2 weak (never).
    # Node 4 is reached in level 2 from 2 (internal) and from 3 (property): the property wins
    # although 2 comes first. Node 5 is reached from 2 and 3 by properties: 2 comes first.
    # Node 6 only by a weak edge, node 7 only by an internal edge with a bad name, node 8 is
    # not a target at all: none of the three is reached (the last phase follows nothing).
    graph = csr(
        9,
        [
            (0, 1, 0, 0),
            (1, 2, 0, 0),
            (1, 3, 0, 0),
            (2, 4, 1, 1),
            (3, 4, 0, 0),
            (3, 5, 0, 0),
            (2, 5, 0, 0),
            (3, 6, 2, 0),
            (2, 7, 1, 2),
            (3, 8, 0, 0),
        ],
    )
    node_type = np.zeros(9, dtype=np.uint8)
    rule = rules([1, 2, 0], [0, 3, 4], [0], [0, 0, 1], [1, 1, 1, 1, 1, 1, 1, 1, 0])
    got = tree(graph, node_type, rule, [0, 0, 0], [0], [])
    assert got.distance.tolist() == [0, 1, 2, 2, 3, 3, -1, -1, -1]
    assert got.parent is not None and got.parent.tolist() == [0, 0, 1, 1, 3, 2, -1, -1, -1]
    # Edges in source order: 0: 0->1, 1: 1->2, 2: 1->3, 3: 2->4, 4: 2->5, 5: 2->7, 6: 3->4, ...
    assert got.parent_edge is not None and got.parent_edge.tolist() == [-1, 0, 1, 2, 6, 4, -1, -1, -1]


def test_a_source_of_an_internal_type_ranks_below_a_user_object() -> None:
    # 1 (node type 1, penalty 2) and 2 (type 0) both reach 3 by a property in one level.
    graph = csr(4, [(0, 1, 0, 0), (0, 2, 0, 0), (1, 3, 0, 0), (2, 3, 0, 0)])
    node_type = np.array([0, 1, 0, 0], dtype=np.uint8)
    rule = rules([1], [0], [0, 2], [], [1, 1, 1, 1])
    got = tree(graph, node_type, rule, [0], [0, 1], [])
    assert got.parent is not None and int(got.parent[3]) == 2


def test_the_second_phase_starts_past_the_deepest_node_of_the_first() -> None:
    # Phase 1 from 1 reaches 2 and 3; phase 2 seeds 4 one past them (at 3), and 4 reaches 5.
    graph = csr(6, [(0, 1, 0, 0), (0, 4, 0, 0), (1, 2, 0, 0), (2, 3, 0, 0), (4, 5, 0, 0)])
    rule = rules([1], [0], [0], [], [1] * 6)
    got = tree(graph, np.zeros(6, dtype=np.uint8), rule, [0], [0], [1])
    assert got.distance.tolist() == [0, 1, 2, 3, 4, 5]


def test_the_last_phase_numbers_its_levels_past_the_deepest_node() -> None:
    # Type 1 is followed only in the last phase. The holders, nearest first, are the root
    # (distance 0) and 2 (distance 2): 4 and 3 both get the first level past the deepest
    # node (2 + 1 + 1), not their sources' distance + 1, and 5 the level after.
    graph = csr(6, [(0, 1, 0, 0), (0, 4, 1, 0), (1, 2, 0, 0), (2, 3, 1, 0), (4, 5, 1, 0)])
    rule = rules([1, 0], [0, 0], [0], [], [1] * 6)
    got = tree(graph, np.zeros(6, dtype=np.uint8), rule, [1, 1], [0], [])
    assert got.distance.tolist() == [0, 1, 2, 4, 4, 5]
    assert got.parent is not None and got.parent.tolist() == [0, 0, 1, 2, 0, 4]


def phases_one_call_at_a_time(
    graph: Arrays, node_type: Any, preferred: EdgeRules, any_follow: Any, seeds: tuple[Any, Any], serves: Any
) -> Arrays:
    """The three phases of path_tree, each grown by the plain reference: the holders of the last
    phase are the reached nodes with an edge (of any type) into a node left, nearest first."""
    first, edge_to = graph[:2]
    distance, parent, parent_edge = start(len(first) - 1, {0: 0})
    for edges in seeds:
        at = int(distance.max()) + 1
        for edge in edges.tolist():
            target = int(edge_to[edge])
            if distance[target] < 0:
                distance[target], parent[target], parent_edge[target] = at, 0, edge
        frontier = [int(target) for target in edge_to[edges]]
        reference(graph, node_type, preferred, frontier, (distance, parent, parent_edge), -1)
    left = (distance < 0) & (serves if serves is not None else True)
    sources = np.repeat(np.arange(len(first) - 1), np.diff(first))
    holders = np.unique(sources[left[edge_to] & (distance[sources] >= 0)])
    holders = holders[np.argsort(distance[holders], kind="stable")]
    anything = EdgeRules(
        any_follow, preferred.rank, preferred.penalty, np.zeros(0, np.uint8), np.ones_like(left, np.uint8)
    )
    level = int(distance.max()) + 1
    reference(graph, node_type, anything, holders.tolist(), (distance, parent, parent_edge), level)
    return distance, parent, parent_edge


@pytest.mark.parametrize("seed", range(30))
def test_path_tree_is_its_three_phases_one_call_at_a_time(seed: int) -> None:
    rng = random.Random(seed)
    count = rng.randint(2, 120)
    edges = [
        (rng.randrange(count), rng.randrange(count), rng.randrange(4), rng.randrange(6))
        for _ in range(rng.randint(0, 4 * count))
    ]
    graph = csr(count, edges)
    node_type = np.array([rng.randrange(3) for _ in range(count)], dtype=np.uint8)
    preferred = rules(
        [rng.choice([0, 1, 2]) for _ in range(4)],
        [rng.choice([0, 1, 3, 200]) for _ in range(4)],  # 200 + 100 wraps around, as 8 bits do
        [rng.choice([0, 2, 100]) for _ in range(3)],
        [rng.randrange(2) for _ in range(rng.randrange(8))],
        [int(rng.random() < 0.8) for _ in range(count)],
    )
    any_follow = np.array([rng.choice([0, 1]) for _ in range(4)], dtype=np.uint8)
    root_edges = np.arange(int(graph[0][1]), dtype=np.int64)
    split = rng.randint(0, len(root_edges))
    seeds = (root_edges[:split], root_edges[split:][: rng.randint(0, len(root_edges))])
    serves = np.array([rng.random() < 0.7 for _ in range(count)]) if rng.random() < 0.3 else None
    marked = np.array([rng.random() < 0.2 for _ in range(count)])
    expected = phases_one_call_at_a_time(graph, node_type, preferred, any_follow, seeds, serves)

    def grow(parents: bool) -> _native.PathTree:
        return _native.path_tree(
            0,
            _native.Graph(graph[0], graph[1]),
            graph[2],
            graph[3],
            node_type,
            preferred,
            any_follow,
            *seeds,
            serves,
            parents=parents,
            marked=marked,
        )

    got = grow(parents=True)
    assert got.distance.tolist() == expected[0].tolist()
    assert got.parent is not None and got.parent.tolist() == expected[1].tolist()
    assert got.parent_edge is not None and got.parent_edge.tolist() == expected[2].tolist()
    assert (
        got.owner is not None
        and got.owner.tolist() == _native.nearest_marked_up(0, expected[1], marked).tolist()
    )
    alone = grow(parents=False)
    assert alone.parent is None and alone.parent_edge is None
    assert alone.owner is not None and alone.owner.tolist() == got.owner.tolist()


def test_path_tree_refuses_what_would_read_out_of_bounds() -> None:
    first, edge_to, edge_type, edge_name = csr(3, [(0, 1, 0, 0), (1, 2, 1, 5)])
    graph = _native.Graph(first, edge_to)
    node_type = np.zeros(3, dtype=np.uint8)
    good = rules([1, 2], [0, 1], [0], [0, 0], [1, 1, 1])
    follow = np.ones(2, dtype=np.uint8)
    seeds = np.array([0], dtype=np.int64)

    def run(
        *, first_seeds: Any = seeds, preferred: EdgeRules = good, types: Any = node_type, **more: Any
    ) -> None:
        _native.path_tree(
            0, graph, edge_type, edge_name, types, preferred, follow, first_seeds, seeds, **more
        )

    run()
    for bad_seed in (-1, 2):
        with pytest.raises(_native.GraphError):  # a seed that is not an edge
            run(first_seeds=np.array([bad_seed], dtype=np.int64))
    with pytest.raises(_native.GraphError):  # an edge type past the tables
        run(preferred=rules([1], [0], [0], [], [1, 1, 1]))
    with pytest.raises(_native.GraphError):  # a node type past the penalties
        run(types=np.array([0, 1, 0], dtype=np.uint8))
    with pytest.raises(_native.GraphError):  # a target table of the wrong length
        run(preferred=rules([1, 2], [0, 1], [0], [0, 0], [1, 1]))
    with pytest.raises(_native.GraphError):  # marks of the wrong length
        run(marked=np.ones(2, dtype=bool))
    with pytest.raises(_native.GraphError):  # a reachable mask of the wrong length
        _native.path_tree(
            0, graph, edge_type, edge_name, node_type, good, follow, seeds, seeds, np.ones(4, bool)
        )


def doubling(parent: np.ndarray[Any, Any], marked: np.ndarray[Any, Any]) -> list[int]:
    """The nearest marked node up the tree by pointer doubling, the root (0) marked."""
    tree = np.where(parent < 0, 0, parent)
    marks = marked.copy()
    marks[0] = True
    up = np.where(marks, np.arange(len(parent)), tree)
    while not np.array_equal(up[up], up):
        up = up[up]
    return [int(node) for node in up]


@pytest.mark.parametrize("seed", range(20))
def test_nearest_marked_up_matches_pointer_doubling(seed: int) -> None:
    rng = random.Random(seed)
    count = rng.randint(1, 300)
    # Parents come before their children in a shuffled numbering, or are -1 (the root's).
    numbering = list(range(1, count))
    rng.shuffle(numbering)
    numbering = [0, *numbering]
    parent = np.full(count, -1, dtype=np.int64)
    for position in range(1, count):
        if rng.random() < 0.95:
            parent[numbering[position]] = numbering[rng.randrange(position)]
    marked = np.array([rng.random() < 0.2 for _ in range(count)], dtype=bool)
    assert _native.nearest_marked_up(0, parent, marked).tolist() == doubling(parent, marked)


def test_nearest_marked_up_refuses_a_circle_or_a_parent_past_the_nodes() -> None:
    nothing = np.zeros(4, dtype=bool)
    with pytest.raises(_native.GraphError):
        _native.nearest_marked_up(0, np.array([0, 2, 3, 1], dtype=np.int64), nothing)
    with pytest.raises(_native.GraphError):
        _native.nearest_marked_up(0, np.array([0, 0, 9, 0], dtype=np.int64), nothing)
    with pytest.raises(_native.GraphError):
        _native.nearest_marked_up(4, np.array([0, 0, 0, 0], dtype=np.int64), nothing)
    marked = np.array([0, 0, 1, 0], dtype=bool)  # a marked node stops the walk into the circle
    assert _native.nearest_marked_up(0, np.array([0, 2, 3, 2], dtype=np.int64), marked).tolist() == [
        0,
        2,
        2,
        2,
    ]


def reach_past_by_sets(count: int, edges: list[tuple[int, int, int, int]], blocked: set[int]) -> list[int]:
    """reach_past's states from plain set walks (edge type 1 is weak, never followed; 2 is a
    shortcut, followed only from the root)."""
    adjacent: dict[int, list[int]] = {}
    for source, target, kind, _ in edges:
        if kind == 0 or (kind == 2 and source == 0):
            adjacent.setdefault(source, []).append(target)

    def walk(starts: set[int], stop: set[int]) -> set[int]:
        seen, todo = set(starts), list(starts)
        while todo:
            for target in adjacent.get(todo.pop(), []):
                if target not in seen and target not in stop:
                    seen.add(target)
                    todo.append(target)
        return seen

    before = walk({0}, blocked)
    entered = {t for s in before for t in adjacent.get(s, []) if t in blocked}
    past = walk(entered, before) - entered
    return [1 if v in before else 3 if v in entered else 2 if v in past else 0 for v in range(count)]


@pytest.mark.parametrize("seed", range(24))
def test_reach_past_matches_set_walks_on_wide_and_deep_graphs(seed: int) -> None:
    # Wide levels (the root's many edges) are sorted in room the queue may not have left,
    # and levels of thousands of nodes by wider digits.
    rng = random.Random(seed)
    count = rng.randint(2, 400) if seed % 4 else rng.randint(5000, 20000)
    wide = rng.randint(0, count - 1)
    edges = [(0, rng.randrange(1, count), 0, 0) for _ in range(wide)]
    edges += [
        (rng.randrange(count), rng.randrange(count), rng.randrange(3), 0)
        for _ in range(rng.randint(0, 3 * count))
    ]
    first, edge_to, edge_type, _ = csr(count, edges)
    blocked = {rng.randrange(1, count) for _ in range(rng.randint(0, 6))} if count > 1 else set()
    flags = np.zeros(count, dtype=np.uint8)
    flags[list(blocked)] = 1
    state = _native.reach_past(0, _native.Graph(first, edge_to), edge_type, 1, 2, flags)
    assert state.tolist() == reach_past_by_sets(count, edges, blocked)

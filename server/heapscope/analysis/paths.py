"""Retainer paths a developer recognises, and the names a container has in the program.

The shortest path over every edge often runs through ``(Stack roots)``, a handle scope, a
deoptimization literal of optimised code or a feedback vector: true, but it changes from run
to run and names nothing a developer wrote. Like DevTools' distances (user roots first) and
memlab's path preferences, :class:`PathFinder` computes its own breadth-first distances in
three phases:

1. from the global object, over *preferred* edges only;
2. from every other root except the stack and handle scopes, over preferred edges;
3. from everything reached so far, over any non-weak edge (so every live node gets a path).

Preferred edges are non-weak edges into nodes that are not code, feedback or per-run roots,
and not named after deoptimization data. Within one BFS level a node takes the edge of the
best kind (property, context variable or element from a user object first, internal edges
last). Each node keeps the edge that reached it, so a path is a walk up that tree. All of it
is numpy over the CSR arrays; no Python object per node.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from ..snapshot import ROOT, HeapSnapshot, RetainerHop

IntArray = npt.NDArray[np.int64]

# Roots whose contents change with whatever the program was executing at snapshot time.
_TRANSIENT_ROOTS = ("(Stack roots)", "(Handle scope)")
# Edge names that lead into compiled code's internals rather than program data.
_INTERNAL_EDGE_NAME = re.compile(r"deoptimization|feedback|^code|bytecode|source_position", re.I)
# Edge kinds in order of preference when several reach a node in the same BFS level.
_EDGE_RANK = {"property": 0, "context": 0, "element": 1, "shortcut": 2, "internal": 3, "hidden": 3}
# Edges whose names are how a program refers to a container.
NAMING_EDGE_TYPES = ("property", "context")
# Names that are V8's plumbing, not the program's.
_PLUMBING_NAMES = frozenset(
    {"table", "elements", "properties", "context", "map", "__proto__", "prototype", "constructor"}
)
IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
GLOBAL_CLASS_PREFIXES = ("global", "Window", "globalThis")


@dataclass(frozen=True)
class Name:
    """One name a container goes by: the edge's name and the node that holds that edge."""

    name: str
    holder: int
    edge_type: str


class PathFinder:
    """Developer distances and the tree of preferred retainer edges over one snapshot."""

    def __init__(self, snapshot: HeapSnapshot) -> None:
        self.snapshot = snapshot

    # ------------------------------------------------------------ masks

    @cached_property
    def _edge_is_preferred(self) -> npt.NDArray[np.bool_]:
        snapshot = self.snapshot
        ok = snapshot.edge_type != snapshot.edge_type_id("weak")
        # Only V8's internal edges are tested by name: a program's own property may be called "code".
        named = snapshot.edge_type == snapshot.edge_type_id("internal")
        # Each distinct edge name is tested once (a presence table, no sort of the edges).
        present = np.zeros(len(snapshot.strings), dtype=bool)
        names = snapshot.edge_name_or_index[named]
        present[names[names < len(snapshot.strings)]] = True
        bad = np.zeros(len(snapshot.strings), dtype=bool)
        for index in np.flatnonzero(present).tolist():
            bad[index] = bool(_INTERNAL_EDGE_NAME.search(snapshot.strings[index]))
        in_range = snapshot.edge_name_or_index < len(snapshot.strings)
        clipped = np.where(in_range, snapshot.edge_name_or_index, 0)
        ok &= ~(named & in_range & bad[clipped])
        result: npt.NDArray[np.bool_] = ok & self._node_is_preferred[snapshot.edge_to]
        return result

    @cached_property
    def _node_is_preferred(self) -> npt.NDArray[np.bool_]:
        snapshot = self.snapshot
        ok = snapshot.node_type != snapshot.node_type_id("code")
        for name in _TRANSIENT_ROOTS:
            string = snapshot.string_id(name)
            if string >= 0:
                ok &= ~(
                    (snapshot.node_name == string)
                    & (snapshot.node_type == snapshot.node_type_id("synthetic"))
                )
        result: npt.NDArray[np.bool_] = ok
        return result

    @cached_property
    def _edge_rank(self) -> npt.NDArray[np.uint8]:
        snapshot = self.snapshot
        by_type = np.full(len(snapshot.meta.edge_types), 4, dtype=np.uint8)
        for name, rank in _EDGE_RANK.items():
            if snapshot.edge_type_id(name) >= 0:
                by_type[snapshot.edge_type_id(name)] = rank
        ranks: npt.NDArray[np.uint8] = by_type[snapshot.edge_type]
        return ranks

    # ------------------------------------------------------------ the BFS tree

    @cached_property
    def _tree(self) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """(distance, parent node, parent edge) per node; -1 where unreachable."""
        snapshot = self.snapshot
        count = snapshot.node_count
        distance = np.full(count, -1, dtype=np.int32)
        parent = np.full(count, -1, dtype=np.int64)
        parent_edge = np.full(count, -1, dtype=np.int64)
        distance[ROOT] = 0
        parent[ROOT] = ROOT
        root_edges = np.arange(int(snapshot.first_edge[ROOT]), int(snapshot.first_edge[ROOT + 1]))
        root_targets = snapshot.edge_to[root_edges].astype(np.int64)
        is_global = np.array(
            [snapshot.class_name(int(t)).startswith(GLOBAL_CLASS_PREFIXES) for t in root_targets.tolist()],
            dtype=bool,
        )
        preferred = self._edge_is_preferred
        # Phase 1: the global object(s) first, over preferred edges.
        self._seed(root_edges[is_global], distance, parent, parent_edge, 1)
        self._bfs(root_targets[is_global], preferred, distance, parent, parent_edge)
        # Phase 2: every other root, still over preferred edges.
        base = int(distance.max()) + 1
        rest = root_edges[~is_global]
        rest = rest[preferred[rest]]
        self._seed(rest, distance, parent, parent_edge, base)
        self._bfs(snapshot.edge_to[rest].astype(np.int64), preferred, distance, parent, parent_edge)
        # Phase 3: whatever is left, over any non-weak edge, from the reached nodes that
        # point at it (found through the retainer index, not by expanding every node again).
        left = np.flatnonzero((distance < 0) & (snapshot.distances >= 0))
        if len(left):
            first, retainer_edges = snapshot.retainers
            starts = first[left]
            counts = first[left + 1] - starts
            offsets = np.repeat(starts - np.cumsum(counts) + counts, counts)
            edges = retainer_edges[offsets + np.arange(int(counts.sum()), dtype=np.int64)]
            holders = (np.searchsorted(snapshot.first_edge, edges, side="right") - 1).astype(np.int64)
            holders = np.unique(holders[distance[holders] >= 0])
            holders = holders[np.argsort(distance[holders], kind="stable")]
            any_edge = snapshot.edge_type != snapshot.edge_type_id("weak")
            base = int(distance.max()) + 1
            self._bfs(holders, any_edge, distance, parent, parent_edge, level_distance=base)
        return distance, parent, parent_edge

    def _seed(
        self,
        edges: IntArray,
        distance: npt.NDArray[np.int32],
        parent: IntArray,
        parent_edge: IntArray,
        at: int,
    ) -> None:
        targets = self.snapshot.edge_to[edges].astype(np.int64)
        fresh = distance[targets] < 0
        targets, edges = targets[fresh], edges[fresh]
        targets, first = np.unique(targets, return_index=True)
        distance[targets] = at
        parent[targets] = ROOT
        parent_edge[targets] = edges[first]

    def _bfs(
        self,
        frontier: IntArray,
        edge_ok: npt.NDArray[np.bool_],
        distance: npt.NDArray[np.int32],
        parent: IntArray,
        parent_edge: IntArray,
        level_distance: int | None = None,
    ) -> None:
        """Level-synchronous BFS: each level gathers the frontier's edges in one numpy pass."""
        snapshot = self.snapshot
        first_edge = snapshot.first_edge
        rank = self._edge_rank
        node_penalty = self._source_penalty
        level = level_distance
        while len(frontier):
            starts = first_edge[frontier]
            counts = first_edge[frontier + 1] - starts
            total = int(counts.sum())
            if not total:
                return
            sources = np.repeat(frontier, counts)
            edges = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total, dtype=np.int64)
            keep = edge_ok[edges]
            edges, sources = edges[keep], sources[keep]
            targets = snapshot.edge_to[edges].astype(np.int64)
            fresh = distance[targets] < 0
            edges, sources, targets = edges[fresh], sources[fresh], targets[fresh]
            if not len(targets):
                return
            order = np.lexsort((rank[edges] + node_penalty[sources], targets))
            targets, edges, sources = targets[order], edges[order], sources[order]
            first = np.ones(len(targets), dtype=bool)
            first[1:] = targets[1:] != targets[:-1]
            targets, edges, sources = targets[first], edges[first], sources[first]
            if level_distance is None:
                distance[targets] = distance[sources] + 1
            else:
                assert level is not None
                level += 1
                distance[targets] = level
            parent[targets] = sources
            parent_edge[targets] = edges
            frontier = targets

    @cached_property
    def _source_penalty(self) -> npt.NDArray[np.uint8]:
        """Edges out of V8's internal nodes rank below the same kind of edge out of user objects."""
        snapshot = self.snapshot
        internal = np.isin(
            snapshot.node_type,
            [
                snapshot.node_type_id(t)
                for t in ("hidden", "array", "synthetic", "code")
                if snapshot.node_type_id(t) >= 0
            ],
        )
        penalty: npt.NDArray[np.uint8] = internal.astype(np.uint8) * 2
        return penalty

    @property
    def distances(self) -> npt.NDArray[np.int32]:
        """Developer distance per node (-1 unreachable); smaller means a more readable path."""
        return self._tree[0]

    @property
    def parents(self) -> IntArray:
        """The node each node was reached from (the root for itself, -1 when unreachable)."""
        return self._tree[1]

    def retainer_path(self, node: int) -> list[RetainerHop]:
        """Root first, ``node`` last, along the preferred tree; empty when unreachable."""
        distance, parent, parent_edge = self._tree
        if distance[node] < 0:
            return []
        hops: list[RetainerHop] = []
        current = node
        while current != ROOT and len(hops) <= self.snapshot.node_count:
            hops.append(RetainerHop(node=current, edge=int(parent_edge[current])))
            current = int(parent[current])
        hops.append(RetainerHop(node=ROOT, edge=-1))
        hops.reverse()
        return hops

    # ------------------------------------------------------------ names

    def names_of(self, node: int) -> list[Name]:
        """Every user-visible name of ``node``: properties and closure variables that point at it.

        A collection exported from a module and captured by a closure has both; the source
        step searches for each. The edge on the preferred path comes first.
        """
        snapshot = self.snapshot
        edges, sources = snapshot.retainers_of(node)
        found: list[Name] = []
        seen: set[str] = set()
        on_path = int(self.parents[node])
        ranked = sorted(
            zip(edges.tolist(), sources.tolist(), strict=True),
            key=lambda pair: (
                pair[1] != on_path,
                int(self.distances[pair[1]]) if self.distances[pair[1]] >= 0 else 1 << 30,
            ),
        )
        for edge, source in ranked[:256]:
            edge_type = snapshot.edge_type_name(edge)
            if edge_type not in NAMING_EDGE_TYPES:
                continue
            name = snapshot.edge_name(edge)
            if name in seen or name in _PLUMBING_NAMES or not IDENTIFIER.fullmatch(name):
                continue
            if snapshot.type_name(source) in ("code", "synthetic", "array"):
                continue
            seen.add(name)
            found.append(Name(name=name, holder=source, edge_type=edge_type))
        return found

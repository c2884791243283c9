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
last). Each node keeps the edge that reached it, so a path is a walk up that tree. The levels
are walked by a compiled kernel over the CSR arrays; no Python object per node.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import Executor, Future
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..cached import cached_property
from ..snapshot import ROOT, EdgeRules, HeapSnapshot, PathTree, RetainerHop

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

    def __init__(self, snapshot: HeapSnapshot, names_like: PathFinder | None = None) -> None:
        """``names_like``: a finder over another snapshot of the same process, whose verdicts
        on edge names (by text) this one reuses; the snapshots share most of their names."""
        self.snapshot = snapshot
        self._name_verdicts: dict[str, bool] = names_like._name_verdicts if names_like else {}
        self._pending: Future[tuple[npt.NDArray[np.int32], IntArray, IntArray]] | None = None
        self._others: dict[int, PathFinder] = {}
        self._others_lock = threading.Lock()

    def finder_for(self, other: HeapSnapshot) -> PathFinder:
        """The finder over ``other`` (another snapshot of the same process) that reuses this
        one's verdicts on edge names; the same one on every call, so what :meth:`prepare`
        computed ahead is there when it is used."""
        if other is self.snapshot:
            return self
        with self._others_lock:
            finder = self._others.get(id(other))
            if finder is None or finder.snapshot is not other:
                finder = self._others[id(other)] = PathFinder(other, names_like=self)
            return finder

    def prepare(self) -> None:
        """Compute what the tree's edge rules read (edge-name verdicts, preferred targets, the
        root's classes), so that a tree grown later starts with the compiled walk."""
        self._bad_names  # noqa: B018 (computed and kept)
        self._node_is_preferred  # noqa: B018 (computed and kept)
        self.snapshot.class_names  # noqa: B018 (computed and kept)

    def build_in(self, executor: Executor) -> None:
        """Start building the tree in ``executor`` (another core); its first use waits for it."""
        if self._pending is None and "_tree" not in self.__dict__:
            self._pending = executor.submit(self.build_tree)

    # ------------------------------------------------------------ edge rules

    @cached_property
    def _bad_names(self) -> npt.NDArray[np.uint8]:
        """Per string: an internal edge of that name leads into compiled code's internals.

        Only V8's internal edges are tested by name: a program's own property may be called
        "code". Each distinct name of an internal edge is tested once, and finders made
        ``names_like`` one another share the verdicts. Most such names are numbers (tens of
        thousands in a large heap), which the pattern, made of words, never matches: they are
        passed over (one str.isdigit each) before any verdict is looked up.
        """
        snapshot = self.snapshot
        bad = np.zeros(len(snapshot.strings), dtype=np.uint8)
        indexes = np.flatnonzero(snapshot.edge_names_of_type("internal")).tolist()
        if not indexes:
            return bad
        verdicts, strings = self._name_verdicts, snapshot.strings
        texts = [strings[index] for index in indexes]
        worded = [
            (index, text)
            for index, text, number in zip(indexes, texts, map(str.isdigit, texts), strict=True)
            if not number
        ]
        named_bad: list[int] = []
        for index, text in worded:
            verdict = verdicts.get(text)
            if verdict is None:
                verdict = verdicts[text] = bool(_INTERNAL_EDGE_NAME.search(text))
            if verdict:
                named_bad.append(index)
        bad[named_bad] = 1
        return bad

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

    def _preferred_rules(self) -> EdgeRules:
        """Preferred edges: non-weak, into preferred nodes, internal ones not named after
        compiled code's internals. Phase 3 follows every non-weak edge (:meth:`_follow`),
        ranked the same.

        Within a level an edge of the best kind wins, and edges out of V8's internal nodes
        rank below the same kind of edge out of user objects.
        """
        snapshot = self.snapshot
        rank = np.full(len(snapshot.meta.edge_types), 4, dtype=np.uint8)
        for name, value in _EDGE_RANK.items():
            if snapshot.edge_type_id(name) >= 0:
                rank[snapshot.edge_type_id(name)] = value
        penalty = np.zeros(len(snapshot.meta.node_types), dtype=np.uint8)
        for name in ("hidden", "array", "synthetic", "code"):
            if snapshot.node_type_id(name) >= 0:
                penalty[snapshot.node_type_id(name)] = 2
        return EdgeRules(
            follow=self._follow(preferred=True),
            rank=rank,
            penalty=penalty,
            bad_name=self._bad_names,
            target_ok=self._node_is_preferred.view(np.uint8),
        )

    def _follow(self, preferred: bool) -> npt.NDArray[np.uint8]:
        """Per edge type, whether the preferred edges, or any non-weak edges, follow it."""
        snapshot = self.snapshot
        follow = np.full(len(snapshot.meta.edge_types), EdgeRules.ALWAYS, dtype=np.uint8)
        internal = snapshot.edge_type_id("internal")
        if preferred and internal >= 0:
            follow[internal] = EdgeRules.UNLESS_BAD_NAME
        if snapshot.edge_type_id("weak") >= 0:
            follow[snapshot.edge_type_id("weak")] = EdgeRules.NEVER
        return follow

    def _follows(self, rules: EdgeRules, edges: IntArray) -> npt.NDArray[np.bool_]:
        """Which of ``edges`` the rules follow (for the root's few edges; the kernel does the rest)."""
        snapshot = self.snapshot
        follow = rules.follow[snapshot.edge_type[edges]]
        names = snapshot.edge_name_or_index[edges]
        in_range = names < len(rules.bad_name)
        bad = np.zeros(len(edges), dtype=bool)
        bad[in_range] = rules.bad_name[names[in_range]] != 0
        ok = (follow == EdgeRules.ALWAYS) | ((follow == EdgeRules.UNLESS_BAD_NAME) & ~bad)
        result: npt.NDArray[np.bool_] = ok & (rules.target_ok[snapshot.edge_to[edges]] != 0)
        return result

    # ------------------------------------------------------------ the BFS tree

    @cached_property
    def _tree(self) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """(distance, parent node, parent edge) per node; -1 where unreachable."""
        if self._pending is not None:
            return self._pending.result()
        return self.build_tree()

    def build_tree(self) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """:attr:`_tree` computed anew, not kept: for a snapshot whose paths are asked once.

        Several of these may run at once in threads, one per snapshot.
        """
        tree = self._grow(parents=True)
        assert tree.parent is not None and tree.parent_edge is not None
        return tree.distance, tree.parent, tree.parent_edge

    def owners(self, marked: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint32]:
        """Per node, the nearest ``marked`` node up the tree (itself included; the root when
        none, and for unreachable nodes not marked), found as the tree grows: for a snapshot
        whose tree is asked only that, so its parents and parent edges are never stored."""
        owner = self._grow(parents=False, marked=marked).owner
        assert owner is not None
        return owner

    def _grow(self, parents: bool, marked: npt.NDArray[np.bool_] | None = None) -> PathTree:
        """The three phases, in one kernel call from the root's edges.

        Everything reached in phases 1 and 2 is reachable from the root over non-weak edges
        unless the root's edge to a global object is weak, so only then does phase 3 need
        telling the unreached nodes apart from the ones nothing reaches: from the others, no
        non-weak edge leads to those.
        """
        snapshot = self.snapshot
        root_edges = np.arange(int(snapshot.first_edge[ROOT]), int(snapshot.first_edge[ROOT + 1]))
        root_targets = snapshot.edge_to[root_edges].astype(np.int64)
        is_global = np.array(
            [snapshot.class_name(int(t)).startswith(GLOBAL_CLASS_PREFIXES) for t in root_targets.tolist()],
            dtype=bool,
        )
        preferred = self._preferred_rules()
        rest = root_edges[~is_global]
        rest = rest[self._follows(preferred, rest)]
        weak = snapshot.edge_type_id("weak")
        reachable = None
        if np.any(snapshot.edge_type[root_edges[is_global]] == weak):
            reachable = snapshot.reachable()
        return snapshot.path_tree(
            preferred,
            self._follow(preferred=False),
            root_edges[is_global],
            rest,
            reachable,
            parents=parents,
            marked=marked,
        )

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

"""The heap graph of one snapshot, as flat arrays with CSR indexes.

Nodes are addressed by *ordinal* (0..node_count-1; ordinal 0 is V8's synthetic root),
edges by index (0..edge_count-1). Every per-node or per-edge attribute is one numpy
column; no Python object exists per node or edge. Derived indexes (first edge,
retainers, distances, dominators, retained sizes) are computed on first use, or all at
once by :meth:`HeapSnapshot.initialize`, which reports progress per named phase the way
DevTools' HeapSnapshot worker does.
"""

from __future__ import annotations

import contextlib
import os
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..cached import cached_property
from ..progress import Phase, Progress, ProgressCallback
from . import _native
from .errors import SnapshotError
from .loader import RawSnapshot, SnapshotMeta, read_snapshot

_DominatorTree = tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32], npt.NDArray[np.uint64]]

ROOT = 0
# Ids are looked up through a flag table while the largest id is under this many times the
# node count (V8's odd-numbered ids of a process that freed some objects stay well under it).
_ID_TABLE_NODES_FACTOR = 16
# container_measures builds the full dominator tree instead of one for the part of the graph
# past the containers once that part holds more than this share of the edges.
_PART_EDGES_SHARE = 0.5

# How DevTools names the groups of its Summary view for non-object node types.
_TYPE_CLASS_NAMES = {
    "hidden": "(system)",
    "code": "(compiled code)",
    "closure": "(closure)",
    "array": "(array)",
    "string": "(string)",
    "concatenated string": "(string)",
    "sliced string": "(string)",
    "regexp": "(regexp)",
    "number": "(number)",
    "symbol": "(symbol)",
    "bigint": "(bigint)",
    "synthetic": "(synthetic)",
    "object shape": "(object shape)",
}

# Edge types whose name_or_index is an index, not a string-table reference.
_INDEX_EDGE_TYPES = ("element", "hidden")
# Edge types a person would not follow to explain why an object is alive.
_INTERNAL_EDGE_TYPES = ("internal", "hidden", "shortcut", "weak")
# retainers_of scans the edges for this many nodes (and keeps their answers) before it
# builds the retainer index.
_RETAINER_SCANS = 16
# Node sizes must add up below this (the largest integer a float, and JSON, holds exactly).
_SIZE_LIMIT = 2**53


@dataclass(frozen=True)
class SourceLocation:
    """A position from the snapshot's ``locations`` array; 0-based as V8 writes it."""

    script_id: int
    line: int
    column: int


@dataclass(frozen=True)
class RetainerHop:
    """One step of a retainer path: ``edge`` (index) leads from the previous hop's node to ``node``.

    The first hop is the root and has ``edge == -1``.
    """

    node: int
    edge: int


class HeapSnapshot:
    """Graph queries over one loaded snapshot."""

    def __init__(self, raw: RawSnapshot) -> None:
        self.path = raw.path
        self.file_size = raw.file_size
        self.meta: SnapshotMeta = raw.meta
        self.strings: list[str] = raw.strings
        meta = raw.meta
        # The loader already parsed each field into its own typed column (edge targets as
        # node ordinals, edge counts as CSR offsets); _validate_graph checks them all.
        nodes = raw.node_columns
        edges = raw.edge_columns
        self.node_fields_width = len(meta.node_fields)
        self.first_edge: npt.NDArray[np.int64] = nodes["first_edge"]
        self.node_count = len(self.first_edge) - 1
        self.edge_to: npt.NDArray[np.uint32] = edges["to_node"]
        self.edge_count = len(self.edge_to)
        self.node_type: npt.NDArray[np.uint8] = nodes["type"]
        self.node_name: npt.NDArray[np.uint32] = nodes["name"]
        self.node_id: npt.NDArray[Any] = nodes["id"]
        self.self_size: npt.NDArray[np.uint64] = nodes["self_size"]
        self.trace_node_id: npt.NDArray[np.uint32] | None = nodes.get("trace_node_id")
        self.detachedness: npt.NDArray[np.uint8] | None = nodes.get("detachedness")
        self.edge_type: npt.NDArray[np.uint8] = edges["type"]
        self.edge_name_or_index: npt.NDArray[np.uint32] = edges["name_or_index"]
        raw.node_columns = {}
        raw.edge_columns = {}
        self._validate_graph()

        self._node_type_ids = {name: i for i, name in enumerate(meta.node_types)}
        self._edge_type_ids = {name: i for i, name in enumerate(meta.edge_types)}
        self._string_ids: dict[str, int] = {}
        self._scanned_retainers: dict[int, tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]] = {}
        self._nodes_of: tuple[weakref.ref[HeapSnapshot], npt.NDArray[np.bool_]] | None = None
        self._pending_dominator_tree: Future[_DominatorTree] | None = None
        self._load_locations(raw)
        self.trace_function_infos = raw.trace_function_infos
        self.trace_tree = raw.trace_tree
        self.samples = raw.samples

    def _validate_graph(self) -> None:
        """Refuse, in one sentence, any array a kernel or a lookup would index out of range.

        Every derived array is checked here, before the first kernel runs: the columns'
        lengths, the CSR offsets (from 0, never decreasing, ending at the edge count), every
        edge target, type and name index, and sizes small enough to add up exactly. The
        offsets and targets are checked once, into :attr:`graph`, which every graph kernel
        then takes without checking them again; columns the loader's parser filled were
        checked while it parsed them (see :class:`heapscope.snapshot._native.Graph`).
        """
        fail = self._corrupt
        if self.node_count <= 0:
            raise SnapshotError(self.path, "the snapshot has no nodes")
        for name, column in (
            ("type", self.node_type),
            ("name", self.node_name),
            ("id", self.node_id),
            ("self_size", self.self_size),
            ("trace_node_id", self.trace_node_id),
            ("detachedness", self.detachedness),
        ):
            if column is not None and len(column) != self.node_count:
                raise fail(f"its node column '{name}' has {len(column)} values for {self.node_count} nodes")
        for name, column in (("type", self.edge_type), ("name_or_index", self.edge_name_or_index)):
            if len(column) != self.edge_count:
                raise fail(f"its edge column '{name}' has {len(column)} values for {self.edge_count} edges")
        if int(self.first_edge[-1]) != self.edge_count:
            raise SnapshotError(
                self.path,
                f"the nodes' edge counts add up to {int(self.first_edge[-1])} "
                f"but the file has {self.edge_count} edges",
            )
        try:
            self.graph = _native.Graph(self.first_edge, self.edge_to)
        except _native.GraphError:
            raise fail("its edge index does not describe a graph over its nodes") from None
        # The read-only arrays the graph holds (copies where the columns were views).
        self.first_edge, self.edge_to = self.graph.first_edge, self.graph.edge_to
        if int(self.node_type.max(initial=0)) >= len(self.meta.node_types):
            raise SnapshotError(self.path, "a node has a type the meta does not list")
        if self.edge_count and int(self.edge_type.max()) >= len(self.meta.edge_types):
            raise SnapshotError(self.path, "an edge has a type the meta does not list")
        if int(self.node_name.max(initial=0)) >= len(self.strings):
            raise SnapshotError(self.path, "a node name points past the strings table")
        # Sizes are summed into retained sizes and reported as JSON numbers: above 2^53 in
        # total neither is exact any more, and no heap comes near it.
        if int(self.self_size.max(initial=0)) >= _SIZE_LIMIT or (
            float(self.self_size.sum(dtype=np.float64)) >= _SIZE_LIMIT
        ):
            raise fail("its node sizes add up to 2^53 bytes or more, more than any heap holds")

    def _corrupt(self, problem: str) -> SnapshotError:
        return SnapshotError(self.path, f"corrupt snapshot: {problem}")

    def _load_locations(self, raw: RawSnapshot) -> None:
        """Locations as node ordinal, script id, line, column (0-based), sorted by ordinal."""
        locations = raw.locations
        fields = self.meta.location_fields or ["object_index", "script_id", "line", "column"]
        location_field = {name: i for i, name in enumerate(fields)}
        if len(locations):
            for needed in ("object_index", "script_id", "line", "column"):
                if needed not in location_field:
                    raise SnapshotError(self.path, f"the snapshot's meta.location_fields lacks '{needed}'")
            positions = [location_field[name] for name in ("object_index", "script_id", "line", "column")]
            code, columns = -10, list[npt.NDArray[Any]]()
            if locations.dtype == np.uint32:  # else a value did not fit 32 bits: sorted below
                code, columns = _native.locations_by_node(
                    locations, positions, self.node_fields_width, self.node_count
                )
            if code == -7:
                raise self._corrupt("a location points past the last node")
            if code == -8:
                raise self._corrupt("a location points into the middle of a node")
            if not columns:  # a node with two locations, or a value past 32 bits
                columns = self._sorted_locations(locations, positions)
            # Kept in the file's 32-bit width: four int64 columns cost 35 MB on a 1.9 M-node heap.
            self.location_node, self.location_script, self.location_line, self.location_column = columns
        else:
            self.location_node = np.zeros(0, dtype=np.int64)
            self.location_script = self.location_node
            self.location_line = self.location_node
            self.location_column = self.location_node

    def _sorted_locations(self, locations: npt.NDArray[Any], positions: list[int]) -> list[npt.NDArray[Any]]:
        """The location columns in node order, for rows the compiled pass does not take."""
        indexes = locations[:, positions[0]]
        if int(indexes.max()) >= self.node_count * self.node_fields_width:
            raise self._corrupt("a location points past the last node")
        if np.any(indexes % self.node_fields_width):
            raise self._corrupt("a location points into the middle of a node")
        objects = indexes // self.node_fields_width
        # V8 often writes locations in node order; sort only when a file does not.
        if len(objects) > 1 and bool(np.any(objects[1:] < objects[:-1])):
            order = _order_by_node(objects, self.node_count)
            objects = objects[order]
            locations = np.take(locations, order, axis=0)  # whole rows: one gather, not four
        columns = [np.ascontiguousarray(locations[:, at]) for at in positions[1:]]
        return [np.ascontiguousarray(objects), *columns]

    def release_sources(self) -> None:
        """Drop what only maps a snapshot's objects to source: locations, allocation traces, detachedness.

        The earlier snapshots of a hunt are compared by id, class and graph; only the
        final one is mapped to lines, so theirs would only hold memory.
        """
        empty = np.zeros(0, dtype=np.uint32)
        self.location_node = self.location_script = self.location_line = self.location_column = empty
        self.trace_node_id = None
        self.detachedness = None
        self.trace_tree = []
        self.trace_function_infos = np.zeros((0, self.trace_function_infos.shape[1]), dtype=np.uint32)
        self.samples = np.zeros((0, self.samples.shape[1]), dtype=np.uint32)

    # ------------------------------------------------------------ loading

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        progress: ProgressCallback | None = None,
        *,
        sources: bool = True,
        dominators_in: Executor | None = None,
    ) -> HeapSnapshot:
        """Read and check a file; ``sources=False`` loads it as :meth:`release_sources` leaves it.

        ``dominators_in``: an executor (another core) in which the dominator tree starts as
        soon as the graph's columns are parsed, while the rest of the file (the strings, the
        locations) is still read: it needs only the graph, the edge types and the sizes. Its
        first use waits for it. A file that turns out unusable is still refused here; the
        tree of its columns is then never used.
        """
        pending: list[Future[_DominatorTree]] = []

        def graph_parsed(
            meta: SnapshotMeta, nodes: dict[str, npt.NDArray[Any]], edges: dict[str, npt.NDArray[Any]]
        ) -> None:
            if dominators_in is not None:
                pending.append(dominators_in.submit(_dominator_tree_of_columns, meta, nodes, edges))

        raw = read_snapshot(
            path, progress, sources=sources, graph_parsed=graph_parsed if dominators_in else None
        )
        if progress:
            progress(Progress(Phase.COLUMNS, 0, 1))
        snapshot = cls(raw)
        if pending:
            snapshot._pending_dominator_tree = pending[0]
        if not sources:
            snapshot.release_sources()  # the same empty arrays as a snapshot released after loading
        if progress:
            progress(Progress(Phase.COLUMNS, 1, 1))
        return snapshot

    def initialize(self, progress: ProgressCallback | None = None) -> None:
        """Compute every derived index now, phase by phase, reporting the start and end of each."""
        phases: list[tuple[Phase, Callable[[], object]]] = [
            (Phase.RETAINERS, lambda: self.retainers),
            (Phase.DISTANCES, lambda: self.distances),
            (Phase.DOMINATORS, lambda: self.dominators),
            (Phase.RETAINED_SIZES, lambda: self.retained_sizes),
            (Phase.CLASSES, lambda: self.class_index),
        ]
        for phase, compute in phases:
            if progress:
                progress(Progress(phase, 0, 1))
            compute()
            if progress:
                progress(Progress(phase, 1, 1))

    # ------------------------------------------------------------ types and names

    def node_type_id(self, name: str) -> int:
        """The numeric code of a node type, or -1 if this V8 does not have it."""
        return self._node_type_ids.get(name, -1)

    def of_types(self, *names: str) -> npt.NDArray[np.bool_]:
        """Per node: its type is one of ``names`` (one comparison of the byte column per type)."""
        mask = np.zeros(self.node_count, dtype=bool)
        for name in names:
            code = self.node_type_id(name)
            if code >= 0:
                mask |= self.node_type == code
        return mask

    def edge_type_id(self, name: str) -> int:
        return self._edge_type_ids.get(name, -1)

    def string_id(self, text: str) -> int:
        """Index of ``text`` in the strings table, or -1. Cached; one C-speed scan per miss."""
        cached = self._string_ids.get(text)
        if cached is not None:
            return cached
        try:
            found = self.strings.index(text)
        except ValueError:
            found = -1
        self._string_ids[text] = found
        return found

    def type_name(self, node: int) -> str:
        return self.meta.node_types[int(self.node_type[node])]

    def name(self, node: int) -> str:
        return self.strings[int(self.node_name[node])]

    def edge_type_name(self, edge: int) -> str:
        return self.meta.edge_types[int(self.edge_type[edge])]

    def edge_name(self, edge: int) -> str:
        """The property name, or the element index as text, as DevTools shows it."""
        value = int(self.edge_name_or_index[edge])
        if self.edge_type_name(edge) in _INDEX_EDGE_TYPES:
            return str(value)
        if value < len(self.strings):
            return self.strings[value]
        return str(value)

    @cached_property
    def class_index(self) -> npt.NDArray[np.int32]:
        """Per node, an index into :attr:`class_names`: DevTools' Summary grouping."""
        string_count = len(self.strings)
        # A node's key is its name for objects and natives, else a group past the names, one
        # per display name (string, concatenated and sliced strings are all "(string)").
        display = [_TYPE_CLASS_NAMES.get(t, f"({t})") for t in self.meta.node_types]
        type_key = np.array(
            [
                -1 if type_name in ("object", "native") else string_count + display.index(name)
                for type_name, name in zip(self.meta.node_types, display, strict=True)
            ],
            dtype=np.int64,
        )
        key_count = string_count + len(self.meta.node_types)
        classes, key_class = _native.class_index(self.node_type, self.node_name, type_key, key_count)
        self._class_keys = np.flatnonzero(key_class >= 0)
        return classes

    @cached_property
    def class_names(self) -> list[str]:
        self.class_index  # noqa: B018 - computes _class_keys
        keys = self._class_keys
        string_count = len(self.strings)
        names: list[str] = []
        for key in keys.tolist():
            if key < string_count:
                names.append(self.strings[key] or "(anonymous)")
            else:
                type_name = self.meta.node_types[key - string_count]
                names.append(_TYPE_CLASS_NAMES.get(type_name, f"({type_name})"))
        return names

    @cached_property
    def class_top_level(self) -> npt.NDArray[np.bool_]:
        """Per node: no dominator shares its class; sum retained sizes over these per class."""
        return _native.class_top_level(ROOT, self.dominators, self.class_index, len(self.class_names))

    def class_name(self, node: int) -> str:
        return self.class_names[int(self.class_index[node])]

    # ------------------------------------------------------------ ids and edges

    @cached_property
    def _id_index(self) -> _native.IdIndex:
        """The id lookup: a table for the odd ids below a bound, a sorted list for the rest.

        V8 numbers heap objects 1, 3, 5, ... in allocation order, so nearly every id of a
        process is odd and below a small multiple of its live node count: a table of half
        that many slots answers those in one step each. The few others (native objects
        can carry even, address-like ids) go through a binary search.
        """
        bound = min(_ID_TABLE_NODES_FACTOR * self.node_count + (1 << 16), 1 << 31)
        return _native.IdIndex(self.node_id, bound)

    def node_by_id(self, node_id: int) -> int:
        """Ordinal of the node with this V8 id, or -1."""
        return int(self.nodes_by_ids(np.array([node_id], dtype=np.int64))[0])

    def nodes_by_ids(self, node_ids: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
        """Vectorised :meth:`node_by_id`; -1 where an id is absent. One compiled pass, the query unsorted."""
        return self._id_index.find(node_ids)

    def has_nodes_of(self, other: HeapSnapshot) -> npt.NDArray[np.bool_]:
        """Per node of ``other``: this snapshot has a node of its id (read-only).

        The answer for the last snapshot asked about is kept: an analysis asks it of the
        baseline and the final snapshot three times (same process, survivors, comparison).
        """
        last = self._nodes_of
        if last is not None and last[0]() is other:
            return last[1]
        found = self.contains_ids(other.node_id)
        found.flags.writeable = False
        self._nodes_of = (weakref.ref(other), found)
        return found

    def contains_ids(self, node_ids: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
        """Which of ``node_ids`` this snapshot has, for whole columns of another snapshot's ids."""
        return self._id_index.contains(node_ids)[0]

    def edges_of(self, node: int) -> range:
        return range(int(self.first_edge[node]), int(self.first_edge[node + 1]))

    def children(self, node: int) -> Iterator[tuple[int, int]]:
        """(edge index, target ordinal) for each outgoing edge."""
        for edge in self.edges_of(node):
            yield edge, int(self.edge_to[edge])

    def find_edge(self, node: int, edge_name: str, edge_type: str | None = None) -> int:
        """Target ordinal of the first edge named ``edge_name`` (string-named edges only), or -1."""
        name_id = self.string_id(edge_name)
        if name_id < 0:
            return -1
        start, end = int(self.first_edge[node]), int(self.first_edge[node + 1])
        names = self.edge_name_or_index[start:end]
        types = self.edge_type[start:end]
        match = (names == name_id) & ~self._index_edge_types[types]
        if edge_type is not None:
            match &= types == self.edge_type_id(edge_type)
        hits = np.flatnonzero(match)
        return int(self.edge_to[start + hits[0]]) if len(hits) else -1

    @cached_property
    def _index_edge_types(self) -> npt.NDArray[np.bool_]:
        """Per edge type: its name_or_index is an index, not a string."""
        table = np.zeros(len(self.meta.edge_types), dtype=bool)
        for name in _INDEX_EDGE_TYPES:
            if name in self._edge_type_ids:
                table[self._edge_type_ids[name]] = True
        return table

    @cached_property
    def retainers(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint32]]:
        """CSR of incoming edges: (first per node [N+1], edge index [E]).

        An edge's source is found from :attr:`first_edge` when asked for, rather than
        stored: a source column would cost 4 bytes per edge for the few paths read.
        """
        return _native.build_retainer_edges(self.graph)

    def retainers_of(self, node: int) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
        """(edge indexes, source ordinals) of the edges that point at ``node``, in edge order.

        The first few nodes asked about are answered by a scan of the edge targets (a few
        ms each), so that an analysis asking about a handful of holders never holds the
        retainer index (4 bytes per edge); later ones build it. A scanned node's answer is
        kept (read-only): the rules ask about the same holder several times (its names,
        its closures' file, its listeners' store), and each scan reads every edge.
        """
        scanned = self._scanned_retainers
        if "retainers" not in self.__dict__:
            known = scanned.get(node)
            if known is not None:
                return known
            if len(scanned) < _RETAINER_SCANS:
                found = np.flatnonzero(self.edge_to == self.edge_to.dtype.type(node)).astype(np.uint32)
                answer = found, self._edge_sources(found)
                for part in answer:
                    part.flags.writeable = False
                scanned[node] = answer
                return answer
        first, edges = self.retainers
        found = edges[int(first[node]) : int(first[node + 1])]
        return found, self._edge_sources(found)

    def _edge_sources(self, edges: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
        """The node each of ``edges`` comes from (edges are stored in their source's order)."""
        positions = np.searchsorted(self.first_edge, edges, side="right") - 1
        sources: npt.NDArray[np.uint32] = positions.astype(np.uint32)
        return sources

    # ------------------------------------------------------------ graph algorithms

    def path_tree(
        self,
        preferred: _native.EdgeRules,
        any_follow: npt.NDArray[np.uint8],
        first_seeds: npt.NDArray[np.int64],
        second_seeds: npt.NDArray[np.int64],
        reachable: npt.NDArray[np.bool_] | None = None,
        *,
        parents: bool = True,
        marked: npt.NDArray[np.bool_] | None = None,
    ) -> _native.PathTree:
        """A three-phase breadth-first tree from the root's edges, best-ranked edge first: see
        :func:`heapscope.snapshot._native.path_tree`."""
        return _native.path_tree(
            ROOT,
            self.graph,
            self.edge_type,
            self.edge_name_or_index,
            self.node_type,
            preferred,
            any_follow,
            first_seeds,
            second_seeds,
            reachable,
            parents=parents,
            marked=marked,
        )

    def edge_names_of_type(self, type_name: str) -> npt.NDArray[np.bool_]:
        """Per string: some edge of type ``type_name`` is named by it (none when there is no such type)."""
        type_id = self.edge_type_id(type_name)
        if type_id < 0:
            return np.zeros(len(self.strings), dtype=bool)
        return _native.edge_names_of_type(self.edge_type, self.edge_name_or_index, type_id, len(self.strings))

    @cached_property
    def distances(self) -> npt.NDArray[np.int32]:
        """Hops from the root along non-weak edges; -1 for unreachable nodes."""
        return _native.distances(ROOT, self.graph, self.edge_type, self.edge_type_id("weak"))

    def reachable(self) -> npt.NDArray[np.bool_]:
        """Per node: reached from the root over non-weak edges (where :attr:`distances` is >= 0).

        Once the dominator tree is built, its DFS already says which nodes it reached over
        essential edges; that is the same set when every shortcut edge from a reached node
        other than the root leads to a reached node (the only edges the two walks differ
        on), which a look at the few shortcut edges settles. The breadth-first distances
        are computed only when that does not hold, or no dominator tree is built.
        """
        if "_dominator_tree" in self.__dict__ and "distances" not in self.__dict__:
            reached = np.zeros(self.node_count, dtype=bool)
            reached[self.dominator_reachable] = True
            shortcut = self.edge_type_id("shortcut")
            after_root = int(self.first_edge[ROOT + 1])
            if shortcut < 0:
                return reached
            edges = np.flatnonzero(self.edge_type[after_root:] == shortcut) + after_root
            sources = np.searchsorted(self.first_edge, edges, side="right") - 1
            if not np.any(reached[sources] & ~reached[self.edge_to[edges]]):
                return reached
        reachable: npt.NDArray[np.bool_] = self.distances >= 0
        return reachable

    def build_dominators_in(self, executor: Executor) -> None:
        """Start the dominator tree in ``executor`` (another core) unless it is built or under
        way; its first use waits for it."""
        if self._pending_dominator_tree is None and "_dominator_tree" not in self.__dict__:
            self._pending_dominator_tree = executor.submit(
                _dominator_tree_of, self.graph, self.meta, self.edge_type, self.self_size
            )

    @cached_property
    def _dominator_tree(self) -> _DominatorTree:
        pending = self._pending_dominator_tree
        if pending is not None:
            # Computed from the very arrays this snapshot holds (checked since). Should it
            # have failed or been dropped, it is computed again here, where its error is
            # raised as the caller expects.
            with contextlib.suppress(Exception):
                return pending.result()
        return _dominator_tree_of(self.graph, self.meta, self.edge_type, self.self_size)

    @property
    def dominators(self) -> npt.NDArray[np.uint32]:
        """Immediate dominator per node (semi-NCA over essential edges).

        Weak edges never retain, shortcut edges only from the root; unreachable nodes are
        given the root, as DevTools does.
        """
        return self._dominator_tree[0]

    @property
    def dominator_reachable(self) -> npt.NDArray[np.uint32]:
        """Nodes reached from the root over essential edges, in DFS preorder."""
        return self._dominator_tree[1]

    @property
    def retained_sizes(self) -> npt.NDArray[np.uint64]:
        return self._dominator_tree[2]

    def nearest_marked_dominator(self, marked: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint32]:
        """Per node, the closest node on its dominator chain (itself included) that is ``marked``.

        The root counts as marked: nodes no marked node dominates map to the root.
        """
        return _native.nearest_marked(ROOT, self.dominators, self.dominator_reachable, marked)

    def container_measures(
        self, anchors: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint64]]:
        """(per node, its nearest anchor on the dominator chain or the root; per anchor, its retained size).

        Exactly what the dominator tree says, without building it for the whole heap when it
        is not built yet: see :meth:`container_measures_with`.
        """
        owner, anchor_retained, _ = self.container_measures_with(anchors, np.zeros(0, dtype=np.int64))
        return owner, anchor_retained

    def container_measures_with(
        self, anchors: npt.NDArray[np.int64], others: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
        """:meth:`container_measures` of ``anchors``, and the retained sizes of ``others`` too.

        The nodes reachable from the root without entering an anchor or another are
        dominated by none of them, so only the part of the graph past them needs a dominator
        tree, computed on that part alone under one root standing for the rest. That tree is
        exact for every node of the part, whichever nodes bound it: one walk serves the
        anchors' ownership and sizes and the others' sizes.
        """
        if "_dominator_tree" in self.__dict__:
            return self._measures_from_tree(anchors, others)
        # One flag per node in the kernel's own type, so it is handed over without a copy;
        # zeroed pages nobody writes cost nothing.
        blocked = np.zeros(self.node_count, dtype=np.uint8)
        blocked[anchors] = 1
        blocked[others] = 1
        if blocked[ROOT]:
            return self._measures_from_tree(anchors, others)
        weak, shortcut = self.edge_type_id("weak"), self.edge_type_id("shortcut")
        state = _native.reach_past(ROOT, self.graph, self.edge_type, weak, shortcut, blocked)
        below = np.flatnonzero(state >= _native.PAST_BLOCKED)  # ascending ordinals
        starts = self.first_edge[below]
        counts = self.first_edge[below + 1] - starts
        total = int(counts.sum())
        if total > _PART_EDGES_SHARE * self.edge_count:  # most of the heap hangs below them
            return self._measures_from_tree(anchors, others)
        # Every edge of the part, in node order, and the ones that stay inside it.
        offsets = np.cumsum(counts) - counts
        edges = np.repeat(starts - offsets, counts) + np.arange(total, dtype=np.int64)
        targets = self.edge_to[edges]
        keep = state[targets] >= _native.PAST_BLOCKED
        source = np.repeat(np.arange(len(below), dtype=np.int64), counts)[keep]
        entered = np.flatnonzero(state[below] == _native.ENTERED_BLOCKED)
        # Node 0 stands for everything reached before the anchors; part node i + 1 is below[i].
        kept_per_node = np.bincount(source, minlength=len(below))
        first = np.zeros(len(below) + 2, dtype=np.int64)
        first[1] = len(entered)
        np.cumsum(kept_per_node, out=first[2:])
        first[2:] += len(entered)
        plain = next(i for i in range(len(self.meta.edge_types)) if i not in (weak, shortcut))
        edge_to = np.concatenate([entered + 1, np.searchsorted(below, targets[keep]) + 1]).astype(np.uint32)
        edge_type = np.concatenate(
            [np.full(len(entered), plain, dtype=np.uint8), self.edge_type[edges[keep]]]
        )
        sizes = np.concatenate([np.zeros(1, dtype=np.uint64), self.self_size[below]])
        part = _native.Graph(first, edge_to)  # built here, so checked here
        idom, order, retained = _native.dominators_and_retained_sizes(
            0, part, edge_type, weak, shortcut, sizes
        )
        # The anchors among the part's nodes (``below`` is ascending), part node i + 1 for below[i].
        part_marked = np.zeros(len(below) + 1, dtype=bool)
        at = np.searchsorted(below, anchors)
        inside = at < len(below)
        inside[inside] = below[at[inside]] == anchors[inside]
        part_marked[at[inside] + 1] = True
        part_owner = _native.nearest_marked(0, idom, order, part_marked)[1:].astype(np.int64)
        owner = _native.fresh_array(self.node_count, np.uint32)
        owner.fill(ROOT)
        owned = part_owner > 0
        owner[below[owned]] = below[part_owner[owned] - 1]
        unreached = anchors[state[anchors] == _native.UNREACHED]  # an anchor nothing reaches owns itself
        owner[unreached] = unreached

        def sizes_of(nodes: npt.NDArray[np.int64]) -> npt.NDArray[np.uint64]:
            # A node nothing reaches keeps its own size, as the full dominator tree gives it.
            result: npt.NDArray[np.uint64] = self.self_size[nodes].copy()
            inside = state[nodes] >= _native.PAST_BLOCKED
            result[inside] = retained[np.searchsorted(below, nodes[inside]) + 1]
            return result

        return owner, sizes_of(anchors), sizes_of(others)

    def _measures_from_tree(
        self, anchors: npt.NDArray[np.int64], others: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
        marked = np.zeros(self.node_count, dtype=bool)
        marked[anchors] = True
        return (
            self.nearest_marked_dominator(marked),
            self.retained_sizes[anchors],
            self.retained_sizes[others],
        )

    @property
    def total_size(self) -> int:
        return int(self.self_size.sum(dtype=np.uint64))

    def retainer_path(self, node: int) -> list[RetainerHop]:
        """Shortest path from the root to ``node`` over non-weak edges.

        At each hop back we pick a retainer one step closer to the root, preferring a
        property, element or context edge over an internal one, so the path reads like
        code ("cache -> entries -> 42") rather than like V8 internals. Empty when
        the node is unreachable.
        """
        distances = self.distances
        if distances[node] < 0:
            return []
        weak = self.edge_type_id("weak")
        internal_ids = np.array([self.edge_type_id(t) for t in _INTERNAL_EDGE_TYPES], dtype=np.int64)
        hops: list[RetainerHop] = []
        current = node
        while current != ROOT:
            edges, sources = self.retainers_of(current)
            want = distances[current] - 1
            types = self.edge_type[edges]
            usable = (distances[sources] == want) & (types != weak)
            candidates = np.flatnonzero(usable)
            if not len(candidates):  # cannot happen for a BFS distance; be safe
                return []
            plain = candidates[~np.isin(types[candidates], internal_ids)]
            choice = int(plain[0]) if len(plain) else int(candidates[0])
            hops.append(RetainerHop(node=current, edge=int(edges[choice])))
            current = int(sources[choice])
        hops.append(RetainerHop(node=ROOT, edge=-1))
        hops.reverse()
        return hops

    # ------------------------------------------------------------ source locations

    def location(self, node: int) -> SourceLocation | None:
        """Where V8 says this object's function was defined (closures, and objects by constructor)."""
        if node < 0:
            return None
        # The key in the column's own dtype: a Python int against the 32-bit column would
        # have numpy copy the whole column to 64 bits on every call.
        key = np.asarray(node, dtype=self.location_node.dtype)
        position = int(np.searchsorted(self.location_node, key))
        if position < len(self.location_node) and int(self.location_node[position]) == node:
            return SourceLocation(
                script_id=int(self.location_script[position]),
                line=int(self.location_line[position]),
                column=int(self.location_column[position]),
            )
        return None

    def script_node_of(self, node: int) -> int:
        """The Script node behind a closure (closure -> shared -> script), or -1."""
        shared = self.find_edge(node, "shared")
        if shared < 0:
            return -1
        for edge_name in ("script_or_debug_info", "script"):
            script = self.find_edge(shared, edge_name)
            if script >= 0:
                return script
        return -1

    def script_name_of(self, node: int) -> str | None:
        """The URL or path of the script that defined a closure, from the snapshot alone."""
        script = self.script_node_of(node)
        if script < 0:
            return None
        name_node = self.find_edge(script, "name")
        if name_node >= 0 and self.type_name(name_node) in ("string", "concatenated string", "sliced string"):
            text = self.name(name_node)
            if text:
                return text
        text = self.name(script)
        return text or None

    @cached_property
    def script_names(self) -> dict[int, str]:
        """Script id -> URL/path, recovered from the graph via each script's closures.

        Offline snapshots and js-debug's CDP proxy give no ``Debugger.scriptParsed``
        events, so this is the primary way to map locations to files.
        """
        closure = self.node_type_id("closure")
        result: dict[int, str] = {}
        if not len(self.location_node):
            return result
        is_closure = self.node_type[self.location_node] == closure
        script_ids = self.location_script[is_closure]
        nodes = self.location_node[is_closure]
        order = np.argsort(script_ids, kind="stable")
        script_ids, nodes = script_ids[order], nodes[order]
        boundaries = np.flatnonzero(np.diff(script_ids)) + 1
        for group in np.split(np.arange(len(script_ids)), boundaries):
            if not len(group):
                continue
            for candidate in group[:8].tolist():  # a few tries: some closures lack a script
                name = self.script_name_of(int(nodes[candidate]))
                if name:
                    result[int(script_ids[group[0]])] = name
                    break
        return result

    # ------------------------------------------------------------ allocation traces

    @cached_property
    def trace_nodes(self) -> dict[str, npt.NDArray[np.int64]]:
        """Flattened ``trace_tree``: arrays id, function_info_index, parent_id (0 at the top).

        Present only when the snapshot was taken with allocation tracking on.
        """
        fields = self.meta.trace_node_fields or ["id", "function_info_index", "count", "size", "children"]
        width = len(fields)
        id_at = fields.index("id")
        function_at = fields.index("function_info_index")
        children_at = fields.index("children")
        ids: list[int] = []
        functions: list[int] = []
        parents: list[int] = []
        stack: list[tuple[list[Any], int]] = [(self.trace_tree, 0)]
        while stack:
            flat, parent = stack.pop()
            for start in range(0, len(flat) - width + 1, width):
                node_id = int(flat[start + id_at])
                ids.append(node_id)
                functions.append(int(flat[start + function_at]))
                parents.append(parent)
                children = flat[start + children_at]
                if isinstance(children, list) and children:
                    stack.append((children, node_id))
        return {
            "id": np.array(ids, dtype=np.int64),
            "function_info_index": np.array(functions, dtype=np.int64),
            "parent_id": np.array(parents, dtype=np.int64),
        }


def _dominator_tree_of(
    graph: _native.Graph,
    meta: SnapshotMeta,
    edge_type: npt.NDArray[np.uint8],
    self_size: npt.NDArray[np.uint64],
) -> _DominatorTree:
    # Retained sizes come out of the same kernel call: summing them there, in DFS
    # order, is nearly free, while a separate pass costs another random walk.
    type_ids = {name: i for i, name in enumerate(meta.edge_types)}
    return _native.dominators_and_retained_sizes(
        ROOT, graph, edge_type, type_ids.get("weak", -1), type_ids.get("shortcut", -1), self_size
    )


def _dominator_tree_of_columns(
    meta: SnapshotMeta, nodes: dict[str, npt.NDArray[Any]], edges: dict[str, npt.NDArray[Any]]
) -> _DominatorTree:
    """The dominator tree of the columns the loader parsed, before the snapshot that will
    hold them exists: the kernel refuses arrays that are not a graph, as it does any."""
    graph = _native.Graph(nodes["first_edge"], edges["to_node"])
    return _dominator_tree_of(graph, meta, edges["type"], nodes["self_size"])


def _order_by_node(objects: npt.NDArray[Any], node_count: int) -> npt.NDArray[Any]:
    """The stable order of the rows that sorts ``objects`` (node ordinals below ``node_count``).

    V8 gives an object one location at most: then a table of the row naming each node,
    read in node order, is that order in one pass (3 ms where a stable sort of a million
    keys took 20). When a node is named twice, the table cannot hold both: sort instead.
    """
    if len(objects) < np.iinfo(np.int32).max:
        row_of = np.full(node_count, -1, dtype=np.int32)
        row_of[objects] = np.arange(len(objects), dtype=np.int32)
        order = row_of[row_of >= 0]
        if len(order) == len(objects):
            return order
    return np.argsort(objects, kind="stable")


def load_snapshot(
    path: str | os.PathLike[str],
    progress: ProgressCallback | None = None,
    *,
    sources: bool = True,
    dominators_in: Executor | None = None,
) -> HeapSnapshot:
    """Load a ``.heapsnapshot`` file; raises :class:`SnapshotError` with a one-line reason.

    ``sources=False`` leaves out what only maps objects to source (see :func:`read_snapshot`),
    for a snapshot that is compared but never mapped to lines. ``dominators_in``: see
    :meth:`HeapSnapshot.load`.
    """
    return HeapSnapshot.load(path, progress, sources=sources, dominators_in=dominators_in)

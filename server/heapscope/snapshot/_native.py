"""ctypes bindings for the compiled kernels in ``_kernels.c``.

The kernel is an extension module built against Python's stable ABI (one build serves every
CPython from 3.10 on); we load its shared object with ctypes so the C code can take raw numpy
buffers without numpy headers. Every array parameter is typed with its dtype, so ctypes refuses
a wrong array at the call instead of the C code reading it as something else.
"""

from __future__ import annotations

import ctypes
import mmap
import os
import sys
import weakref
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import numpy.typing as npt

from . import _kernels

# HEAPSCOPE_KERNEL_LIBRARY names another build of the same source: the tests run once
# more against one compiled with AddressSanitizer and UBSan (make test-kernel-sanitizers).
_KERNEL_FILE = os.environ.get("HEAPSCOPE_KERNEL_LIBRARY") or _kernels.__file__
_lib = ctypes.CDLL(_KERNEL_FILE)

# The calling convention these bindings expect (HS_ABI_VERSION in _kernels.c). A kernel
# compiled from an older _kernels.c would read the arguments below differently, so it is
# refused here, by name (ImportError.name), and the command line says so in one sentence.
ABI_VERSION = 9
_abi = getattr(_lib, "hs_abi_version", None)
if _abi is None or _abi() != ABI_VERSION:
    raise ImportError(
        f"the compiled kernel {_KERNEL_FILE} is out of date (built from an older _kernels.c): "
        "rebuild it with make install",
        name=_kernels.__name__,
        path=_KERNEL_FILE,
    )

# Below this, numpy's own allocation is as good; above it, see fresh_array.
_FRESH_MAPPING_BYTES = 4 << 20


def fresh_array(length: int, dtype: npt.DTypeLike) -> npt.NDArray[Any]:
    """An uninitialised 1-D array for a kernel to fill, backed by small pages.

    numpy asks the kernel for transparent huge pages on large arrays. On a VM whose host
    takes back freed guest memory (the machines this was measured on do), each fresh huge
    page then costs a host fault for 2 MB at once: a 680 MB load took 1.4 s on cold memory
    and 0.7 s on warm. With ordinary pages it takes 0.9-1.0 s cold and 0.85 s warm
    (bench/run.py), and the kernels' random accesses measured no slower. An anonymous
    mapping gets ordinary pages wherever huge pages are only given on request.
    """
    kind = np.dtype(dtype)
    size = max(length, 1) * kind.itemsize
    if size < _FRESH_MAPPING_BYTES:
        return np.empty(max(length, 1), dtype=kind)[:length]
    try:
        if sys.platform == "win32":
            mapping = mmap.mmap(-1, size)
        else:
            # Private: Python's default for an anonymous mapping is MAP_SHARED, which Linux
            # backs with shared memory (a file on an internal tmpfs), and those pages took
            # twice the kernel time to fault in and free (0.95 s against 0.47 s per GB).
            mapping = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE)
    except OSError as error:  # ENOMEM: the same condition numpy reports as MemoryError
        raise MemoryError(f"cannot allocate {size:,} bytes") from error
    return np.frombuffer(mapping, dtype=kind)[:length]


_i64 = ctypes.c_int64
_ptr = ctypes.c_void_p
_int = ctypes.c_int


def _array(dtype: type[np.generic], out: bool = False) -> type[Any]:
    """The argument type of a C array parameter: ctypes refuses, at the call, any argument that
    is not a 1-D C-contiguous numpy array of exactly this dtype (and writable, for outputs)."""
    flags: list[Literal["C_CONTIGUOUS", "WRITEABLE"]] = (
        ["C_CONTIGUOUS", "WRITEABLE"] if out else ["C_CONTIGUOUS"]
    )
    return np.ctypeslib.ndpointer(dtype=dtype, ndim=1, flags=flags)


# One line per C prototype in _kernels.c, in its parameter order; tests/snapshot/test_bindings.py
# reads the prototypes and checks these against them. Text buffers (the snapshot file) and the
# parsers' outputs, whose element type the caller picks, stay untyped pointers.
_I64, _U32, _U8, _U64, _I32 = (_array(t) for t in (np.int64, np.uint32, np.uint8, np.uint64, np.int32))
_I64_OUT, _U32_OUT, _U8_OUT, _U64_OUT, _I32_OUT = (
    _array(t, out=True) for t in (np.int64, np.uint32, np.uint8, np.uint64, np.int32)
)
SIGNATURES: dict[str, tuple[Any, list[Any]]] = {
    "hs_abi_version": (_int, []),
    "hs_parse_uint_array": (_i64, [_ptr, _i64, _i64, _ptr, _int, _i64, ctypes.POINTER(_i64)]),
    "hs_parse_columns": (
        _i64,
        [_ptr, _i64, _i64, _i64, _i64, _ptr, _ptr, _i64, _i64, _int, *[ctypes.POINTER(_i64)] * 2],
    ),
    "hs_locations_by_node": (_i64, [_U32, _i64, _i64, _I64, _i64, _i64, _I32_OUT, *[_U32_OUT] * 4]),
    "hs_find_byte": (_i64, [_ptr, _i64, _i64, _int]),
    "hs_skip_value": (_i64, [_ptr, _i64, _i64]),
    "hs_check_graph": (_int, [_i64, _i64, _I64, _U32]),
    "hs_build_retainer_edges": (_int, [_i64, _i64, _I64, _U32, _int, _I64_OUT, _U32_OUT]),
    "hs_distances": (_int, [_i64, _i64, _i64, _I64, _U32, _int, _U8, _int, _I32_OUT]),
    "hs_path_tree": (
        _int,
        [
            *[_i64, _i64, _i64, _I64, _U32, _int, _U8, _U32, _U8],  # the graph, edge names, node types
            *[_U8, _U8, _U8, _i64, _U8, _i64, _U8, _i64, _U8],  # the rules' tables and their lengths
            *[_I64, _i64, _I64, _i64, _U8, _i64],  # the seeds of both phases, the nodes phase 3 serves
            *[_I32_OUT, _I64_OUT, _i64, _I64_OUT, _i64, _U8, _U32_OUT, _i64],  # the tree, the owners
        ],
    ),
    "hs_edge_names_of_type": (_int, [_i64, _U8, _U32, _i64, _i64, _U8_OUT]),
    "hs_nearest_marked_up": (_int, [_i64, _i64, _I64, _U8, _I64_OUT]),
    "hs_dominators": (
        _i64,
        [_i64, _i64, _i64, _I64, _U32, _int, _U8, _int, _int, _U32_OUT, _U32_OUT, _U64, _U64_OUT],
    ),
    "hs_class_top_level": (_int, [_i64, _i64, _U32, _I32, _i64, _U8_OUT]),
    "hs_nearest_marked": (_int, [_i64, _i64, _U32, _i64, _U32, _U8, _U32_OUT]),
    "hs_reach_past": (_int, [_i64, _i64, _i64, _I64, _U32, _int, _U8, _int, _int, _U8, _U8_OUT]),
    "hs_id_slots": (_i64, [_i64, _ptr, _int, _i64, ctypes.POINTER(_i64)]),
    "hs_id_table": (_int, [_i64, _ptr, _int, _i64, _I32_OUT, _i64, _I64_OUT, _i64]),
    "hs_lookup_ids": (_i64, [_i64, _ptr, _int, _I32, _i64, _U64, _I64, _i64, _ptr, _int]),
    "hs_class_index": (_i64, [_i64, _U8, _U32, _i64, _I64, _i64, _I32_OUT, _I32_OUT]),
}
for _name, (_restype, _argtypes) in SIGNATURES.items():
    _function = getattr(_lib, _name)
    _function.restype = _restype
    _function.argtypes = _argtypes

PARSE_ERRORS = {
    -1: "expected '['",
    -2: "unexpected character",
    -3: "more values than the header announces",
    -4: "the file ends inside the array (truncated?)",
    -5: "a number too large",
    -7: "an edge points past the last node (corrupt snapshot)",
    -8: "an edge points into the middle of a node (corrupt snapshot)",
    -9: "the nodes' edge counts add up to more than any file can hold (corrupt snapshot)",
}
# What the graph kernels return for arrays that are not a valid graph (see check_graph).
_CORRUPT = -3


class GraphError(ValueError):
    """Arrays handed to a kernel that do not describe a graph; the kernel refused to walk them.

    The loader validates every array before any kernel runs, so this means a caller
    built the arrays wrongly; the checks here and in the kernels (a :class:`Graph` is checked
    as it is built) keep that from reading out of bounds.
    """


def _require(array: npt.NDArray[Any], dtype: Any, length: int, name: str) -> None:
    """The kernel trusts the lengths and types it is given: check them here."""
    if array.dtype != np.dtype(dtype) or array.ndim != 1 or len(array) != length:
        raise GraphError(f"{name} is {array.dtype}[{len(array)}], expected {np.dtype(dtype)}[{length}]")
    if not array.flags.c_contiguous:
        raise GraphError(f"{name} is not contiguous")


def _require_graph(first_edge: npt.NDArray[Any], edge_to: npt.NDArray[Any]) -> tuple[int, int]:
    node_count = len(first_edge) - 1
    _require(first_edge, np.int64, max(node_count, 0) + 1, "first_edge")
    _require(edge_to, np.uint32, len(edge_to), "edge_to")
    if node_count < 1:
        raise GraphError("a graph needs at least one node")
    return node_count, len(edge_to)


def check_graph(first_edge: npt.NDArray[np.int64], edge_to: npt.NDArray[np.uint32]) -> bool:
    """True when ``first_edge`` is a CSR index over ``edge_to`` and every target is a node."""
    try:
        node_count, edge_count = _require_graph(first_edge, edge_to)
    except GraphError:
        return False
    return int(_lib.hs_check_graph(node_count, edge_count, first_edge, edge_to)) == 0


# The OFFSETS and ORDINAL columns hs_parse_columns filled completely, by identity, with the
# node count the ORDINAL targets were checked against (OFFSETS: the rows parsed). The parser
# checked them as it parsed (-7, -8, -9 of PARSE_ERRORS): running sums from 0 that never
# decrease, targets below the node count. They are made read-only when recorded.
_PARSED: weakref.WeakValueDictionary[int, npt.NDArray[Any]] = weakref.WeakValueDictionary()
_PARSED_NODE_COUNT: dict[int, tuple[int, int]] = {}  # id -> (kind, node count)


def _record_parsed(column: npt.NDArray[Any], kind: int, node_count: int) -> None:
    column.flags.writeable = False
    key = id(column)
    _PARSED[key] = column
    _PARSED_NODE_COUNT[key] = (kind, node_count)
    weakref.finalize(column, _PARSED_NODE_COUNT.pop, key, None)


def _parsed_as(column: npt.NDArray[Any], kind: int, node_count: int) -> bool:
    key = id(column)
    return (
        _PARSED.get(key) is column
        and not column.flags.writeable
        and _PARSED_NODE_COUNT.get(key) == (kind, node_count)
    )


class Graph:
    """A CSR graph (``first_edge`` [N+1] int64, ``edge_to`` [E] uint32) known to be one.

    The graph kernels take a Graph and skip their own pass over every offset and edge target
    (graph_checked in _kernels.c): that pass is what keeps a kernel from reading or writing
    outside its buffers, so a Graph is built only where it was made. The constructor checks
    the arrays with hs_check_graph, unless both are columns hs_parse_columns filled and
    checked itself (the edge targets against this very node count); either way they are
    held read-only (a copy is taken of an array that is a writable view of something else),
    so no later write through this object or the arrays it holds changes what was checked.
    """

    __slots__ = ("edge_count", "edge_to", "first_edge", "node_count")

    def __init__(self, first_edge: npt.NDArray[np.int64], edge_to: npt.NDArray[np.uint32]) -> None:
        node_count, edge_count = _require_graph(first_edge, edge_to)
        parsed = _parsed_as(first_edge, OFFSETS, node_count) and _parsed_as(edge_to, ORDINAL, node_count)
        if not parsed:
            first_edge, edge_to = _frozen(first_edge), _frozen(edge_to)
            if _lib.hs_check_graph(node_count, edge_count, first_edge, edge_to) != 0:
                raise GraphError("the edge index is not a graph over its nodes")
        elif int(first_edge[0]) != 0 or int(first_edge[node_count]) != edge_count:
            raise GraphError("the nodes' edge counts do not add up to the edges")
        self.first_edge = first_edge
        self.edge_to = edge_to
        self.node_count = node_count
        self.edge_count = edge_count


def _frozen(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``array`` made read-only, or a read-only copy when it is a view others may write through."""
    if array.base is not None:
        array = array.copy()
    array.flags.writeable = False
    return array


# Column kinds of hs_parse_columns (keep in step with the enum in _kernels.c).
SKIP, U8, U32, U64, OFFSETS, ORDINAL = range(6)
_COLUMN_DTYPES: dict[int, Any] = {
    U8: np.uint8,
    U32: np.uint32,
    U64: np.uint64,
    OFFSETS: np.int64,
    ORDINAL: np.uint32,
}


def _p(array: npt.NDArray[Any]) -> int:
    assert array.flags.c_contiguous
    return int(array.ctypes.data)


class BufferPointer:
    """Keeps a ctypes view of a read-only buffer (mmap or bytes) alive while in use."""

    def __init__(self, buffer: Any) -> None:
        self._view = np.frombuffer(buffer, dtype=np.uint8)
        self.address = int(self._view.ctypes.data) if len(self._view) else 0
        self.length = len(self._view)

    def release(self) -> None:
        del self._view


def parse_uint_array(
    buf: BufferPointer, pos: int, capacity: int, wide: bool = False
) -> tuple[npt.NDArray[Any] | None, int, int]:
    """Return (values, end offset, error code); values is None when the code is negative.

    Values are uint32 unless ``wide``; code -5 without ``wide`` means "retry wide".
    """
    out = fresh_array(capacity, np.uint64 if wide else np.uint32)
    end = _i64(0)
    n = _lib.hs_parse_uint_array(
        buf.address, buf.length, pos, _p(out), int(wide), capacity, ctypes.byref(end)
    )
    if n < 0:
        return None, int(end.value), int(n)
    return out[:n], int(end.value), int(n)


class ColumnsResult:
    """Outcome of :func:`parse_columns`: per-field arrays (None where skipped) or an error code."""

    def __init__(self, columns: list[npt.NDArray[Any] | None], count: int, end: int, bad_column: int) -> None:
        self.columns = columns
        self.count = count  # values read, or a negative error code
        self.end = end
        self.bad_column = bad_column


def parse_columns(
    buf: BufferPointer,
    pos: int,
    rows: int,
    kinds: list[int],
    node_width: int = 1,
    node_count: int = 0,
    release: bool = False,
) -> ColumnsResult:
    """Parse ``rows`` rows of ``len(kinds)`` integers into one array per field.

    ``kinds`` says per field how to store it (SKIP, U8, U32, U64, OFFSETS, ORDINAL);
    OFFSETS columns get ``rows + 1`` int64 running sums, ORDINAL columns are divided by
    ``node_width`` and checked against ``node_count``. ``release`` (only for a read-only
    file mapping) drops parsed pages as the scan goes.
    """
    columns: list[npt.NDArray[Any] | None] = []
    pointers = (ctypes.c_void_p * max(len(kinds), 1))()
    for index, kind in enumerate(kinds):
        if kind == SKIP:
            columns.append(None)
            continue
        length = rows + 1 if kind == OFFSETS else rows
        column = fresh_array(length, _COLUMN_DTYPES[kind])
        columns.append(column)
        pointers[index] = column.ctypes.data
    kind_array = (ctypes.c_int * max(len(kinds), 1))(*kinds)
    end = _i64(0)
    bad_column = _i64(-1)
    count = _lib.hs_parse_columns(
        buf.address,
        buf.length,
        pos,
        rows,
        len(kinds),
        ctypes.cast(pointers, ctypes.c_void_p),
        ctypes.cast(kind_array, ctypes.c_void_p),
        node_width,
        node_count,
        int(release),
        ctypes.byref(end),
        ctypes.byref(bad_column),
    )
    if count == rows * len(kinds):  # every row filled: the checked columns can vouch for a Graph
        for kind, filled in zip(kinds, columns, strict=True):
            if filled is not None and kind in (OFFSETS, ORDINAL):
                _record_parsed(filled, kind, rows if kind == OFFSETS else node_count)
    return ColumnsResult(columns, int(count), int(end.value), int(bad_column.value))


def locations_by_node(
    rows: npt.NDArray[np.uint32], fields: list[int], node_width: int, node_count: int
) -> tuple[int, list[npt.NDArray[np.uint32]]]:
    """V8's location rows as node ordinal, script id, line and column columns, in node order.

    ``fields``: the positions of object_index, script_id, line and column in a row. Returns
    (0, the four columns), or (-7 or -8, []) for an offset past the last node or inside a
    node (the codes of PARSE_ERRORS), or (-10, []) when a node has two locations, (-11, [])
    for more rows than the pass can order: then the caller sorts them itself.
    """
    count, width = rows.shape
    flat = np.ascontiguousarray(rows).reshape(-1)
    _require(flat, np.uint32, count * width, "rows")
    wanted = np.array(fields, dtype=np.int64)
    _require(wanted, np.int64, 4, "fields")
    row_of = fresh_array(node_count, np.int32)
    columns = [fresh_array(count, np.uint32) for _ in range(4)]
    code = _lib.hs_locations_by_node(flat, count, width, wanted, node_width, node_count, row_of, *columns)
    return int(code), columns if code == 0 else []


def find_byte(buf: BufferPointer, pos: int, byte: bytes) -> int:
    """Offset of the first ``byte`` at or after ``pos`` (memchr speed), or -1."""
    return int(_lib.hs_find_byte(buf.address, buf.length, pos, byte[0]))


def skip_value(buf: BufferPointer, pos: int) -> int:
    return int(_lib.hs_skip_value(buf.address, buf.length, pos))


def build_retainer_edges(
    graph: Graph,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint32]]:
    """(first retainer per node [N+1], edge index [E]): per node, the edges into it, in edge order.

    An edge's source is looked up in ``first_edge`` when needed: a column of sources would
    take 4 bytes more per edge.
    """
    node_count, edge_count = graph.node_count, graph.edge_count
    retainer_first = fresh_array(node_count + 1, np.int64)
    retainer_edge = fresh_array(edge_count, np.uint32)
    failed = _lib.hs_build_retainer_edges(
        node_count, edge_count, graph.first_edge, graph.edge_to, 1, retainer_first, retainer_edge
    )
    if failed == _CORRUPT:
        raise GraphError("the edge index is not a graph over its nodes")
    if failed:
        raise MemoryError("not enough memory for the retainer index")
    return retainer_first, retainer_edge


def distances(
    root: int,
    graph: Graph,
    edge_type: npt.NDArray[np.uint8],
    weak_type: int,
) -> npt.NDArray[np.int32]:
    node_count, edge_count = graph.node_count, graph.edge_count
    _require(edge_type, np.uint8, edge_count, "edge_type")
    dist = fresh_array(node_count, np.int32)
    failed = _lib.hs_distances(
        node_count, edge_count, root, graph.first_edge, graph.edge_to, 1, edge_type, weak_type, dist
    )
    if failed == _CORRUPT:
        raise GraphError("the edge index is not a graph over its nodes")
    if failed:
        raise MemoryError("not enough memory for the distances from the root")
    return dist


@dataclass(frozen=True)
class EdgeRules:
    """What :func:`path_tree` follows in its first two phases and how it ranks, as tables.

    ``follow`` per edge type: NEVER, ALWAYS or UNLESS_BAD_NAME (the edge's name is marked in
    ``bad_name``; names past its end are not); ``target_ok`` per node (edges into other nodes
    are not followed); ``rank`` per edge type plus ``penalty`` per type of the source node
    (added as 8-bit numbers) orders the edges that reach one node in one level, lowest first.
    """

    NEVER: ClassVar[int] = 0
    ALWAYS: ClassVar[int] = 1
    UNLESS_BAD_NAME: ClassVar[int] = 2

    follow: npt.NDArray[np.uint8]
    rank: npt.NDArray[np.uint8]
    penalty: npt.NDArray[np.uint8]
    bad_name: npt.NDArray[np.uint8]
    target_ok: npt.NDArray[np.uint8]


@dataclass(frozen=True)
class PathTree:
    """What :func:`path_tree` was asked for: distances always, the parents and parent edges
    (``None`` when not asked for), the nearest marked node up the tree (``None`` likewise)."""

    distance: npt.NDArray[np.int32]
    parent: npt.NDArray[np.int64] | None
    parent_edge: npt.NDArray[np.int64] | None
    owner: npt.NDArray[np.uint32] | None


def path_tree(
    root: int,
    graph: Graph,
    edge_type: npt.NDArray[np.uint8],
    edge_name: npt.NDArray[np.uint32],
    node_type: npt.NDArray[np.uint8],
    preferred: EdgeRules,
    any_follow: npt.NDArray[np.uint8],
    first_seeds: npt.NDArray[np.int64],
    second_seeds: npt.NDArray[np.int64],
    reachable: npt.NDArray[np.bool_] | None = None,
    *,
    parents: bool = True,
    marked: npt.NDArray[np.bool_] | None = None,
) -> PathTree:
    """A ranked breadth-first tree in three phases, every output written by the kernel.

    Phase 1 grows from the targets of the root's edges ``first_seeds``, phase 2 from those of
    ``second_seeds`` (one past the deepest node so far), both over the edges ``preferred``
    follows; phase 3 from every reached node with an edge into a node not reached (and in
    ``reachable``, when given), nearest first, over the edges ``any_follow`` (per edge type)
    follows into any node, ranked the same. Of the edges that reach one node in one level, the
    lowest-ranked one is its parent edge, on a tie the first in level order (a phase's seeds in
    their order, each later level in ascending node order, each node's edges in order). A node
    gets its source's distance + 1, in phase 3 the deepest distance before it + 1 + its level
    (1 for the first). With ``marked``, each node's nearest marked node up the tree (itself
    included; the root when none), found as the tree grows; without
    ``parents``, the parents and parent edges are not kept (only the owners need them).
    """
    node_count, edge_count = graph.node_count, graph.edge_count
    _require(edge_type, np.uint8, edge_count, "edge_type")
    _require(edge_name, np.uint32, edge_count, "edge_name")
    _require(node_type, np.uint8, node_count, "node_type")
    type_count = len(preferred.follow)
    _require(preferred.follow, np.uint8, type_count, "follow")
    _require(any_follow, np.uint8, type_count, "any_follow")
    _require(preferred.rank, np.uint8, type_count, "rank")
    _require(preferred.penalty, np.uint8, len(preferred.penalty), "penalty")
    _require(preferred.bad_name, np.uint8, len(preferred.bad_name), "bad_name")
    _require(preferred.target_ok, np.uint8, node_count, "target_ok")
    first = np.ascontiguousarray(first_seeds, dtype=np.int64)
    second = np.ascontiguousarray(second_seeds, dtype=np.int64)
    serves, flags = (
        np.zeros(0, dtype=np.uint8) if mask is None else np.ascontiguousarray(mask, dtype=np.uint8)
        for mask in (reachable, marked)
    )
    if reachable is not None:
        _require(serves, np.uint8, node_count, "reachable")
    if marked is not None:
        _require(flags, np.uint8, node_count, "marked")
    distance = fresh_array(node_count, np.int32)
    none = np.zeros(0, dtype=np.int64)
    parent = fresh_array(node_count, np.int64) if parents else none
    parent_edge = fresh_array(node_count, np.int64) if parents else none
    owner = fresh_array(node_count if marked is not None else 0, np.uint32)
    failed = _lib.hs_path_tree(
        node_count,
        edge_count,
        root,
        graph.first_edge,
        graph.edge_to,
        1,
        edge_type,
        edge_name,
        node_type,
        preferred.follow,
        any_follow,
        preferred.rank,
        type_count,
        preferred.penalty,
        len(preferred.penalty),
        preferred.bad_name,
        len(preferred.bad_name),
        preferred.target_ok,
        first,
        len(first),
        second,
        len(second),
        serves,
        len(serves),
        distance,
        parent,
        len(parent),
        parent_edge,
        len(parent_edge),
        flags,
        owner,
        len(owner),
    )
    if failed == _CORRUPT:
        raise GraphError("the graph, a type table or a seed does not fit the nodes")
    if failed:
        raise MemoryError("not enough memory for the breadth-first tree")
    return PathTree(
        distance=distance,
        parent=parent if parents else None,
        parent_edge=parent_edge if parents else None,
        owner=owner if marked is not None else None,
    )


def edge_names_of_type(
    edge_type: npt.NDArray[np.uint8], edge_name: npt.NDArray[np.uint32], type_id: int, name_count: int
) -> npt.NDArray[np.bool_]:
    """Per string (``name_count`` of them): some edge of type ``type_id`` is named by it."""
    _require(edge_type, np.uint8, len(edge_type), "edge_type")
    _require(edge_name, np.uint32, len(edge_type), "edge_name")
    present = fresh_array(name_count, np.uint8)
    if _lib.hs_edge_names_of_type(len(edge_type), edge_type, edge_name, type_id, name_count, present):
        raise GraphError("a negative count of edges or names")
    return present.view(bool)


def nearest_marked_up(
    root: int, parent: npt.NDArray[np.int64], marked: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    """Per node, the closest marked node up the tree ``parent`` (itself included; the root
    counts as marked and stands for every negative parent)."""
    node_count = len(parent)
    _require(parent, np.int64, node_count, "parent")
    flags = np.ascontiguousarray(marked, dtype=np.uint8)
    _require(flags, np.uint8, node_count, "marked")
    owner = fresh_array(node_count, np.int64)
    failed = _lib.hs_nearest_marked_up(node_count, root, parent, flags, owner)
    if failed == _CORRUPT:
        raise GraphError("the tree names a parent past the last node, or goes round in a circle")
    if failed:
        raise MemoryError("not enough memory for the walk up the tree")
    return owner


def dominators_and_retained_sizes(
    root: int,
    graph: Graph,
    edge_type: npt.NDArray[np.uint8],
    weak_type: int,
    shortcut_type: int,
    self_size: npt.NDArray[np.uint64],
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32], npt.NDArray[np.uint64]]:
    """(idom per node, reachable nodes in DFS preorder, retained size per node) in one pass.

    Summing sizes inside the kernel, in DFS-number space, avoids a second random walk
    over the node-indexed dominator array; the kernel builds its own predecessor lists,
    so no retainer index is needed (or built) for this.
    """
    node_count, edge_count = graph.node_count, graph.edge_count
    _require(edge_type, np.uint8, edge_count, "edge_type")
    _require(self_size, np.uint64, node_count, "self_size")
    idom = fresh_array(node_count, np.uint32)
    order = fresh_array(node_count, np.uint32)
    retained = fresh_array(node_count, np.uint64)
    reached = _lib.hs_dominators(
        node_count,
        edge_count,
        root,
        graph.first_edge,
        graph.edge_to,
        1,
        edge_type,
        weak_type,
        shortcut_type,
        idom,
        order,
        self_size,
        retained,
    )
    if reached == _CORRUPT:
        raise GraphError("the edge index is not a graph over its nodes")
    if reached == -2:
        raise MemoryError(
            f"{node_count:,} nodes and {edge_count:,} edges are more than the dominator tree can take "
            "(2^31 nodes, 2^32 edges)"
        )
    if reached < 0:
        raise MemoryError("not enough memory for the dominator tree")
    return idom, order[:reached], retained


def class_top_level(
    root: int, idom: npt.NDArray[np.uint32], classes: npt.NDArray[np.int32], class_count: int
) -> npt.NDArray[np.bool_]:
    """Per node: no dominator of it has the same class (DevTools' per-class retained size rule)."""
    node_count = len(idom)
    _require(idom, np.uint32, node_count, "idom")
    _require(classes, np.int32, node_count, "classes")
    top = fresh_array(node_count, np.uint8)
    failed = _lib.hs_class_top_level(node_count, root, idom, classes, class_count, top)
    if failed == _CORRUPT:
        raise GraphError("the dominator tree or the classes do not fit the nodes")
    if failed < 0:
        raise MemoryError("not enough memory for per-class retained sizes")
    return top[:node_count].astype(bool)


def nearest_marked(
    root: int,
    idom: npt.NDArray[np.uint32],
    order: npt.NDArray[np.uint32],
    marked: npt.NDArray[np.bool_],
) -> npt.NDArray[np.uint32]:
    """Per node, the closest marked node on its dominator chain (itself included; root if none).

    ``order`` is the dominator kernel's DFS preorder, in which a node's immediate
    dominator always comes first, so one sequential pass settles every node.
    """
    node_count = len(idom)
    _require(idom, np.uint32, node_count, "idom")
    _require(order, np.uint32, len(order), "order")
    flags = np.ascontiguousarray(marked, dtype=np.uint8)
    _require(flags, np.uint8, node_count, "marked")
    owner = fresh_array(node_count, np.uint32)
    if _lib.hs_nearest_marked(node_count, root, order, len(order), idom, flags, owner) < 0:
        raise GraphError("the dominator tree names a node past the last one")
    return owner


# Values of reach_past's result.
UNREACHED, BEFORE_BLOCKED, PAST_BLOCKED, ENTERED_BLOCKED = 0, 1, 2, 3


def reach_past(
    root: int,
    graph: Graph,
    edge_type: npt.NDArray[np.uint8],
    weak_type: int,
    shortcut_type: int,
    blocked: npt.NDArray[np.bool_] | npt.NDArray[np.uint8],
) -> npt.NDArray[np.uint8]:
    """Per node: unreached, reached without passing a blocked node, past one, or a blocked one entered.

    Edges count as the dominator kernel counts them (weak never, shortcut only from the root).
    """
    node_count, edge_count = graph.node_count, graph.edge_count
    _require(edge_type, np.uint8, edge_count, "edge_type")
    flags = np.ascontiguousarray(blocked, dtype=np.uint8)
    _require(flags, np.uint8, node_count, "blocked")
    state = fresh_array(node_count, np.uint8)
    failed = _lib.hs_reach_past(
        node_count,
        edge_count,
        root,
        graph.first_edge,
        graph.edge_to,
        1,
        edge_type,
        weak_type,
        shortcut_type,
        flags,
        state,
    )
    if failed == _CORRUPT:
        raise GraphError("the edge index is not a graph over its nodes")
    if failed:
        raise MemoryError("not enough memory for the walk from the root")
    return state


def class_index(
    node_type: npt.NDArray[np.uint8],
    node_name: npt.NDArray[np.uint32],
    type_key: npt.NDArray[np.int64],
    key_count: int,
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """(per node its class, per key its class or -1): nodes grouped by key, classes numbered in
    key order. A node's key is its name where its type's ``type_key`` is negative, else that key."""
    node_count = len(node_type)
    _require(node_type, np.uint8, node_count, "node_type")
    _require(node_name, np.uint32, node_count, "node_name")
    _require(type_key, np.int64, len(type_key), "type_key")
    key_class = fresh_array(key_count, np.int32)
    classes = fresh_array(node_count, np.int32)
    if (
        _lib.hs_class_index(
            node_count, node_type, node_name, len(type_key), type_key, key_count, key_class, classes
        )
        < 0
    ):
        raise GraphError("a node's type or name is past its table, or there are 2^31 nodes or more")
    return classes, key_class


# An id index keeps at most this many node ordinals in its table (they are int32 there).
_TABLE_NODES = 2**31 - 1


class IdIndex:
    """Node ordinals by V8 id, for one snapshot's id column: built and read in compiled passes.

    Odd ids below ``bound`` are found through a table with one int32 slot per odd id (V8's
    ids of a live heap are odd and dense: see hs_id_slots in _kernels.c), up to 2 bytes per
    unit of bound, so the caller keeps the bound to a small multiple of the number of ids;
    the others through a binary search over them sorted. Should an id repeat, its first
    node is the one found.
    Lookups take whole columns of another snapshot's ids (uint32 or uint64) without widening
    them, and answer with a byte per id or an int64 ordinal per id.
    """

    __slots__ = ("_other_ids", "_other_nodes", "_table")

    def __init__(self, ids: npt.NDArray[Any], bound: int) -> None:
        column, wide = _id_column(ids)
        count = len(column)
        bound = max(0, min(bound, 2**32)) if count <= _TABLE_NODES else 0
        others = _i64(0)
        slots = int(_lib.hs_id_slots(count, _p(column), wide, bound, ctypes.byref(others)))
        if slots < 0:
            raise GraphError("the id column cannot be indexed")
        table = fresh_array(slots, np.int32)
        other_nodes = np.empty(others.value, dtype=np.int64)
        if _lib.hs_id_table(count, _p(column), wide, bound, table, slots, other_nodes, len(other_nodes)):
            raise GraphError("the id column changed while it was indexed")
        # The few ids aside, sorted (stably: the first node of a repeated id comes first).
        other_ids = column[other_nodes].astype(np.uint64)
        order = np.argsort(other_ids, kind="stable")
        self._table = table
        self._other_ids = np.ascontiguousarray(other_ids[order])
        self._other_nodes = np.ascontiguousarray(other_nodes[order])

    def _lookup(self, ids: npt.NDArray[Any], ordinals: bool) -> tuple[npt.NDArray[Any], int]:
        query = np.asarray(ids)
        negative: npt.NDArray[np.bool_] | None = None
        if query.dtype.kind == "i":  # no id is negative; the rest are looked up as uint64
            negative = query < 0
            query = query.astype(np.uint64)
        elif query.dtype not in (np.uint32, np.uint64):
            query = query.astype(np.uint64)
        column, wide = _id_column(query.reshape(-1))
        out = fresh_array(len(column), np.int64 if ordinals else np.uint8)
        found = int(
            _lib.hs_lookup_ids(
                len(column),
                _p(column),
                wide,
                self._table,
                len(self._table),
                self._other_ids,
                self._other_nodes,
                len(self._other_ids),
                _p(out),
                int(ordinals),
            )
        )
        if found < 0:
            raise GraphError("the id index is inconsistent")
        if negative is not None and negative.any():
            found -= int(np.count_nonzero(out[negative] != 0 if not ordinals else out[negative] >= 0))
            out[negative] = -1 if ordinals else 0
        return out, found

    def find(self, ids: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
        """The node ordinal of each id, -1 where none has it."""
        return self._lookup(ids, ordinals=True)[0]

    def contains(self, ids: npt.NDArray[Any]) -> tuple[npt.NDArray[np.bool_], int]:
        """(per id: some node has it; how many did)."""
        flags, found = self._lookup(ids, ordinals=False)
        return flags.view(np.bool_), found


def _id_column(ids: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], int]:
    """A 1-D contiguous uint32 or uint64 id column and whether it is the wide one."""
    if ids.ndim != 1 or ids.dtype not in (np.uint32, np.uint64):
        raise GraphError(f"ids are {ids.dtype} of {ids.ndim} dimensions, expected a uint32 or uint64 column")
    column = np.ascontiguousarray(ids)
    return column, int(column.dtype == np.uint64)

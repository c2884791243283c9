"""Read a V8 ``.heapsnapshot`` file into flat numpy arrays.

A snapshot is one JSON object whose big members (``nodes``, ``edges``, ``locations``)
are flat integer arrays of tens of millions of numbers. A general JSON parser would
build one Python int per number; instead we memory-map the file, find the top-level
members with a compiled skipper, parse the ``nodes`` and ``edges`` arrays straight into
one typed column per field (the interleaved rows never exist in memory; edge targets come
out as node ordinals, edge counts as CSR offsets), and hand only the small or
string-valued members to orjson. Pages of the map are dropped as soon as their section is
parsed, so peak memory is the columns plus one section of text, not the file twice.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import stat
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from ..progress import Phase, Progress, ProgressCallback, ignore
from . import _native
from .errors import SnapshotError

# Integer arrays that are parsed by the compiled scanner, and the count (in rows) the
# header announces for them, when it does.
_INT_ARRAYS = ("nodes", "edges", "locations", "samples", "trace_function_infos")
_REQUIRED_NODE_FIELDS = ("type", "name", "id", "self_size", "edge_count")
_REQUIRED_EDGE_FIELDS = ("type", "name_or_index", "to_node")
# How each known field is stored; fields not listed are skipped.
_NODE_COLUMN_KINDS = {
    "type": _native.U8,
    "name": _native.U32,
    "id": _native.U32,
    "self_size": _native.U64,
    "edge_count": _native.OFFSETS,
    "trace_node_id": _native.U32,
    "detachedness": _native.U8,
}
_EDGE_COLUMN_KINDS = {"type": _native.U8, "name_or_index": _native.U32, "to_node": _native.ORDINAL}
# What only maps objects to source lines or allocation stacks: left in the file when the
# caller needs no sources (see read_snapshot).
_SOURCE_MEMBERS = ("locations", "samples", "trace_function_infos", "trace_tree")
_SOURCE_NODE_FIELDS = ("trace_node_id", "detachedness")
# uint32 columns that may be widened when a value does not fit (V8 ids are 32-bit today).
_WIDENABLE = ("id", "self_size")


@dataclass(frozen=True)
class SnapshotMeta:
    """Field layouts from ``snapshot.meta``: every offset is looked up here, never assumed."""

    node_fields: list[str]
    node_types: list[str]
    edge_fields: list[str]
    edge_types: list[str]
    location_fields: list[str] = field(default_factory=list)
    trace_function_info_fields: list[str] = field(default_factory=list)
    trace_node_fields: list[str] = field(default_factory=list)
    sample_fields: list[str] = field(default_factory=list)
    node_count: int = 0
    edge_count: int = 0
    trace_function_count: int = 0


@dataclass
class RawSnapshot:
    """The file's content as arrays; :class:`HeapSnapshot` derives the graph from it."""

    path: str
    file_size: int
    meta: SnapshotMeta
    # Per node field, by name: "type" and "detachedness" uint8, "name" and
    # "trace_node_id" uint32, "id" uint32 (uint64 if an id needs it), "self_size" uint64;
    # "first_edge" (int64, node_count + 1 CSR offsets) stands in for "edge_count".
    node_columns: dict[str, npt.NDArray[Any]]
    # Per edge field: "type" uint8, "name_or_index" uint32, "to_node" as node ordinals
    # (uint32, already divided by the node width and checked to land on a node).
    edge_columns: dict[str, npt.NDArray[Any]]
    strings: list[str]
    locations: npt.NDArray[Any]  # (n, len(location_fields)) or (0, 4)
    trace_function_infos: npt.NDArray[Any]
    trace_tree: list[Any]
    samples: npt.NDArray[Any]


# Called with the field layouts and the node and edge columns as soon as both are parsed,
# before the members after them (the strings, locations, allocation traces) are read.
GraphParsed = Callable[[SnapshotMeta, dict[str, npt.NDArray[Any]], dict[str, npt.NDArray[Any]]], None]


def _meta_from_header(path: str, header: Any, file_size: int) -> SnapshotMeta:
    if not isinstance(header, dict) or not isinstance(header.get("meta"), dict):
        raise SnapshotError(path, "not a V8 heap snapshot: the 'snapshot' member has no 'meta' object")
    meta = header["meta"]

    def names(key: str, required: bool) -> list[str]:
        value = meta.get(key)
        if value is None:
            if required:
                raise SnapshotError(path, f"the snapshot's meta lacks '{key}'")
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SnapshotError(path, f"the snapshot's meta has a malformed '{key}'")
        return list(value)

    def enum(key: str, fields: list[str], column: str) -> list[str]:
        # node_types/edge_types run parallel to node_fields/edge_fields: the list of type
        # names sits at the position of the "type" field, wherever that is.
        value = meta.get(key)
        at = fields.index("type")
        if not isinstance(value, list) or len(value) <= at or not isinstance(value[at], list):
            raise SnapshotError(path, f"the snapshot's meta lacks '{key}' (the names of the {column} types)")
        return [str(v) for v in value[at]]

    node_fields = names("node_fields", True)
    edge_fields = names("edge_fields", True)
    for needed in _REQUIRED_NODE_FIELDS:
        if needed not in node_fields:
            raise SnapshotError(path, f"the snapshot's meta.node_fields lacks '{needed}'")
    for needed in _REQUIRED_EDGE_FIELDS:
        if needed not in edge_fields:
            raise SnapshotError(path, f"the snapshot's meta.edge_fields lacks '{needed}'")

    def count(key: str, width: int = 0) -> int:
        value = header.get(key, 0)
        if not isinstance(value, int) or value < 0:
            raise SnapshotError(path, f"the snapshot header has a malformed '{key}'")
        # Every number in the arrays takes at least two bytes ("0,"): a count beyond that
        # is a corrupt header, and believing it would mean allocating for it.
        if width and value * width * 2 > file_size:
            raise SnapshotError(
                path,
                f"the file is truncated or its header is corrupt: '{key}' is {value:,}, "
                "more than the file can hold",
            )
        return value

    return SnapshotMeta(
        node_fields=node_fields,
        node_types=enum("node_types", node_fields, "node"),
        edge_fields=edge_fields,
        edge_types=enum("edge_types", edge_fields, "edge"),
        location_fields=names("location_fields", False),
        trace_function_info_fields=names("trace_function_info_fields", False),
        trace_node_fields=names("trace_node_fields", False),
        sample_fields=names("sample_fields", False),
        node_count=count("node_count", len(node_fields)),
        edge_count=count("edge_count", len(edge_fields)),
        trace_function_count=count("trace_function_count"),
    )


class _Reader:
    """Walks the top-level object of a mapped snapshot file."""

    def __init__(self, path: str, data: Any) -> None:
        self.path = path
        self.data = data
        self.buf = _native.BufferPointer(data)
        self.pos = 0
        # Only pages of a file mapping may be dropped; for a bytes buffer it would lose data.
        self.mapped = isinstance(data, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED")

    def fail(self, problem: str) -> SnapshotError:
        return SnapshotError(self.path, problem)

    def skip_space(self) -> None:
        data = self.data
        while self.pos < self.buf.length and data[self.pos] in b" \t\r\n":
            self.pos += 1

    def expect(self, char: bytes) -> None:
        self.skip_space()
        if self.pos >= self.buf.length:
            raise self.fail(f"the file ends early (truncated?) where '{char.decode()}' was expected")
        if self.data[self.pos : self.pos + 1] != char:
            raise self.fail(f"not a V8 heap snapshot: expected '{char.decode()}' at byte {self.pos}")
        self.pos += 1

    def peek(self) -> bytes:
        self.skip_space()
        return bytes(self.data[self.pos : self.pos + 1])

    def value_span(self) -> tuple[int, int]:
        self.skip_space()
        end = _native.skip_value(self.buf, self.pos)
        if end == -1:
            raise self.fail("the file ends early (truncated?)")
        if end < 0:
            raise self.fail(f"not valid JSON at byte {self.pos}")
        start, self.pos = self.pos, end
        return start, end

    def key(self) -> str:
        start, end = self.value_span()
        if self.data[start : start + 1] != b'"':
            raise self.fail(f"not valid JSON: expected a member name at byte {start}")
        try:
            name = orjson.loads(self.data[start:end])
        except orjson.JSONDecodeError as error:
            raise self.fail(f"not valid JSON at byte {start}") from error
        self.expect(b":")
        return str(name)

    def json_value(self) -> Any:
        start, end = self.value_span()
        # A view, not a slice: the strings section of a big snapshot is tens of MB and a
        # copy of it would add that much to peak memory for no gain.
        with memoryview(self.data) as whole, whole[start:end] as view:
            try:
                value = orjson.loads(view)
            except orjson.JSONDecodeError as error:
                raise self.fail(f"not valid JSON in the value at byte {start}") from error
        if self.mapped:
            self.release(start, end)
        return value

    def int_array(self, name: str, width: int, rows: int | None) -> npt.NDArray[Any]:
        """Parse an integer array member; ``rows`` is the announced row count, if any."""
        self.skip_space()
        start = self.pos
        if rows is not None:
            capacity = rows * width
        else:
            # Unannounced length: bound it by the text (each number takes >= 2 bytes).
            end = _native.find_byte(self.buf, start, b"]")  # integer arrays hold no strings
            if end < 0:
                raise self.fail(f"the '{name}' array is cut short (truncated file?)")
            capacity = (end - start) // 2 + 1
        values, end, code = _native.parse_uint_array(self.buf, start, capacity)
        if code == -5:
            values, end, code = _native.parse_uint_array(self.buf, start, capacity, wide=True)
        if values is None:
            problem = _native.PARSE_ERRORS.get(code, "unreadable")
            if code == -4:
                raise self.fail(f"the file ends inside the '{name}' array (truncated?)")
            raise self.fail(f"the '{name}' array is not a list of integers: {problem} at byte {end}")
        if rows is not None and len(values) != capacity:
            raise self.fail(
                f"the '{name}' array has {len(values)} numbers but the header announces "
                f"{rows} rows of {width} ({capacity})"
            )
        if width and len(values) % width:
            raise self.fail(f"the '{name}' array length {len(values)} is not a multiple of {width}")
        self.pos = end
        self.release(start, end)
        return values.reshape(-1, width) if width else values

    def columns(
        self,
        name: str,
        fields: list[str],
        kinds: dict[str, int],
        rows: int,
        node_width: int,
        node_count: int,
    ) -> dict[str, npt.NDArray[Any]]:
        """Parse an announced ``rows`` x ``len(fields)`` array into typed columns by field name."""
        self.skip_space()
        start = self.pos
        field_kinds = [kinds.get(field_name, _native.SKIP) for field_name in fields]
        while True:
            result = _native.parse_columns(
                self.buf, start, rows, field_kinds, node_width, node_count, release=self.mapped
            )
            if result.count != -5 or result.bad_column < 0:
                break
            bad_field = fields[result.bad_column]
            if field_kinds[result.bad_column] != _native.U32 or bad_field not in _WIDENABLE:
                raise self.fail(
                    f"the '{name}' array has a value too large for its '{bad_field}' field "
                    f"at byte {result.end}"
                )
            field_kinds[result.bad_column] = _native.U64
        width = len(fields)
        if result.count == -4:
            raise self.fail(f"the file ends inside the '{name}' array (truncated?)")
        if result.count in (-7, -8, -9):
            raise self.fail(_native.PARSE_ERRORS[result.count])
        if result.count == -3:
            raise self.fail(
                f"the '{name}' array has more numbers than the header announces ({rows} rows of {width})"
            )
        if result.count < 0:
            problem = _native.PARSE_ERRORS.get(result.count, "unreadable")
            raise self.fail(f"the '{name}' array is not a list of integers: {problem} at byte {result.end}")
        if result.count != rows * width:
            raise self.fail(
                f"the '{name}' array has {result.count} numbers but the header announces "
                f"{rows} rows of {width} ({rows * width})"
            )
        self.pos = result.end
        self.release(start, result.end)
        named: dict[str, npt.NDArray[Any]] = {}
        for field_name, column in zip(fields, result.columns, strict=True):
            if column is not None:
                named["first_edge" if field_name == "edge_count" else field_name] = column
        return named

    def skip_member(self, name: str) -> None:
        """Pass over a member's value unparsed: an integer array up to its ']', anything else as JSON."""
        if self.peek() == b"[" and name in _INT_ARRAYS:
            start = self.pos
            end = _native.find_byte(self.buf, start, b"]")  # integer arrays hold no strings
            if end < 0:
                raise self.fail(f"the '{name}' array is cut short (truncated file?)")
            self.pos = end + 1
        else:
            start, end = self.value_span()
        if self.mapped:
            self.release(start, end)

    def fork(self) -> _Reader:
        """Another reader at this position, for a worker thread (readers keep a position)."""
        other = _Reader(self.path, self.data)
        other.pos = self.pos
        return other

    def following_member(self, expected: str) -> _Reader | None:
        """A second reader at the value of the member after the integer array here, if named so.

        Lets the ``edges`` array be parsed on another core while this one parses
        ``nodes``: finding where the nodes end takes a pass over their text, a fifth of the
        file, which the edges, four fifths, are not given (their parse finds their end). Any
        doubt (odd layout, bad JSON) returns None and the caller goes on one member at a
        time, where errors are reported in file order.
        """
        self.skip_space()
        close = _native.find_byte(self.buf, self.pos, b"]")
        if close < 0:
            return None
        ahead = _Reader(self.path, self.data)
        ahead.pos = close + 1
        try:
            if ahead.peek() != b",":
                return None
            ahead.pos += 1
            if ahead.peek() != b'"' or ahead.key() != expected:
                return None
        except SnapshotError:
            return None
        ahead.skip_space()
        return ahead

    def release(self, start: int, end: int) -> None:
        """Drop parsed pages from our address space; they are file-backed and read-only."""
        madvise = getattr(self.data, "madvise", None)
        if madvise is None or not hasattr(mmap, "MADV_DONTNEED"):
            return
        page = mmap.PAGESIZE
        first = (start // page) * page
        length = ((end - first) // page) * page
        if length > 0:
            madvise(mmap.MADV_DONTNEED, first, length)


def read_snapshot(
    path: str | os.PathLike[str],
    progress: ProgressCallback | None = None,
    *,
    sources: bool = True,
    graph_parsed: GraphParsed | None = None,
) -> RawSnapshot:
    """Parse a snapshot file; raise :class:`SnapshotError` with a one-line reason when unusable.

    ``sources=False`` skips what only maps objects to source: the ``locations``, allocation
    trace and sample members (passed over as text, not parsed) and the nodes'
    ``trace_node_id`` and ``detachedness`` fields; they come back empty. The earlier
    snapshots of a hunt are compared by id, class and graph only. ``graph_parsed(meta,
    node columns, edge columns)`` is called in this thread once the ``nodes`` and ``edges``
    members are parsed into columns, so that work on the graph alone can start while the
    rest of the file is read; the columns are not checked yet (an error in them, or later
    in the file, is still raised here).
    """
    path_str = str(path)
    report = progress or ignore
    try:
        _refuse_special_file(path_str, os.stat(path_str).st_mode)
        # O_NONBLOCK: a FIFO swapped in since the check must not make open wait for a writer.
        descriptor = os.open(path_str, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise SnapshotError(path_str, f"cannot read the file ({error.strerror or error})") from error
    info = os.fstat(descriptor)
    try:
        _refuse_special_file(path_str, info.st_mode)
    except SnapshotError:
        os.close(descriptor)
        raise
    handle = os.fdopen(descriptor, "rb")
    size = info.st_size
    data: Any = None
    try:
        if size == 0:
            raise SnapshotError(path_str, "the file is empty")
        data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return _parse(path_str, size, data, report, sources, graph_parsed)
    finally:
        if data is not None:
            with contextlib.suppress(BufferError):  # a numpy view is still alive; GC closes it
                data.close()
        handle.close()


def _refuse_special_file(path: str, mode: int) -> None:
    """FIFOs, devices, sockets and directories: refused before reading, which could block forever."""
    if not stat.S_ISREG(mode):
        raise SnapshotError(path, f"not a snapshot file: it is {_file_kind(mode)}")


def _file_kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return kind
    return "not a regular file"


def _parse_members(
    reader: _Reader,
    members: dict[str, Any],
    pool: ThreadPoolExecutor,
    report: ProgressCallback,
    sources: bool,
    graph_parsed: GraphParsed | None = None,
) -> SnapshotMeta | None:
    """Walk the top-level members into ``members``; the edges may be parsed in ``pool``."""
    path = reader.path
    meta: SnapshotMeta | None = None
    node_kinds = _NODE_COLUMN_KINDS
    if not sources:
        node_kinds = {name: kind for name, kind in node_kinds.items() if name not in _SOURCE_NODE_FIELDS}
    while True:
        if reader.peek() == b"}":
            break
        if not reader.peek():
            raise SnapshotError(path, "the file ends early (truncated?)")
        name = reader.key()
        if name in members or (name == "snapshot" and meta is not None):
            # Two of a member would mean two graphs in one file; believing either is a guess.
            raise SnapshotError(path, f"not a V8 heap snapshot: the '{name}' member appears twice")
        if name == "snapshot":
            meta = _meta_from_header(path, reader.json_value(), len(reader.data))
        elif name in ("nodes", "edges"):
            if meta is None:
                raise SnapshotError(
                    path, f"not a V8 heap snapshot: '{name}' comes before the 'snapshot' header"
                )
            report(Progress(Phase.PARSE, reader.pos, len(reader.data), f"parsing the {name}"))
            node_width = len(meta.node_fields)
            parsed_nodes = members.get("nodes")
            node_count = meta.node_count or (
                len(parsed_nodes["first_edge"]) - 1 if isinstance(parsed_nodes, dict) else 0
            )
            edges_reader = (
                reader.following_member("edges")
                if name == "nodes" and meta.node_count and meta.edge_count
                else None
            )
            if edges_reader is not None:
                edges = pool.submit(
                    edges_reader.columns,
                    "edges",
                    meta.edge_fields,
                    _EDGE_COLUMN_KINDS,
                    meta.edge_count,
                    node_width,
                    meta.node_count,
                )
                # Raised here, an error in the nodes is the one reported: they come first.
                members["nodes"] = reader.columns(
                    "nodes", meta.node_fields, node_kinds, meta.node_count, node_width, 0
                )
                members["edges"] = edges.result()
                reader.pos = edges_reader.pos
            elif name == "nodes" and meta.node_count:
                members[name] = reader.columns(
                    name, meta.node_fields, node_kinds, meta.node_count, node_width, 0
                )
            elif name == "edges" and meta.edge_count and node_count > 0:
                members[name] = reader.columns(
                    name, meta.edge_fields, _EDGE_COLUMN_KINDS, meta.edge_count, node_width, node_count
                )
            else:  # counts not announced: rows first, columns once the node count is known
                width = len(meta.node_fields if name == "nodes" else meta.edge_fields)
                members[name] = reader.int_array(name, width, None)
            node_columns, edge_columns = members.get("nodes"), members.get("edges")
            if graph_parsed is not None and isinstance(node_columns, dict) and isinstance(edge_columns, dict):
                graph_parsed(meta, node_columns, edge_columns)
                graph_parsed = None
        elif name in _SOURCE_MEMBERS and not sources:
            reader.skip_member(name)
            members[name] = None  # seen, so that a second one is still refused
        elif name in _INT_ARRAYS and meta is not None:
            widths = {
                "locations": len(meta.location_fields) or 4,
                "samples": len(meta.sample_fields) or 2,
                "trace_function_infos": len(meta.trace_function_info_fields) or 6,
            }
            members[name] = reader.int_array(name, widths[name], None)
        elif name in ("strings", "trace_tree"):
            report(Progress(Phase.PARSE, reader.pos, len(reader.data), f"parsing the {name}"))
            members[name] = reader.json_value()
        else:
            reader.value_span()  # unknown member: skip it, newer V8 versions add some
        if reader.peek() == b",":
            reader.pos += 1
            continue
        if reader.peek() == b"}":
            break
        if not reader.peek():
            raise SnapshotError(path, "the file ends early (truncated?)")
        raise SnapshotError(path, f"not valid JSON: expected ',' or '}}' at byte {reader.pos}")
    return meta


def _parse(
    path: str,
    size: int,
    data: Any,
    report: ProgressCallback,
    sources: bool,
    graph_parsed: GraphParsed | None = None,
) -> RawSnapshot:
    reader = _Reader(path, data)
    first = reader.peek()
    if first != b"{":
        raise SnapshotError(path, "not a heap snapshot: the file is not a JSON object")
    reader.expect(b"{")
    report(Progress(Phase.PARSE, 0, size))
    members: dict[str, Any] = {}
    # The edges array goes to a worker thread (the C scanner drops the GIL) while this
    # thread parses the nodes; the members after the edges are read once the edges' parse
    # has found where they end.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="heapscope-parse") as pool:
        meta = _parse_members(reader, members, pool, report, sources, graph_parsed)
        report(Progress(Phase.PARSE, size, size))
    if meta is None:
        raise SnapshotError(
            path, "not a V8 heap snapshot: there is no 'snapshot' header with the field layout"
        )
    for needed in ("nodes", "edges", "strings"):
        if needed not in members:
            raise SnapshotError(path, f"not a V8 heap snapshot: the '{needed}' member is missing")
    strings = members["strings"]
    if not isinstance(strings, list) or any(type(s) is not str for s in strings):
        raise SnapshotError(path, "the 'strings' member is not a list of strings")
    nodes = members["nodes"]
    if not isinstance(nodes, dict):
        nodes = _columns_from_rows(path, "nodes", nodes, meta.node_fields, _NODE_COLUMN_KINDS, 1, 0)
        if not sources:
            for name in _SOURCE_NODE_FIELDS:
                nodes.pop(name, None)
    edges = members["edges"]
    if not isinstance(edges, dict):
        node_count = len(nodes["first_edge"]) - 1
        edges = _columns_from_rows(
            path, "edges", edges, meta.edge_fields, _EDGE_COLUMN_KINDS, len(meta.node_fields), node_count
        )
    for skipped in [name for name, value in members.items() if value is None]:
        del members[skipped]
    location_width = len(meta.location_fields) or 4
    empty: npt.NDArray[Any] = np.zeros((0, location_width), dtype=np.uint32)
    trace_tree = members.get("trace_tree", [])
    return RawSnapshot(
        path=path,
        file_size=size,
        meta=meta,
        node_columns=nodes,
        edge_columns=edges,
        strings=strings,
        locations=members.get("locations", empty),
        trace_function_infos=members.get(
            "trace_function_infos",
            np.zeros((0, len(meta.trace_function_info_fields) or 6), dtype=np.uint32),
        ),
        trace_tree=trace_tree if isinstance(trace_tree, list) else [],
        samples=members.get("samples", np.zeros((0, 2), dtype=np.uint32)),
    )


def _columns_from_rows(
    path: str,
    name: str,
    rows: npt.NDArray[Any],
    fields: list[str],
    kinds: dict[str, int],
    node_width: int,
    node_count: int,
) -> dict[str, npt.NDArray[Any]]:
    """The slow path of :meth:`_Reader.columns` for files whose header gives no counts."""
    named: dict[str, npt.NDArray[Any]] = {}
    for index, field_name in enumerate(fields):
        kind = kinds.get(field_name, _native.SKIP)
        values = rows[:, index]
        if kind == _native.SKIP:
            continue
        if kind == _native.OFFSETS:
            if len(values) and float(values.sum(dtype=np.float64)) >= 2.0**62:
                raise SnapshotError(path, _native.PARSE_ERRORS[-9])
            offsets = np.zeros(len(values) + 1, dtype=np.int64)
            np.cumsum(values, out=offsets[1:])
            named["first_edge"] = offsets
            continue
        if kind == _native.ORDINAL:
            if len(values) and int(values.max()) >= node_count * node_width:
                raise SnapshotError(path, _native.PARSE_ERRORS[-7])
            if len(values) and np.any(values % node_width):
                raise SnapshotError(path, _native.PARSE_ERRORS[-8])
            named[field_name] = np.ascontiguousarray(values // node_width, dtype=np.uint32)
            continue
        limit = {_native.U8: 0xFF, _native.U32: 0xFFFFFFFF}.get(kind)
        if limit is not None and len(values) and int(values.max()) > limit:
            if field_name not in _WIDENABLE:
                raise SnapshotError(
                    path, f"the '{name}' array has a value too large for its '{field_name}' field"
                )
            kind = _native.U64
        dtype = {_native.U8: np.uint8, _native.U32: np.uint32, _native.U64: np.uint64}[kind]
        named[field_name] = np.ascontiguousarray(values, dtype=dtype)
    return named

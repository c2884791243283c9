"""Crafted snapshots: every one is refused in one sentence, by the library and by the real CLI.

Each case edits a real Node snapshot the way an attacker (or a broken writer) would; the
kernels must never see an array that would make them read outside their buffers.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest

from heapscope.snapshot import HeapSnapshot, SnapshotError, _native, load_snapshot, read_snapshot

Edit = Callable[[dict[str, Any]], None]


def _wrap_edge_counts(document: dict[str, Any]) -> None:
    # Two nodes' counts grow by 2^63 each: 19-digit numbers whose sum wraps to the true total.
    width = len(document["snapshot"]["meta"]["node_fields"])
    at = document["snapshot"]["meta"]["node_fields"].index("edge_count")
    for node in (1, 2):
        document["nodes"][node * width + at] += 2**63


def _location_past_the_nodes(document: dict[str, Any]) -> None:
    width = len(document["snapshot"]["meta"]["node_fields"])
    document["locations"][0] = document["snapshot"]["node_count"] * width


def _location_fields_without_object_index(document: dict[str, Any]) -> None:
    document["snapshot"]["meta"]["location_fields"] = ["script_id", "line", "column", "other"]


def _strings_that_are_not_strings(document: dict[str, Any]) -> None:
    document["strings"] += [""] * 2000 + [42, None]


def _huge_self_size(document: dict[str, Any]) -> None:
    width = len(document["snapshot"]["meta"]["node_fields"])
    at = document["snapshot"]["meta"]["node_fields"].index("self_size")
    document["nodes"][5 * width + at] = 2**53


def _shuffled_edge_counts(document: dict[str, Any]) -> None:
    # Same total, but one node claims the edges of the whole snapshot: offsets stay in range,
    # the kernels' walks would not.
    width = len(document["snapshot"]["meta"]["node_fields"])
    at = document["snapshot"]["meta"]["node_fields"].index("edge_count")
    total = document["snapshot"]["edge_count"]
    for node in range(document["snapshot"]["node_count"]):
        document["nodes"][node * width + at] = 0
    document["nodes"][at] = total


CASES: list[tuple[str, Edit | None, str]] = [
    ("wrapping-edge-counts", _wrap_edge_counts, "edge counts add up to more than any file can hold"),
    ("location-past-the-nodes", _location_past_the_nodes, "a location points past the last node"),
    ("location-fields-lack-object-index", _location_fields_without_object_index, "lacks 'object_index'"),
    ("strings-not-strings", _strings_that_are_not_strings, "'strings' member is not a list of strings"),
    ("self-size-2^53", _huge_self_size, "node sizes add up to 2^53 bytes or more"),
]


def _write(source: Path, target: Path, edit: Edit) -> Path:
    document = orjson.loads(source.read_bytes())
    edit(document)
    target.write_bytes(orjson.dumps(document))
    return target


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "heapscope", *args], capture_output=True, text=True, timeout=120, cwd=cwd
    )


@pytest.mark.parametrize(("edit", "problem"), [case[1:] for case in CASES], ids=[c[0] for c in CASES])
def test_crafted_snapshot_is_refused_in_one_sentence(
    listener_snapshot: tuple[Path, Path], tmp_path: Path, edit: Edit, problem: str
) -> None:
    _, source = listener_snapshot
    bad = _write(source, tmp_path / "crafted.heapsnapshot", edit)
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(bad).initialize()
    assert str(caught.value).startswith(f"{bad}: ")
    assert problem in str(caught.value)
    # The real CLI, on both commands that load snapshots: one line, exit 2, no traceback.
    for command in (["inspect", str(bad)], ["find-leaks", str(source), str(bad)]):
        result = run_cli(*command)
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip().splitlines() == [f"heapscope: {caught.value}"]


def test_edge_counts_that_add_up_but_overlap_nothing_still_load(
    listener_snapshot: tuple[Path, Path], tmp_path: Path
) -> None:
    """Offsets that are monotone and in range form a valid (odd) graph: it loads and analyses."""
    _, source = listener_snapshot
    odd = _write(source, tmp_path / "odd.heapsnapshot", _shuffled_edge_counts)
    snapshot = load_snapshot(odd)
    snapshot.initialize()
    assert int(snapshot.first_edge[1]) == snapshot.edge_count
    assert snapshot.distances[0] == 0


def test_duplicated_nodes_section_is_refused(listener_snapshot: tuple[Path, Path], tmp_path: Path) -> None:
    _, source = listener_snapshot
    text = source.read_bytes()
    start = text.index(b'"nodes":')
    end = text.index(b"]", start) + 1
    bad = tmp_path / "twice.heapsnapshot"
    bad.write_bytes(text[:start] + text[start:end] + b",\n" + text[start:])
    with pytest.raises(SnapshotError, match="the 'nodes' member appears twice"):
        load_snapshot(bad)


def test_kernels_refuse_arrays_that_are_not_a_graph() -> None:
    """Called directly with bad arrays, the kernels say so instead of reading out of bounds."""
    first_edge = np.array([0, 2, 3], dtype=np.int64)
    edge_to = np.array([1, 0, 1], dtype=np.uint32)
    edge_type = np.zeros(3, dtype=np.uint8)
    sizes = np.ones(2, dtype=np.uint64)
    assert _native.check_graph(first_edge, edge_to)
    bad_graphs = [
        (np.array([0, 2, 3], dtype=np.int64), np.array([1, 7, 1], dtype=np.uint32)),  # target past nodes
        (np.array([0, 3, 2], dtype=np.int64), edge_to),  # offsets decrease
        (np.array([1, 2, 3], dtype=np.int64), edge_to),  # does not start at 0
        (np.array([0, 2, 9], dtype=np.int64), edge_to),  # ends past the edges
    ]
    for bad_first, bad_to in bad_graphs:
        assert not _native.check_graph(bad_first, bad_to)
        with pytest.raises(_native.GraphError):
            _native.Graph(bad_first, bad_to)
        # Called directly without the check, the kernels still refuse them.
        dist = np.empty(2, dtype=np.int32)
        assert (
            _native._lib.hs_distances(2, 3, 0, bad_first, bad_to, 0, edge_type, 6, dist) == _native._CORRUPT
        )
    graph = _native.Graph(first_edge, edge_to)
    with pytest.raises(_native.GraphError):  # a root that is not a node
        _native.distances(5, graph, edge_type, 6)
    with pytest.raises(_native.GraphError):  # lengths the arrays do not have
        _native.dominators_and_retained_sizes(0, graph, edge_type[:1], 6, 5, sizes)
    idom = np.array([0, 9], dtype=np.uint32)
    with pytest.raises(_native.GraphError):
        _native.class_top_level(0, idom, np.zeros(2, dtype=np.int32), 1)
    with pytest.raises(_native.GraphError):
        _native.class_top_level(0, np.zeros(2, dtype=np.uint32), np.array([0, 3], dtype=np.int32), 1)


def test_the_class_kernel_groups_by_name_or_type_and_refuses_keys_past_its_table() -> None:
    """Types 0 and 2 group by name, type 1 into key 5: classes numbered in key order."""
    node_type = np.array([0, 1, 0, 2, 1], dtype=np.uint8)
    node_name = np.array([3, 0, 1, 3, 4], dtype=np.uint32)
    type_key = np.array([-1, 5, -1], dtype=np.int64)
    classes, key_class = _native.class_index(node_type, node_name, type_key, 6)
    assert classes.tolist() == [1, 2, 0, 1, 2]
    assert key_class.tolist() == [-1, 0, -1, 1, -1, 2]
    for bad_type, bad_name, bad_key, key_count in [
        (np.array([0, 3, 0, 2, 1], dtype=np.uint8), node_name, type_key, 6),  # a type past the table
        (node_type, np.array([3, 0, 6, 3, 4], dtype=np.uint32), type_key, 6),  # a name past the keys
        (node_type, node_name, np.array([-1, 6, -1], dtype=np.int64), 6),  # a type's key past them
        (node_type, node_name, type_key, 4),  # fewer keys than the names need
    ]:
        with pytest.raises(_native.GraphError):
            _native.class_index(bad_type, bad_name, bad_key, key_count)


def test_the_model_checks_a_graph_the_parser_did_not(listener_snapshot: tuple[Path, Path]) -> None:
    """The loader's parser vouches for the CSR index and the edge targets it filled, so the
    model's Graph takes them as they are; those columns are read-only, and any other arrays
    (a tampered copy among them) are checked and refused before a kernel walks them."""
    _, source = listener_snapshot
    raw = read_snapshot(source)
    first_edge, edge_to = raw.node_columns["first_edge"], raw.edge_columns["to_node"]
    node_count = len(first_edge) - 1
    with pytest.raises(ValueError, match="read-only"):
        edge_to[-1] = node_count
    snapshot = HeapSnapshot(raw)
    assert snapshot.graph.first_edge is first_edge and snapshot.graph.edge_to is edge_to  # not copied
    tampered = read_snapshot(source)
    targets = tampered.edge_columns["to_node"].copy()
    targets[-1] = node_count  # one target past the last node
    tampered.edge_columns["to_node"] = targets
    with pytest.raises(SnapshotError, match="does not describe a graph"):
        HeapSnapshot(tampered)
    # The parser's targets, checked against this node count, with offsets it did not make.
    with pytest.raises(_native.GraphError):
        _native.Graph(np.zeros(node_count + 1, dtype=np.int64), edge_to)
    with pytest.raises(_native.GraphError):  # nor fewer nodes than the targets were checked against
        _native.Graph(first_edge[:-1].copy(), edge_to)


def test_a_graph_holds_what_was_checked_read_only() -> None:
    """Arrays checked into a Graph cannot be changed under it: owned ones become read-only,
    views of writable memory are copied."""
    first_edge = np.array([0, 2, 3], dtype=np.int64)
    memory = np.array([1, 0, 1, 0], dtype=np.uint32)
    graph = _native.Graph(first_edge, memory[:3])
    with pytest.raises(ValueError, match="read-only"):
        first_edge[1] = 9
    memory[0] = 7  # past the last node, in the array the view was of
    assert graph.edge_to.tolist() == [1, 0, 1]
    assert _native.distances(0, graph, np.zeros(3, dtype=np.uint8), 6).tolist() == [0, 1]

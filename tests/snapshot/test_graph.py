"""Graph answers on a real Node snapshot: what a developer reads off DevTools."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heapscope.snapshot import ROOT, _native, load_snapshot, model

from .conftest import LISTENER_COLUMN, LISTENER_LINE


def test_the_25_listener_closures_map_to_their_line_column_and_file(
    listener_snapshot: tuple[Path, Path],
) -> None:
    program, path = listener_snapshot
    snapshot = load_snapshot(path)
    closure = snapshot.node_type_id("closure")
    script_names = snapshot.script_names
    in_program = [
        int(node)
        for node, script in zip(
            snapshot.location_node.tolist(), snapshot.location_script.tolist(), strict=True
        )
        if snapshot.node_type[node] == closure and script_names.get(script) == str(program)
    ]
    at_line = [n for n in in_program if snapshot.location(n).line + 1 == LISTENER_LINE]  # type: ignore[union-attr]
    assert len(at_line) == 25
    location = snapshot.location(at_line[0])
    assert location is not None
    assert (location.line + 1, location.column + 1) == (LISTENER_LINE, LISTENER_COLUMN)
    assert snapshot.script_name_of(at_line[0]) == str(program)
    assert snapshot.class_name(at_line[0]) == "(closure)"


def test_retainer_path_explains_the_listener_through_the_emitter(
    listener_snapshot: tuple[Path, Path],
) -> None:
    program, path = listener_snapshot
    snapshot = load_snapshot(path)
    closure = snapshot.node_type_id("closure")
    listener = next(
        int(node)
        for node in snapshot.location_node[snapshot.location_line == LISTENER_LINE - 1]
        if snapshot.node_type[node] == closure and snapshot.script_name_of(int(node)) == str(program)
    )
    hops = snapshot.retainer_path(listener)
    assert hops[0].node == ROOT and hops[-1].node == listener
    edge_names = [snapshot.edge_name(hop.edge) for hop in hops[1:]]
    classes = [snapshot.class_name(hop.node) for hop in hops]
    assert "_events" in edge_names and "leak" in edge_names
    assert "EventEmitter" in classes
    for before, after in itertools.pairwise(hops):
        assert int(snapshot.edge_to[after.edge]) == after.node
        assert after.edge in snapshot.edges_of(before.node)
    assert len(hops) - 1 == int(snapshot.distances[listener])


def test_class_names_follow_devtools_grouping(listener_snapshot: tuple[Path, Path]) -> None:
    _, path = listener_snapshot
    snapshot = load_snapshot(path)
    names = set(snapshot.class_names)
    assert {"(closure)", "(array)", "(string)", "(compiled code)", "(system)", "EventEmitter"} <= names
    assert "(concatenated string)" not in names and "(sliced string)" not in names
    emitters = np.flatnonzero(np.array(snapshot.class_names)[snapshot.class_index] == "EventEmitter")
    assert len(emitters) >= 1


def test_node_by_id_round_trips(listener_snapshot: tuple[Path, Path]) -> None:
    _, path = listener_snapshot
    snapshot = load_snapshot(path)
    sample = np.linspace(0, snapshot.node_count - 1, 50).astype(int)
    for node in sample.tolist():
        assert snapshot.node_by_id(int(snapshot.node_id[node])) == node
    missing = int(snapshot.node_id.max()) + 1  # no id is above the largest one
    assert snapshot.node_by_id(missing) == -1
    found = snapshot.nodes_by_ids(np.append(snapshot.node_id[sample], missing))
    assert found.tolist() == [*sample.tolist(), -1]


def test_ids_past_the_table_are_found_too(
    listener_snapshot: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ids under a bound go through a table, the rest through a sorted join: same answers either way."""
    _, path = listener_snapshot
    tabled = load_snapshot(path)
    monkeypatch.setattr(model, "_ID_TABLE_NODES_FACTOR", 0)  # bound 65536: most ids take the join
    joined = load_snapshot(path)
    monkeypatch.undo()
    rng = np.random.default_rng(7)
    present = tabled.node_id[rng.integers(0, tabled.node_count, 3000)].astype(np.int64)
    absent = rng.integers(0, int(tabled.node_id.max()) + 100, 3000)
    queries = np.concatenate([present, absent, [-1]])
    expected = [tabled.node_by_id(int(i)) if i >= 0 else -1 for i in queries[:50].tolist()]
    assert joined.nodes_by_ids(queries).tolist() == tabled.nodes_by_ids(queries).tolist()
    assert joined.nodes_by_ids(queries[:50]).tolist() == expected
    assert (tabled.node_id[tabled.nodes_by_ids(present)] == present).all()
    assert joined.contains_ids(queries).tolist() == tabled.contains_ids(queries).tolist()


def _first_node_of(ids: list[int]) -> dict[int, int]:
    first: dict[int, int] = {}
    for node, node_id in enumerate(ids):
        first.setdefault(node_id, node)
    return first


@settings(max_examples=200, deadline=None)
@given(
    wide=st.booleans(),
    ids=st.lists(
        st.one_of(
            st.integers(0, 300),  # dense, odd and even, repeated
            st.sampled_from([2**31 - 1, 2**31 + 1, 2**32 - 1, 2**32 + 1, 2**53 + 1, 2**63 + 1, 2**64 - 1]),
        ),
        max_size=200,
    ),
    bound=st.sampled_from([0, 1, 64, 301, 1024]),  # the table has up to bound / 2 slots
    queries=st.lists(st.integers(-(2**63), 2**64 - 1), max_size=50),
)
def test_the_id_index_finds_the_first_node_of_every_id(
    wide: bool, ids: list[int], bound: int, queries: list[int]
) -> None:
    """Whatever the ids (even, repeated, past the bound, past 32 bits) and the query values
    (negative, absent, past any table), the compiled index answers as a dict of first nodes."""
    dtype = np.uint64 if wide else np.uint32
    column = np.array([i for i in ids if wide or i < 2**32], dtype=dtype)
    first = _first_node_of(column.tolist())
    index = _native.IdIndex(column, bound)
    asked = column.tolist() + [q for q in queries if wide or -(2**63) <= q < 2**63]
    signed = np.array([q for q in asked if q < 2**63], dtype=np.int64)
    for query in (np.array([q for q in asked if q >= 0], dtype=np.uint64), signed, signed.astype(np.uint32)):
        expected = [first.get(q, -1) if q >= 0 else -1 for q in query.tolist()]
        assert index.find(query).tolist() == expected
        flags, found = index.contains(query)
        assert flags.tolist() == [node >= 0 for node in expected]
        assert found == sum(node >= 0 for node in expected)
    if not wide:
        narrow = column + 1  # another uint32 column, looked up without widening
        assert index.find(narrow).tolist() == [first.get(q, -1) for q in narrow.tolist()]


def test_an_id_index_refuses_what_is_not_an_id_column() -> None:
    with pytest.raises(_native.GraphError):
        _native.IdIndex(np.array([1.0, 3.0]), 64)
    with pytest.raises(_native.GraphError):
        _native.IdIndex(np.array([[1, 3]], dtype=np.uint32), 64)
    assert _native.IdIndex(np.zeros(0, dtype=np.uint32), 64).find(np.array([1, 2])).tolist() == [-1, -1]

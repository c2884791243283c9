"""Graph answers on a real Node snapshot: what a developer reads off DevTools."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from heapscope.snapshot import ROOT, load_snapshot, model

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

"""Loading: every writer's layout parses to the same graph; bad files give one clear sentence."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest

from heapscope.snapshot import SnapshotError, load_snapshot, read_snapshot

from .conftest import build_snapshot


def parsed(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = orjson.loads(path.read_bytes())
    return document


def assert_same_graph(left: Path, right: Path) -> None:
    a, b = load_snapshot(left), load_snapshot(right)
    assert (a.node_count, a.edge_count) == (b.node_count, b.edge_count)
    assert np.array_equal(a.node_id, b.node_id)
    assert np.array_equal(a.edge_to, b.edge_to)
    assert np.array_equal(a.retained_sizes, b.retained_sizes)
    assert a.class_names == b.class_names


def test_counts_match_the_header_of_a_real_snapshot(listener_snapshot: tuple[Path, Path]) -> None:
    _, path = listener_snapshot
    header = parsed(path)["snapshot"]
    snapshot = load_snapshot(path)
    assert snapshot.node_count == header["node_count"]
    assert snapshot.edge_count == header["edge_count"]
    assert snapshot.trace_node_id is not None and snapshot.detachedness is not None


def test_compact_json_without_newlines_loads_the_same(
    listener_snapshot: tuple[Path, Path], tmp_path: Path
) -> None:
    """Chrome DevTools saves the same JSON but may lay it out differently."""
    _, path = listener_snapshot
    compact = tmp_path / "compact.heapsnapshot"
    compact.write_bytes(orjson.dumps(parsed(path)))
    assert_same_graph(path, compact)


def test_pretty_printed_json_loads_the_same(listener_snapshot: tuple[Path, Path], tmp_path: Path) -> None:
    _, path = listener_snapshot
    pretty = tmp_path / "pretty.heapsnapshot"
    pretty.write_bytes(orjson.dumps(parsed(path), option=orjson.OPT_INDENT_2))
    assert_same_graph(path, pretty)


def test_field_offsets_come_from_meta_not_from_assumptions(
    listener_snapshot: tuple[Path, Path], tmp_path: Path
) -> None:
    """Drop trace_node_id/detachedness/locations and reorder node and edge fields: same graph."""
    _, path = listener_snapshot
    document = parsed(path)
    meta = document["snapshot"]["meta"]
    fields = meta["node_fields"]
    width = len(fields)
    nodes = np.array(document["nodes"]).reshape(-1, width)
    new_fields = ["id", "edge_count", "self_size", "name", "type"]
    columns = [fields.index(name) for name in new_fields]
    meta["node_types"] = [meta["node_types"][fields.index(name)] for name in new_fields]
    meta["node_fields"] = new_fields
    document["nodes"] = nodes[:, columns].ravel().tolist()
    edges = np.array(document["edges"]).reshape(-1, 3)
    edges[:, 2] = edges[:, 2] // width * len(new_fields)  # to_node is an offset into the nodes array
    meta["edge_fields"] = ["to_node", "type", "name_or_index"]
    meta["edge_types"] = ["node", meta["edge_types"][0], "string_or_number"]
    document["edges"] = edges[:, [2, 0, 1]].ravel().tolist()
    for key in ("locations", "trace_function_infos", "trace_tree", "samples"):
        document.pop(key)
    reordered = tmp_path / "reordered.heapsnapshot"
    reordered.write_bytes(orjson.dumps(document))
    snapshot = load_snapshot(reordered)
    original = load_snapshot(path)
    assert snapshot.trace_node_id is None and snapshot.detachedness is None
    assert snapshot.location(1) is None and snapshot.script_names == {}
    assert np.array_equal(snapshot.self_size, original.self_size)
    assert np.array_equal(snapshot.retained_sizes, original.retained_sizes)
    assert snapshot.class_names == original.class_names


def truncated(source: Path, target: Path, fraction: float) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * fraction)])
    return target


def test_without_sources_loads_what_release_sources_leaves(listener_snapshot: tuple[Path, Path]) -> None:
    """The earlier snapshots of a hunt skip their locations and traces: same arrays, same dtypes."""
    _, path = listener_snapshot
    released = load_snapshot(path)
    assert len(released.location_node) and released.trace_node_id is not None
    released.release_sources()
    skipped = load_snapshot(path, sources=False)
    assert skipped.strings == released.strings
    for name in (
        "first_edge",
        "edge_to",
        "node_type",
        "node_name",
        "node_id",
        "self_size",
        "edge_type",
        "edge_name_or_index",
        "location_node",
        "location_script",
        "location_line",
        "location_column",
        "trace_function_infos",
        "samples",
    ):
        mine, theirs = getattr(skipped, name), getattr(released, name)
        assert mine.dtype == theirs.dtype and mine.shape == theirs.shape, name
        assert np.array_equal(mine, theirs), name
    assert skipped.trace_node_id is None and skipped.detachedness is None and skipped.trace_tree == []
    assert np.array_equal(skipped.retained_sizes, released.retained_sizes)


def test_skipped_sources_still_have_to_be_well_formed(
    listener_snapshot: tuple[Path, Path], tmp_path: Path
) -> None:
    _, path = listener_snapshot
    text = path.read_bytes()
    cut = tmp_path / "cut.heapsnapshot"
    cut.write_bytes(text[: text.index(b'"locations"') + 40])
    with pytest.raises(SnapshotError, match="cut short"):
        load_snapshot(cut, sources=False)
    twice = tmp_path / "twice.heapsnapshot"
    twice.write_bytes(text.replace(b'"locations":', b'"locations":[],"locations":', 1))
    with pytest.raises(SnapshotError, match="'locations' member appears twice"):
        load_snapshot(twice, sources=False)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda src, dst: dst.write_bytes(b"") and dst, "the file is empty"),
        (lambda src, dst: dst.write_bytes(b"hello, I am not JSON") and dst, "not a heap snapshot"),
        (
            lambda src, dst: dst.write_bytes(b'{"name": "package", "version": "1.0.0"}') and dst,
            "no 'snapshot' header",
        ),
        (lambda src, dst: dst.write_bytes(b"[1, 2, 3]") and dst, "not a JSON object"),
        (lambda src, dst: truncated(src, dst, 0.5), "truncated"),
        (lambda src, dst: truncated(src, dst, 0.0005), "truncated"),
        (lambda src, dst: truncated(src, dst, 0.99), "truncated"),
    ],
    ids=[
        "empty",
        "not-json",
        "foreign-json",
        "json-array",
        "cut-in-edges",
        "cut-in-header",
        "cut-in-strings",
    ],
)
def test_bad_files_raise_one_sentence_naming_the_file(
    listener_snapshot: tuple[Path, Path], tmp_path: Path, make: Any, problem: str
) -> None:
    _, source = listener_snapshot
    bad = tmp_path / "bad.heapsnapshot"
    make(source, bad)
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(bad)
    message = str(caught.value)
    assert message.startswith(f"{bad}: ")
    assert problem in message
    assert "\n" not in message


@pytest.mark.parametrize("missing", ["node_fields", "edge_types", "node_types"])
def test_meta_lacking_a_needed_field_names_it(
    listener_snapshot: tuple[Path, Path], tmp_path: Path, missing: str
) -> None:
    _, source = listener_snapshot
    document = parsed(source)
    del document["snapshot"]["meta"][missing]
    bad = tmp_path / "no-field.heapsnapshot"
    bad.write_bytes(orjson.dumps(document))
    with pytest.raises(SnapshotError, match=f"lacks '{missing}'"):
        load_snapshot(bad)


def test_header_counts_that_disagree_with_the_arrays_are_reported(
    listener_snapshot: tuple[Path, Path], tmp_path: Path
) -> None:
    _, source = listener_snapshot
    document = parsed(source)
    document["snapshot"]["edge_count"] += 1
    bad = tmp_path / "miscounted.heapsnapshot"
    bad.write_bytes(orjson.dumps(document))
    with pytest.raises(SnapshotError, match="'edges' array has"):
        load_snapshot(bad)


@pytest.mark.parametrize("key", ["node_count", "edge_count"])
def test_a_header_count_beyond_the_file_is_refused_before_allocating(
    listener_snapshot: tuple[Path, Path], tmp_path: Path, key: str
) -> None:
    """A corrupt count of 10^12 would otherwise ask for terabytes and end in a traceback."""
    _, source = listener_snapshot
    document = parsed(source)
    document["snapshot"][key] = 10**12
    bad = tmp_path / "corrupt-count.heapsnapshot"
    bad.write_bytes(orjson.dumps(document))
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(bad)
    assert str(caught.value) == (
        f"{bad}: the file is truncated or its header is corrupt: '{key}' is 1,000,000,000,000, "
        "more than the file can hold"
    )
    result = run_cli("inspect", str(bad))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"heapscope: {caught.value}"]


def test_missing_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="cannot read the file"):
        load_snapshot(tmp_path / "nowhere.heapsnapshot")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "heapscope", *args], capture_output=True, text=True, timeout=120
    )


def test_inspect_prints_counts_and_top_classes(listener_snapshot: tuple[Path, Path]) -> None:
    _, path = listener_snapshot
    snapshot = load_snapshot(path)
    result = run_cli("inspect", str(path))
    assert result.returncode == 0, result.stderr
    assert f"nodes: {snapshot.node_count:,}" in result.stdout
    assert f"edges: {snapshot.edge_count:,}" in result.stdout
    assert "Top 20 classes by count" in result.stdout
    assert "Top 20 classes by retained size" in result.stdout
    by_count = result.stdout.split("Top 20 classes by count")[1].split("Top 20")[0].strip().splitlines()
    assert len(by_count) == 21  # header + 20 classes
    assert "EventEmitter" in result.stdout or "(closure)" in result.stdout


def test_inspect_json_has_the_text_summary_numbers(listener_snapshot: tuple[Path, Path]) -> None:
    _, path = listener_snapshot
    snapshot = load_snapshot(path)
    snapshot.initialize()
    result = run_cli("inspect", "--format", "json", "--top", "5", str(path))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["file"], document["nodes"], document["edges"]) == (
        str(path),
        snapshot.node_count,
        snapshot.edge_count,
    )
    assert document["totalSize"] == snapshot.total_size
    assert len(document["topByCount"]) == len(document["topByRetainedSize"]) == 5
    counts = [row["count"] for row in document["topByCount"]]
    assert counts == sorted(counts, reverse=True)
    sizes = [row["retainedSize"] for row in document["topByRetainedSize"]]
    assert sizes == sorted(sizes, reverse=True)
    assert set(document["topByCount"][0]) == {"class", "count", "shallowSize", "retainedSize"}
    text = run_cli("inspect", "--top", "5", str(path)).stdout
    top = document["topByCount"][0]
    assert f"{top['count']:,}" in text and top["class"] in text


def test_inspect_on_a_truncated_file_prints_one_line_and_fails(
    listener_snapshot: tuple[Path, Path], tmp_path: Path
) -> None:
    _, source = listener_snapshot
    bad = truncated(source, tmp_path / "cut.heapsnapshot", 0.3)
    result = run_cli("inspect", str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert str(bad) in lines[0] and "truncated" in lines[0]


def test_inspect_into_a_closed_pipe_is_quiet(listener_snapshot: tuple[Path, Path]) -> None:
    """`heapscope inspect big.heapsnapshot | head` must not end in a traceback."""
    _, path = listener_snapshot
    process = subprocess.Popen(
        [sys.executable, "-m", "heapscope", "inspect", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before anything is written
    errors = process.stderr.read()
    assert process.wait(timeout=120) == 141
    assert errors == ""


@pytest.mark.parametrize("twice", [False, True], ids=["one-per-node", "a-node-named-twice"])
def test_locations_come_out_in_node_order_stably(
    write_json: Callable[[dict[str, Any], str], Path], twice: bool
) -> None:
    """Locations written out of node order are sorted by node; rows of one node keep file order."""
    names = ["", "a", "b", "c", "d"]
    edges = [(0, node, "element", str(node)) for node in range(1, 5)]
    rows = [(3, 7, 30, 1), (1, 7, 10, 2), (4, 8, 40, 3), (2, 7, 20, 4)]
    if twice:
        rows += [(1, 9, 11, 5)]
    snapshot = load_snapshot(
        write_json(build_snapshot(names, edges, locations=rows), "locations.heapsnapshot")
    )
    expected = sorted(rows, key=lambda row: row[0])  # Python's sort is stable
    got = zip(
        snapshot.location_node.tolist(),
        snapshot.location_script.tolist(),
        snapshot.location_line.tolist(),
        snapshot.location_column.tolist(),
        strict=True,
    )
    assert list(got) == expected


def test_dominators_started_ahead_are_those_of_a_plain_load(listener_snapshot: tuple[Path, Path]) -> None:
    """The dominator tree started while the strings and locations are still read is the
    tree of the loaded snapshot, and the load does not wait for it."""
    _, path = listener_snapshot
    plain = load_snapshot(path)
    with ThreadPoolExecutor(max_workers=1) as pool:
        ahead = load_snapshot(path, dominators_in=pool)
        assert ahead._pending_dominator_tree is not None
        assert np.array_equal(ahead.dominators, plain.dominators)
        assert np.array_equal(ahead.retained_sizes, plain.retained_sizes)
        assert np.array_equal(ahead.dominator_reachable, plain.dominator_reachable)


def test_the_graph_is_handed_over_before_the_strings_are_read(
    listener_snapshot: tuple[Path, Path], tmp_path: Path
) -> None:
    """The columns go to work on the graph as soon as the edges are parsed; a file whose
    strings are broken after them is still refused in one sentence, and a file without
    counts in its header (rows, not columns) hands nothing over."""
    _, path = listener_snapshot
    text = path.read_bytes()
    seen: list[tuple[int, int]] = []

    def graph_parsed(meta: Any, nodes: dict[str, Any], edges: dict[str, Any]) -> None:
        seen.append((len(nodes["first_edge"]) - 1, len(edges["to_node"])))

    raw = read_snapshot(path, graph_parsed=graph_parsed)
    assert seen == [(raw.meta.node_count, raw.meta.edge_count)]
    broken = tmp_path / "broken.heapsnapshot"
    strings = text.index(b'"strings"')
    broken.write_bytes(text[:strings] + b'"strings":[1,2' + text[strings + 14 :])
    seen.clear()
    with pytest.raises(SnapshotError) as caught:
        read_snapshot(broken, graph_parsed=graph_parsed)
    assert str(caught.value).startswith(f"{broken}: ") and "\n" not in str(caught.value)
    assert len(seen) == 1
    with ThreadPoolExecutor(max_workers=1) as pool, pytest.raises(SnapshotError):
        load_snapshot(broken, dominators_in=pool)
    document = parsed(path)
    del document["snapshot"]["node_count"], document["snapshot"]["edge_count"]
    uncounted = tmp_path / "uncounted.heapsnapshot"
    uncounted.write_bytes(orjson.dumps(document))
    seen.clear()
    read_snapshot(uncounted, graph_parsed=graph_parsed)
    assert seen == []

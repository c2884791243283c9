"""The closure census on a small hand-built graph: which function literals have many closures alive.

Closures are counted per source position of their function literal; only positions in a
file of the program count (not Node's internals), only closures (not objects that carry
a location), and the busiest come first.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from heapscope.analysis import ClosureSite, Location, closure_census
from heapscope.analysis.census import _sites
from heapscope.analysis.source import SourceResolver
from heapscope.snapshot import HeapSnapshot, load_snapshot
from snapshot.conftest import build_snapshot

APP_SCRIPT = 7
INTERNAL_SCRIPT = 9
APP_URL = "file:///srv/my%20app/app.js"
APP_PATH = "/srv/my app/app.js"


class Heap:
    """Root, global object, and for each script a Script node its closures reach through ``shared``."""

    def __init__(self) -> None:
        self.names: list[str] = ["", "global / "]
        self.types: list[str] = ["synthetic", "object"]
        self.sizes: list[int] = [0, 10]
        self.edges: list[tuple[int, int, str, str]] = [(0, 1, "shortcut", "2")]
        self.locations: list[tuple[int, int, int, int]] = []
        self.shared: dict[int, int] = {}
        self.held = 0

    def node(self, name: str, type_: str, size: int = 10) -> int:
        self.names.append(name)
        self.types.append(type_)
        self.sizes.append(size)
        return len(self.names) - 1

    def script(self, script_id: int, url: str) -> None:
        script = self.node("Script", "code")
        self.edges.append((script, self.node(url, "string"), "internal", "name"))
        shared = self.node("SharedFunctionInfo", "code")
        self.edges.append((shared, script, "internal", "script"))
        self.edges.append((1, shared, "internal", f"shared{script_id}"))
        self.shared[script_id] = shared

    def alive(self, count: int, script_id: int, line: int, *, type_: str = "closure", name: str = "") -> None:
        """``count`` objects defined at (script, 0-based line, column 4), each held by the global object."""
        for _ in range(count):
            node = self.node(name, type_)
            if type_ == "closure":
                self.edges.append((node, self.shared[script_id], "internal", "shared"))
            self.edges.append((1, node, "element", str(self.held)))
            self.held += 1
            self.locations.append((node, script_id, line, 4))

    def load(self, directory: Path) -> HeapSnapshot:
        document = build_snapshot(self.names, self.edges, self.sizes, self.types, self.locations)
        path = directory / "census.heapsnapshot"
        path.write_bytes(orjson.dumps(document))
        snapshot = load_snapshot(path)
        snapshot.initialize()
        return snapshot


def busy_heap(directory: Path) -> HeapSnapshot:
    heap = Heap()
    heap.script(APP_SCRIPT, APP_URL)
    heap.script(INTERNAL_SCRIPT, "node:internal/timers")
    heap.alive(120, APP_SCRIPT, 4, name="onRequest")
    heap.alive(30, APP_SCRIPT, 9, name="retry")
    heap.alive(150, INTERNAL_SCRIPT, 2, name="listOnTimeout")
    heap.alive(110, APP_SCRIPT, 20, type_="object", name="Session")
    return heap.load(directory)


def test_census_counts_closures_per_function_literal_in_the_programs_files(tmp_path: Path) -> None:
    snapshot = busy_heap(tmp_path)
    assert closure_census(snapshot) == [
        ClosureSite(Location(APP_PATH, 5, 5), count=120, retained_bytes=1200, function_name="onRequest")
    ]


def test_census_lists_the_busiest_sites_first_down_to_the_minimum(tmp_path: Path) -> None:
    snapshot = busy_heap(tmp_path)
    sites = closure_census(snapshot, minimum=20)
    assert [(site.location.line, site.count, site.function_name) for site in sites] == [
        (5, 120, "onRequest"),
        (10, 30, "retry"),
    ]
    assert [site.count for site in closure_census(snapshot, minimum=20, limit=1)] == [120]
    assert closure_census(snapshot, minimum=121) == []


def test_census_reads_script_files_through_the_analysis_resolver(tmp_path: Path) -> None:
    """The resolver the analysis already has names the files (its script map, its source maps)."""
    snapshot = busy_heap(tmp_path)
    resolver = SourceResolver(snapshot, {str(INTERNAL_SCRIPT): "C:\\app\\timers.js"})
    sites = closure_census(snapshot, resolver)
    assert [(site.location.path, site.count) for site in sites] == [(APP_PATH, 120)]
    # The graph names script 9 ``node:internal/timers``; the graph wins over the inspector's map.
    assert resolver.script_path(INTERNAL_SCRIPT) is None


def test_a_snapshot_without_locations_has_no_census(tmp_path: Path) -> None:
    heap = Heap()
    heap.node("lonely", "closure")
    assert closure_census(heap.load(tmp_path)) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(*[st.integers(0, 3)] * 3), min_size=1, max_size=60))
def test_sites_are_numpys_distinct_rows(rows: list[tuple[int, int, int]]) -> None:
    """The census's grouping of (script, line, column) matches ``np.unique(axis=0)``, order included."""
    columns = [np.array(column, dtype=np.uint32) for column in zip(*rows, strict=True)]
    expected = np.unique(
        np.stack(columns, axis=1), axis=0, return_index=True, return_inverse=True, return_counts=True
    )
    for got, want in zip(_sites(*columns), expected, strict=True):
        assert np.array_equal(got, want.reshape(got.shape))

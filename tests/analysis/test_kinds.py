"""Each leak-kind rule on a small hand-built graph: what it decides from the holder's structure,
and which rule of the ordered list wins. Real programs are in test_patterns.py and tests/leaks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import orjson
import pytest

from heapscope.analysis.classify import Classifier, build_findings
from heapscope.analysis.kinds import RULES, Growth
from heapscope.analysis.kinds.policy import severity
from heapscope.analysis.leaks import LeakGroup, group_survivors, keeps_growing, slowing_down
from heapscope.analysis.paths import PathFinder
from heapscope.analysis.source import SourceResolver
from heapscope.snapshot import HeapSnapshot, load_snapshot
from snapshot.conftest import build_snapshot

USER_SCRIPT = 7
PACKAGE_SCRIPT = 8
RUNTIME_SCRIPT = 9  # Node's own code (node:internal/timers)


@dataclass
class Graph:
    """A heap graph written node by node; node 0 is the root, node 1 the global object."""

    names: list[str] = field(default_factory=lambda: ["", "global / "])
    types: list[str] = field(default_factory=lambda: ["synthetic", "object"])
    sizes: list[int] = field(default_factory=lambda: [0, 10])
    edges: list[tuple[int, int, str, str]] = field(default_factory=lambda: [(0, 1, "shortcut", "2")])
    locations: list[tuple[int, int, int, int]] = field(default_factory=list)

    def node(
        self, name: str, type_: str = "object", size: int = 10, at: tuple[int, int] | None = None
    ) -> int:
        """Adds a node; ``at`` = (script id, 0-based line) gives it a source location."""
        self.names.append(name)
        self.types.append(type_)
        self.sizes.append(size)
        index = len(self.names) - 1
        if at is not None:
            self.locations.append((index, at[0], at[1], 2))
        return index

    def edge(self, source: int, target: int, name: str, type_: str = "property") -> None:
        self.edges.append((source, target, type_, name))

    def load(self, directory: Path, name: str = "graph") -> HeapSnapshot:
        document = build_snapshot(self.names, self.edges, self.sizes, self.types, self.locations)
        path = directory / f"{name}.heapsnapshot"
        path.write_bytes(orjson.dumps(document))
        snapshot = load_snapshot(path)
        snapshot.initialize()
        return snapshot


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with app.js and node_modules/tiny-cache (version 2.1.0)."""
    (tmp_path / "app.js").write_text("// app\n" * 40)
    package = tmp_path / "node_modules" / "tiny-cache"
    package.mkdir(parents=True)
    (package / "index.js").write_text("// package\n" * 40)
    (package / "package.json").write_text(json.dumps({"name": "tiny-cache", "version": "2.1.0"}))
    return tmp_path


def classify(graph: Graph, project: Path, anchor: int, entries: list[int], entry_class: str) -> Classifier:
    snapshot = graph.load(project)
    scripts = {
        str(USER_SCRIPT): str(project / "app.js"),
        str(PACKAGE_SCRIPT): str(project / "node_modules/tiny-cache/index.js"),
        str(RUNTIME_SCRIPT): "node:internal/timers",
    }
    classifier = Classifier([snapshot] * 3, SourceResolver(snapshot, scripts))
    members = np.array(entries, dtype=np.int64)
    classifier.group = LeakGroup(  # type: ignore[attr-defined]
        anchor_id=int(snapshot.node_id[anchor]),
        anchor=anchor,
        members=members,
        new_bytes=10 * len(entries),
        entries=members,
        entry_class=entry_class,
        counts=[1, 2, 3],
        retained=[100, 200, 300],
    )
    return classifier


def module_scope(graph: Graph, script: int = USER_SCRIPT) -> int:
    """A module's top-level context, reachable from the global through one of its functions."""
    handler = graph.node("handle", "closure", at=(script, 3))
    context = graph.node("system / Context", "hidden")
    graph.edge(1, handler, "handle")
    graph.edge(handler, context, "context", "internal")
    return context


def test_event_listener_is_decided_by_the_emitters_listener_store(project: Path) -> None:
    graph = Graph()
    bus = graph.node("PriceBus")
    events = graph.node("Object")
    listeners = graph.node("Array")
    graph.edge(1, bus, "bus")
    graph.edge(bus, events, "_events")
    graph.edge(events, listeners, "tick")
    entries = [graph.node("", "closure", at=(USER_SCRIPT, 5)) for _ in range(4)]
    for index, entry in enumerate(entries):
        graph.edge(listeners, entry, str(index), "element")
    classifier = classify(graph, project, listeners, entries, "(closure)")
    evidence = classifier.classify(classifier.group)  # type: ignore[attr-defined]
    assert evidence.kind == "event-listener"
    assert evidence.to_json()["event"] == "tick"
    assert evidence.to_json()["emitter"] == "bus"
    assert evidence.location is not None and (evidence.location.line, evidence.location.path) == (
        6,
        str(project / "app.js"),
    )


def test_event_listener_does_not_depend_on_the_shortest_path(project: Path) -> None:
    """A warning reaches the listener array in fewer hops than the emitter does: still a listener leak."""
    graph = Graph()
    warning = graph.node("Error")
    bus = graph.node("PriceBus")
    events = graph.node("Object")
    listeners = graph.node("Array")
    graph.edge(1, warning, "lastWarning")
    graph.edge(warning, listeners, "listeners")
    graph.edge(1, bus, "bus")
    graph.edge(bus, events, "_events")
    graph.edge(events, listeners, "tick")
    entries = [graph.node("", "closure", at=(USER_SCRIPT, 5)) for _ in range(4)]
    for index, entry in enumerate(entries):
        graph.edge(listeners, entry, str(index), "element")
    classifier = classify(graph, project, listeners, entries, "(closure)")
    evidence = classifier.classify(classifier.group)  # type: ignore[attr-defined]
    assert (evidence.kind, evidence.to_json()["event"], evidence.to_json()["emitter"]) == (
        "event-listener",
        "tick",
        "bus",
    )


def test_listeners_behind_a_closure_scope_are_not_an_emitters_leak(project: Path) -> None:
    """A store reached through a function's scope is data the function keeps, not listeners."""
    graph = Graph()
    bus = graph.node("EventEmitter")
    events = graph.node("Object")
    keeper = graph.node("keep", "closure", at=(USER_SCRIPT, 9))
    scope = graph.node("system / Context", "hidden")
    held = graph.node("Array")
    graph.edge(1, bus, "bus")
    graph.edge(bus, events, "_events")
    graph.edge(events, keeper, "tick")
    graph.edge(keeper, scope, "context", "internal")
    graph.edge(scope, held, "history", "context")
    entries = [graph.node("Object") for _ in range(4)]
    for index, entry in enumerate(entries):
        graph.edge(held, entry, str(index), "element")
    classifier = classify(graph, project, held, entries, "Object")
    assert classifier.classify(classifier.group).kind != "event-listener"  # type: ignore[attr-defined]


def timer_graph(callback_script: int) -> tuple[Graph, int, list[int]]:
    graph = Graph()
    timers_module = module_scope(graph, script=RUNTIME_SCRIPT)
    lists = graph.node("Object")
    timer_list = graph.node("TimersList")
    graph.edge(timers_module, lists, "timerListMap", "context")
    graph.edge(lists, timer_list, "45000", "element")
    entries: list[int] = []
    previous = timer_list
    for _ in range(4):
        timeout = graph.node("Timeout")
        callback = graph.node("", "closure", at=(callback_script, 14))
        graph.edge(previous, timeout, "_idleNext")
        graph.edge(timeout, previous, "_idlePrev")
        graph.edge(timeout, callback, "_onTimeout")
        entries.append(timeout)
        previous = timeout
    graph.edge(previous, timer_list, "_idleNext")
    return graph, timer_list, entries


def test_timer_is_a_timeout_in_nodes_timer_list_with_the_programs_callback(project: Path) -> None:
    graph, timer_list, entries = timer_graph(USER_SCRIPT)
    classifier = classify(graph, project, timer_list, entries, "Timeout")
    evidence = classifier.classify(classifier.group)  # type: ignore[attr-defined]
    assert evidence.kind == "timer"
    assert evidence.location is not None and evidence.location.line == 15
    # Node's list has no name in the program: not its links' ``_idleNext``, not ``timerListMap``.
    assert (evidence.name, evidence.owner, evidence.names) == ("", "", [])


def test_a_variable_of_nodes_own_code_is_not_the_holders_name(project: Path) -> None:
    graph = Graph()
    runtime = module_scope(graph, script=RUNTIME_SCRIPT)
    pending = graph.node("Map")
    graph.edge(runtime, pending, "pendingRequests", "context")
    entries = [graph.node("Object") for _ in range(4)]
    for index, entry in enumerate(entries):
        graph.edge(pending, entry, str(index), "internal")
    classifier = classify(graph, project, pending, entries, "Object")
    assert classifier.subject(classifier.group).name == ""  # type: ignore[attr-defined]


def test_a_packages_own_timer_is_third_party_with_its_version(project: Path) -> None:
    graph, timer_list, entries = timer_graph(PACKAGE_SCRIPT)
    classifier = classify(graph, project, timer_list, entries, "Timeout")
    evidence = classifier.classify(classifier.group)  # type: ignore[attr-defined]
    assert evidence.kind == "third-party"
    assert (evidence.to_json()["package"], evidence.to_json()["package_version"]) == ("tiny-cache", "2.1.0")


def test_closures_from_one_literal_are_a_closure_leak(project: Path) -> None:
    graph = Graph()
    scope = module_scope(graph)
    chain = graph.node("Array")
    graph.edge(scope, chain, "handlers", "context")
    entries = [graph.node("onDone", "closure", at=(USER_SCRIPT, 20)) for _ in range(5)]
    for index, entry in enumerate(entries):
        graph.edge(chain, entry, str(index), "element")
    classifier = classify(graph, project, chain, entries, "(closure)")
    evidence = classifier.classify(classifier.group)  # type: ignore[attr-defined]
    assert evidence.kind == "closure"
    assert evidence.location is not None and evidence.location.line == 21


def test_global_is_a_property_path_from_the_global_object(project: Path) -> None:
    graph = Graph()
    log = graph.node("Array")
    graph.edge(1, log, "requestLog")
    entries = [graph.node("Object") for _ in range(4)]
    for index, entry in enumerate(entries):
        graph.edge(log, entry, str(index), "element")
    classifier = classify(graph, project, log, entries, "Object")
    evidence = classifier.classify(classifier.group)  # type: ignore[attr-defined]
    assert (evidence.kind, evidence.name) == ("global", "requestLog")


def test_a_module_array_named_like_a_queue_is_a_queue_and_a_map_is_a_collection(project: Path) -> None:
    graph = Graph()
    scope = module_scope(graph)
    pending = graph.node("Array")
    cache = graph.node("Map")
    table = graph.node("system / OrderedHashMap", "array")
    graph.edge(scope, pending, "pending", "context")
    graph.edge(scope, cache, "cache", "context")
    graph.edge(cache, table, "table", "internal")
    jobs = [graph.node("Object") for _ in range(4)]
    rows = [graph.node("Object") for _ in range(4)]
    for index, (job, row) in enumerate(zip(jobs, rows, strict=True)):
        graph.edge(pending, job, str(index), "element")
        graph.edge(table, row, str(index), "element")
    queue = classify(graph, project, pending, jobs, "Object")
    assert queue.classify(queue.group).kind == "queue"  # type: ignore[attr-defined]
    collection = classify(graph, project, cache, rows, "Object")
    evidence = collection.classify(collection.group)  # type: ignore[attr-defined]
    assert (evidence.kind, evidence.name) == ("collection", "cache")


def test_a_collection_keeps_every_user_visible_name(project: Path) -> None:
    """A Map held by a closure variable and exported as a property: both names reach the source step."""
    graph = Graph()
    scope = module_scope(graph)
    exports = graph.node("Module")
    sessions = graph.node("Map")
    graph.edge(0, exports, "5", "element")
    graph.edge(scope, sessions, "sessions", "context")
    graph.edge(exports, sessions, "openSessions")
    entries = [graph.node("Object") for _ in range(4)]
    for index, entry in enumerate(entries):
        graph.edge(sessions, entry, str(index), "element")
    classifier = classify(graph, project, sessions, entries, "Object")
    evidence = classifier.classify(classifier.group)  # type: ignore[attr-defined]
    assert evidence.kind == "collection"
    assert set(evidence.names) == {"sessions", "openSessions"}


def test_a_holder_owned_by_package_code_is_third_party(project: Path) -> None:
    graph = Graph()
    scope = module_scope(graph, script=PACKAGE_SCRIPT)
    series = graph.node("Map")
    graph.edge(scope, series, "series", "context")
    entries = [graph.node("Object") for _ in range(4)]
    for index, entry in enumerate(entries):
        graph.edge(series, entry, str(index), "element")
    classifier = classify(graph, project, series, entries, "Object")
    evidence = classifier.classify(classifier.group)  # type: ignore[attr-defined]
    assert evidence.kind == "third-party"
    assert evidence.to_json()["package"] == "tiny-cache"


def test_growth_no_rule_explains_is_other_with_its_biggest_classes(project: Path) -> None:
    graph = Graph()
    holder = graph.node("ConnectionState")
    graph.edge(0, holder, "3", "element")
    entries = [graph.node("Buffer", size=500) for _ in range(4)]
    for index, entry in enumerate(entries):
        graph.edge(holder, entry, str(index), "element")
    classifier = classify(graph, project, holder, entries, "Buffer")
    evidence = classifier.classify(classifier.group)  # type: ignore[attr-defined]
    assert evidence.kind == "other"
    assert evidence.to_json()["top_classes"][0] == {"class": "Buffer", "new_bytes": 2000}
    assert "Buffer (+2.0 kB)" in RULES[-1].describe(evidence, Growth([1, 2], [10, 20], "Buffer")).message


def test_rules_are_one_per_kind_in_a_fixed_order() -> None:
    assert [rule.kind for rule in RULES] == [
        "event-listener",
        "timer",
        "third-party",
        "closure",
        "global",
        "queue",
        "collection",
        "other",
    ]


def test_severity_policy() -> None:
    assert severity(growth=10**6, located=True, three_snapshots=True, slowing=False) == "error"
    assert severity(growth=10**3, located=True, three_snapshots=True, slowing=False) == "warning"
    assert severity(growth=10**6, located=True, three_snapshots=True, slowing=True) == "information"
    assert severity(growth=10**6, located=False, three_snapshots=True, slowing=False) == "information"
    assert severity(growth=10**3, located=True, three_snapshots=False, slowing=False) == "information"


def test_paths_skip_stack_roots_and_weak_edges(tmp_path: Path) -> None:
    """The stack reaches the Map in two hops, the program in three: the program's path wins."""
    graph = Graph()
    gc_roots = graph.node("(GC roots)", "synthetic")
    stack = graph.node("(Stack roots)", "synthetic")
    cache = graph.node("Map")
    owner = graph.node("Registry")
    graph.edge(0, gc_roots, "1", "element")
    graph.edge(gc_roots, stack, "1", "element")
    graph.edge(stack, cache, "24 / deoptimization literal", "internal")
    graph.edge(1, owner, "registry")
    graph.edge(owner, cache, "series")
    graph.edge(1, cache, "weakCache", "weak")
    snapshot = graph.load(tmp_path)
    finder = PathFinder(snapshot)
    path = finder.retainer_path(cache)
    assert [snapshot.edge_name(hop.edge) for hop in path[1:]] == ["2", "registry", "series"]
    assert [name.name for name in finder.names_of(cache)] == ["series"]


def test_survivors_held_from_two_roots_go_to_their_old_holder_on_the_path(tmp_path: Path) -> None:
    """New timers held both by an old list and by a handle root: dominated by the root, yet grouped."""

    def heap(timers: int) -> Graph:
        graph = Graph()
        handles = graph.node("(Global handles)", "synthetic")
        timer_list = graph.node("TimersList")
        graph.edge(0, handles, "3", "element")
        graph.edge(1, timer_list, "timers")
        for index in range(timers):
            timeout = graph.node("Timeout", size=20_000)
            graph.edge(timer_list, timeout, str(index), "element")
            graph.edge(handles, timeout, str(index), "element")
        return graph

    snapshots = [heap(count).load(tmp_path, f"s{count}") for count in (2, 6, 10)]
    assert int(snapshots[-1].dominators[5]) == 0  # a new Timeout: the root dominates it
    groups = group_survivors(snapshots, min_bytes=1)
    assert [snapshots[-1].class_name(group.anchor) for group in groups] == ["TimersList"]
    assert groups[0].by_path and groups[0].counts == [2, 6, 10]


def test_growth_held_only_by_roots_is_reported_as_other_not_dropped(tmp_path: Path) -> None:
    """Nothing but a handle root holds the new buffers: no holder, still a finding naming the class."""

    def heap(buffers: int) -> Graph:
        graph = Graph()
        handles = graph.node("(Global handles)", "synthetic")
        graph.edge(0, handles, "3", "element")
        for index in range(buffers):
            graph.edge(handles, graph.node("ArrayBuffer", size=300_000), str(index), "element")
        return graph

    snapshots = [heap(count).load(tmp_path, f"s{count}") for count in (1, 4, 7)]
    groups = group_survivors(snapshots)
    resolver = SourceResolver(snapshots[-1], {})
    findings = build_findings(snapshots, groups, resolver)
    assert [(f.kind, f.severity) for f in findings] == [("other", "warning")]
    assert "ArrayBuffer (+1.8 MB)" in findings[0].message


def test_a_container_made_after_the_baseline_is_the_holder_it_is(tmp_path: Path) -> None:
    """Node makes a timer list when the first timer of a duration starts: that list is what grows."""

    def heap(timeouts: int) -> Graph:
        graph = Graph()
        lists = graph.node("Object")
        graph.edge(1, lists, "timerListMap")
        if timeouts:
            timer_list = graph.node("TimersList")
            graph.edge(lists, timer_list, "45000", "element")
            for index in range(timeouts):
                graph.edge(timer_list, graph.node("Timeout", size=20_000), str(index), "element")
        return graph

    snapshots = [heap(count).load(tmp_path, f"s{count}") for count in (0, 4, 8)]
    groups = group_survivors(snapshots, min_bytes=1)
    assert [snapshots[-1].class_name(group.anchor) for group in groups] == ["TimersList"]
    assert groups[0].counts == [0, 4, 8] and groups[0].entry_class == "Timeout"


def test_a_map_whose_table_predates_the_baseline_is_the_map(tmp_path: Path, project: Path) -> None:
    """The new entries sit in the Map's old hash table: the holder is still the Map, by its name."""

    def heap(entries: int) -> Graph:
        graph = Graph()
        scope = module_scope(graph)
        cache = graph.node("Map")
        table = graph.node("", "array")
        graph.edge(scope, cache, "userCache", "context")
        graph.edge(cache, table, "table", "internal")
        for index in range(entries):
            graph.edge(table, graph.node("Object", size=20_000), str(index), "internal")
        return graph

    snapshots = [heap(count).load(tmp_path, f"s{count}") for count in (2, 6, 10)]
    groups = group_survivors(snapshots, min_bytes=1)
    assert [snapshots[-1].class_name(group.anchor) for group in groups] == ["Map"]
    assert groups[0].counts == [2, 6, 10] and groups[0].entry_class == "Object"
    scripts = {str(USER_SCRIPT): str(project / "app.js")}
    classifier = Classifier(snapshots, SourceResolver(snapshots[-1], scripts))
    evidence = classifier.classify(groups[0])
    assert (evidence.kind, evidence.name) == ("collection", "userCache")
    assert evidence.to_json()["collection_class"] == "Map"


def test_a_listener_leaks_path_enters_through_the_emitters_variable(project: Path) -> None:
    """A queued warning that mentions the emitter is nearer the root than the emitter's own
    variable: the path shown still goes through the variable."""
    graph = Graph()
    scope = module_scope(graph)
    warning = graph.node("Error")
    bus = graph.node("PriceBus")
    events = graph.node("Object")
    listeners = graph.node("Array")
    graph.edge(1, warning, "pendingWarning")
    graph.edge(warning, bus, "emitter")
    graph.edge(scope, bus, "bus", "context")
    graph.edge(bus, events, "_events")
    graph.edge(events, listeners, "tick")
    entries = [graph.node("", "closure", at=(USER_SCRIPT, 5)) for _ in range(4)]
    for index, entry in enumerate(entries):
        graph.edge(listeners, entry, str(index), "element")
    classifier = classify(graph, project, listeners, entries, "(closure)")
    assert [hop.node for hop in classifier.paths.retainer_path(bus)][-2] == warning
    evidence = classifier.classify(classifier.group)  # type: ignore[attr-defined]
    assert (evidence.kind, evidence.to_json()["emitter"]) == ("event-listener", "bus")
    snapshot = classifier.final
    assert warning not in [hop.node for hop in evidence.path]
    assert [snapshot.edge_name(hop.edge) for hop in evidence.path[1:]] == [
        "2", "handle", "context", "bus", "_events", "tick", "0",
    ]  # fmt: skip


def test_a_collections_path_enters_through_its_declared_name(project: Path) -> None:
    """A request that points at the module's Map is nearer the root than the module variable:
    the finding names the variable, and its path and owning file follow that variable."""
    graph = Graph()
    request = graph.node("IncomingMessage")
    scope = module_scope(graph)
    sessions = graph.node("Map")
    graph.edge(1, request, "currentRequest")
    graph.edge(request, sessions, "store")
    graph.edge(scope, sessions, "sessions", "context")
    entries = [graph.node("Session") for _ in range(4)]
    for index, entry in enumerate(entries):
        graph.edge(sessions, entry, str(index), "internal")
    classifier = classify(graph, project, sessions, entries, "Session")
    assert [hop.node for hop in classifier.paths.retainer_path(sessions)][-2] == request
    subject = classifier.subject(classifier.group)  # type: ignore[attr-defined]
    assert (subject.name, subject.owner) == ("sessions", "module app.js")
    assert request not in [hop.node for hop in subject.path]
    assert subject.edge_names[subject.anchor_hop] == "sessions"
    assert subject.owner_file == str(project / "app.js")


AUDIT_MODULE = """\
'use strict';
const auditLog = [];

function handle(request) {
  auditLog.push({ url: request.url, at: Date.now() });
}

module.exports = { handle };
"""


def audit_log_heap(entries: int, elsewhere: int = 0) -> Graph:
    """A module's array that a request handler appends to: 10 kB an entry; ``elsewhere`` more
    entries of the same class held by another array of the module."""
    graph = Graph()
    scope = module_scope(graph)
    log = graph.node("Array")
    graph.edge(scope, log, "auditLog", "context")
    for index in range(entries):
        graph.edge(log, graph.node("Object", size=10_000), str(index), "element")
    if elsewhere:
        spill = graph.node("Array")
        graph.edge(scope, spill, "spill", "context")
        for index in range(elsewhere):
            graph.edge(spill, graph.node("Object", size=10_000), str(index), "element")
    return graph


def audit_findings(
    tmp_path: Path,
    counts: tuple[int, int, int],
    busy: list[float] | None,
    elsewhere: tuple[int, int, int] = (0, 0, 0),
) -> list[tuple[str, str, str, int, str]]:
    """(kind, severity, name, line, message) of each finding on the three heaps of ``counts``."""
    (tmp_path / "app.js").write_text(AUDIT_MODULE)
    snapshots = [
        audit_log_heap(count, spilled).load(tmp_path, f"s{index}")
        for index, (count, spilled) in enumerate(zip(counts, elsewhere, strict=True))
    ]
    groups = group_survivors(snapshots, min_bytes=1, busy=busy)
    resolver = SourceResolver(snapshots[-1], {str(USER_SCRIPT): str(tmp_path / "app.js")})
    findings = build_findings(snapshots, groups, resolver, busy=busy)
    return [
        (
            f.kind,
            f.severity,
            f.evidence.name if f.evidence else "",
            f.location.line if f.location else 0,
            f.message,
        )
        for f in findings
    ]


def test_growth_that_slows_only_with_the_programs_cpu_time_is_still_a_leak(tmp_path: Path) -> None:
    """+30 then +6 entries: a warming cache if the program ran alike in both intervals, a leak
    if it got a sixth of the CPU time in the second (a machine shared with other jobs)."""
    counts = (10, 40, 46)
    starved = audit_findings(tmp_path, counts, busy=[1.2, 0.2])
    assert [row[:4] for row in starved] == [("collection", "error", "auditLog", 5)]
    assert "warming up" not in starved[0][4]
    for busy in (None, [1.0, 1.0]):
        warming = audit_findings(tmp_path, counts, busy=busy)
        assert [row[:4] for row in warming] == [("collection", "information", "auditLog", 5)]
        assert "Growth slowed from +30 to +6 in the second interval" in warming[0][4]


def test_a_holder_that_slows_while_its_class_keeps_pace_in_the_heap_is_no_warm_up(tmp_path: Path) -> None:
    """+30 then +6 entries under the holder, but the heap gained as many more of their class in
    the second interval as in the first: the holder's count missed entries (a chain its tree
    split), so the growth did not slow and the finding is no warming cache."""
    findings = audit_findings(tmp_path, (10, 40, 46), busy=None, elsewhere=(0, 0, 24))
    audit = [row for row in findings if row[2] == "auditLog"]
    assert [row[:4] for row in audit] == [("collection", "error", "auditLog", 5)]
    assert "warming up" not in audit[0][4]
    # The same holder with nothing of its class elsewhere is still a cache warming up.
    warming = audit_findings(tmp_path, (10, 40, 46), busy=None)
    assert [row[:2] for row in warming] == [("collection", "information")]


def test_an_interval_the_program_barely_ran_in_keeps_the_holder_reported(tmp_path: Path) -> None:
    """No growth while the program had 1 % of its CPU time: the holder is still reported, by
    the one interval that shows growth, with a sentence saying why."""
    findings = audit_findings(tmp_path, (10, 40, 40), busy=[1.0, 0.01])
    assert [row[:4] for row in findings] == [("collection", "warning", "auditLog", 5)]
    assert (
        "The program barely ran in the second interval (CPU time per interval: 1.00 s, 0.01 s)"
        in (findings[0][4])
    )
    # A program that ran as much as before and added nothing has stopped growing.
    assert audit_findings(tmp_path, (10, 40, 40), busy=[1.0, 0.9]) == []
    # Starved before the target, nothing it added survived into it: the final's new entries count.
    findings = audit_findings(tmp_path, (10, 10, 40), busy=[0.01, 1.0])
    assert [row[:4] for row in findings] == [("collection", "warning", "auditLog", 5)]
    assert "barely ran in the first interval" in findings[0][4]
    assert audit_findings(tmp_path, (10, 10, 40), busy=[1.0, 1.0]) == []


def test_growth_check_with_the_programs_cpu_time_per_interval() -> None:
    assert not keeps_growing([10, 40, 40], [100, 400, 400])
    assert keeps_growing([10, 40, 40], [100, 400, 400], busy=[1.0, 0.05])
    assert not keeps_growing([10, 40, 39], [100, 400, 390], busy=[1.0, 0.05])  # shrank: not idle growth
    assert not keeps_growing([10, 10, 10], [100, 100, 100], busy=[0.05, 1.0])
    assert slowing_down([10, 40, 46], [100, 400, 460])
    assert slowing_down([10, 40, 46], [100, 400, 460], busy=[1.0, 0.9])
    assert not slowing_down([10, 40, 46], [100, 400, 460], busy=[1.0, 0.25])
    assert not slowing_down([10, 40, 70], [100, 400, 700], busy=[1.0, 3.0])  # never slowing by wall time

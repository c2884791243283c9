"""Each leak pattern, as a small real Node program snapshotted three times: kind, file and exact line."""

from __future__ import annotations

from pathlib import Path

import pytest

from heapscope.analysis import LeakReport, analyze_snapshots

from .conftest import Snapshotted, snapshot_program

PROGRAMS: dict[str, str] = {
    "event-listener": """\
        const EventEmitter = require('node:events');
        class PriceBus extends EventEmitter {}
        const bus = new PriceBus();
        function subscribe(symbol) {
          const view = { symbol, history: new Array(2000).fill(symbol) };
          bus.on('tick', (tick) => { view.last = tick; }); // LEAK
        }
        function step(i) { subscribe('S' + i); bus.emit('tick', i); }
    """,
    "closure": """\
        let shutdown = async () => {};
        function onShutdown(resource) {
          const previous = shutdown;
          shutdown = async () => { await resource.close(); await previous(); }; // LEAK
        }
        function step(i) {
          const resource = { id: i, buffer: new Array(2000).fill(i), close: async () => {} };
          onShutdown(resource);
        }
    """,
    "collection": """\
        const cache = new Map();
        function lookup(key) {
          let hit = cache.get(key);
          if (!hit) {
            hit = { key, rows: new Array(2000).fill(key) };
            cache.set(key, hit); // LEAK
          }
          return hit;
        }
        function step(i) { lookup('user-' + i); }
    """,
    "timer": """\
        const sessions = [];
        function watch(user) {
          const state = { user, seen: new Array(2000).fill(0) };
          setInterval(() => { state.last = Date.now(); }, 600000); // LEAK
        }
        function step(i) { watch('u' + i); }
    """,
    "global": """\
        globalThis.requestLog = [];
        function logRequest(i) {
          const entry = { url: '/orders/' + i, headers: new Array(2000).fill('h') };
          global.requestLog.push(entry); // LEAK
        }
        function step(i) { logRequest(i); }
    """,
    "queue": """\
        class JobQueue {
          constructor() { this.pending = []; this.sequence = 0; }
          enqueue(kind, payload) {
            this.pending.push({ id: ++this.sequence, kind, payload }); // LEAK
          }
        }
        const queue = new JobQueue();
        function step(i) { queue.enqueue('thumbnail', new Array(2000).fill(i)); }
    """,
}

NOISE: dict[str, str] = {
    "stable-heap": """\
        const index = new Map();
        for (let i = 0; i < 20000; i++) index.set('k' + i, { id: i, tags: ['a', 'b'] });
        const recent = [];
        function step(i) {
          recent.push({ i, data: new Array(500).fill(i) });
          if (recent.length > 10) recent.shift();
          const garbage = new Array(5000).fill(i);
          return garbage.length;
        }
    """,
    "warm-up-cache": """\
        const templates = new Map();
        function render(name) {
          if (!templates.has(name)) templates.set(name, { name, compiled: new Array(2000).fill(name) });
          return templates.get(name);
        }
        // Fills while the first interval runs (phase 1), then only reads: no growth after the target.
        function step(i, phase) { render('t' + (phase === 1 ? i : i % 30)); }
    """,
    "fixed-listener": """\
        const EventEmitter = require('node:events');
        const bus = new EventEmitter();
        function subscribe(symbol) {
          const view = { symbol, history: new Array(2000).fill(symbol) };
          const listener = (tick) => { view.last = tick; };
          bus.on('tick', listener);
          bus.emit('tick', 1);
          bus.off('tick', listener);
        }
        function step(i) { subscribe('S' + i); }
    """,
}


def _top(report: LeakReport) -> tuple[str, str, int]:
    assert report.findings, "expected a finding"
    top = report.findings[0]
    assert top.location is not None, top.message
    return top.kind, top.location.path, top.location.line


@pytest.fixture(scope="module", params=sorted(PROGRAMS))
def leaky(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Snapshotted]:
    kind = str(request.param)
    directory = tmp_path_factory.mktemp(kind)
    return kind, snapshot_program(directory, PROGRAMS[kind], track=kind in ("collection", "queue"))


def test_top_finding_names_kind_file_and_line(leaky: tuple[str, Snapshotted]) -> None:
    kind, program = leaky
    report = analyze_snapshots(program.snapshots)
    assert _top(report) == (kind, str(program.program), program.leak_line)
    top = report.findings[0]
    assert top.severity == "error"
    counts = top.growth_count
    assert counts[0] < counts[1] < counts[2]
    assert top.growth_retained[0] < top.growth_retained[2]
    assert top.retainer_path and top.retainer_path[0].edge == ""
    assert top.fix_hint


@pytest.mark.parametrize("name", sorted(NOISE))
def test_noise_gives_no_leak(name: str, tmp_path: Path) -> None:
    program = snapshot_program(tmp_path, NOISE[name])
    report = analyze_snapshots(program.snapshots)
    assert not report.has_leak, [f.message for f in report.findings]


def test_event_listener_details(tmp_path: Path) -> None:
    program = snapshot_program(tmp_path, PROGRAMS["event-listener"], warm=5, steps=40)
    top = analyze_snapshots(program.snapshots).findings[0]
    assert top.growth_count == [5, 45, 85]
    assert top.details["emitter_class"] == "PriceBus"
    assert top.details["event"] == "tick"
    assert "'tick'" in top.message and "PriceBus `bus`" in top.message
    assert "removeListener" in top.fix_hint and "once" in top.fix_hint and "off(" in top.fix_hint
    hops = [(hop.node, hop.edge) for hop in top.retainer_path]
    assert ("Object", "_events") in hops and ("Array", "tick") in hops


def test_closure_names_captured_variables(tmp_path: Path) -> None:
    program = snapshot_program(tmp_path, PROGRAMS["closure"])
    report = analyze_snapshots(program.snapshots)
    top = report.findings[0]
    captured = [item["name"] for item in top.details["captured"]]
    assert captured[:2] == ["previous", "resource"]
    assert "`previous`" in top.message
    # The census of the final snapshot, taken during the analysis: one closure per step is alive.
    (site,) = [site for site in report.closures if site.location.line == program.leak_line]
    assert (site.location.path, site.count) == (str(program.program), 20 + 60 + 60)


def test_collection_without_allocation_traces_uses_the_source(tmp_path: Path) -> None:
    """No trace: the inserting line is found in the file that owns the Map."""
    program = snapshot_program(tmp_path, PROGRAMS["collection"], track=False)
    report = analyze_snapshots(program.snapshots)
    assert _top(report) == ("collection", str(program.program), program.leak_line)
    assert report.findings[0].allocation_site is None
    assert "Map `cache`" in report.findings[0].message


def test_collection_with_allocation_traces_reports_the_site(tmp_path: Path) -> None:
    program = snapshot_program(tmp_path, PROGRAMS["collection"], track=True)
    top = analyze_snapshots(program.snapshots).findings[0]
    assert top.allocation_site is not None
    assert (top.allocation_site.path, top.allocation_site.line) == (str(program.program), program.leak_line)


def test_two_snapshots_give_a_weaker_finding(tmp_path: Path) -> None:
    program = snapshot_program(tmp_path, PROGRAMS["event-listener"])
    report = analyze_snapshots(program.snapshots[:2])
    top = report.findings[0]
    assert (top.kind, top.location and top.location.line) == ("event-listener", program.leak_line)
    assert top.severity == "warning"
    assert len(top.growth_count) == 2
    assert any("two snapshots" in note for note in report.notes)


THIRD_PARTY_PACKAGE = """\
'use strict';
class Registry {
  constructor() { this.series = new Map(); }
  observe(name, labels, value) {
    const key = name + JSON.stringify(labels);
    let series = this.series.get(key);
    if (!series) {
      series = { labels: { ...labels }, samples: new Array(1000).fill(0) };
      this.series.set(key, series);
    }
    series.samples[0] = value;
  }
}
const registry = new Registry();
module.exports = { observe: registry.observe.bind(registry), registry };
"""

THIRD_PARTY_USER = """\
const stats = require('tiny-stats');
function recordTiming(url, started) {
  const labels = { route: url };
  const elapsed = Date.now() - started;
  stats.observe('duration', labels, elapsed); // LEAK
}
function step(i) { recordTiming('/orders/' + i, Date.now()); }
"""


@pytest.mark.parametrize("track", [True, False], ids=["traced", "untraced"])
def test_third_party_names_the_package_and_the_call(tmp_path: Path, track: bool) -> None:
    package = tmp_path / "node_modules" / "tiny-stats"
    package.mkdir(parents=True)
    (package / "index.js").write_text(THIRD_PARTY_PACKAGE)
    (package / "package.json").write_text('{"name": "tiny-stats", "version": "1.0.0", "main": "index.js"}')
    program = snapshot_program(tmp_path, THIRD_PARTY_USER, track=track)
    top = analyze_snapshots(program.snapshots).findings[0]
    assert top.kind == "third-party"
    assert top.details["package"] == "tiny-stats"
    assert "`tiny-stats@1.0.0`" in top.message and "Map `series`" in top.message
    assert top.location is not None and top.allocation_site is not None
    # The app's call into the package, with or without allocation traces; the insertion inside
    # the package is the related location.
    assert (top.location.path, top.location.line) == (str(program.program), program.leak_line)
    inserting = THIRD_PARTY_PACKAGE.splitlines().index("      this.series.set(key, series);") + 1
    assert (top.allocation_site.path, top.allocation_site.line) == (str(package / "index.js"), inserting)
    assert top.details["package_version"] == "1.0.0"
    assert [(r.path, r.line) for r in top.related] == [(str(package / "index.js"), inserting)]


def test_esm_program_reports_a_plain_path(tmp_path: Path) -> None:
    source = """\
        import { EventEmitter } from 'node:events';
        const flags = new EventEmitter();
        function mount(name) {
          const model = { name, rows: new Array(2000).fill(name) };
          flags.on('change', (value) => { model.flag = value; }); // LEAK
        }
        function step(i) { mount('c' + i); }
    """
    program = snapshot_program(tmp_path, source, name="render.mjs")
    report = analyze_snapshots(program.snapshots)
    assert _top(report) == ("event-listener", str(program.program), program.leak_line)


# More shapes of the same patterns: name -> (kind, program).
VARIANTS: dict[str, tuple[str, str]] = {
    "object-as-cache": (
        "collection",
        """\
        const cache = {};
        function remember(key) {
          cache[key] = { key, rows: new Array(2000).fill(key) }; // LEAK
        }
        function step(i) { remember('k' + i); }
        """,
    ),
    "set": (
        "collection",
        """\
        const seen = new Set();
        function track(i) {
          seen.add({ i, rows: new Array(2000).fill(i) }); // LEAK
        }
        function step(i) { track(i); }
        """,
    ),
    "map-on-a-class": (
        "collection",
        """\
        class SessionStore {
          constructor() { this.sessions = new Map(); }
          open(id) {
            this.sessions.set(id, { id, scratch: new Array(2000).fill(id) }); // LEAK
          }
        }
        const store = new SessionStore();
        function step(i) { store.open('s' + i); }
        """,
    ),
    "array-in-a-factory": (
        "collection",
        """\
        function makeHandler() {
          const history = [];
          return function handle(req) {
            history.push({ req, body: new Array(2000).fill(req) }); // LEAK
          };
        }
        const handler = makeHandler();
        function step(i) { handler(i); }
        """,
    ),
    "linked-list-queue": (
        "queue",
        """\
        class Queue {
          constructor() { this.head = null; this.tail = null; }
          push(value) {
            const node = { value, next: null };
            if (this.tail) this.tail.next = node; else this.head = node; // LEAK
            this.tail = node;
          }
        }
        const jobs = new Queue();
        function step(i) { jobs.push(new Array(2000).fill(i)); }
        """,
    ),
    "implicit-global": (
        "global",
        """\
        function handle(i) {
          leakedBuffers = typeof leakedBuffers === 'undefined' ? [] : leakedBuffers;
          leakedBuffers.push(new Array(2000).fill(i)); // LEAK
        }
        function step(i) { handle(i); }
        """,
    ),
    "once-never-fired": (
        "event-listener",
        """\
        const { EventEmitter } = require('node:events');
        const db = new EventEmitter();
        function query(i) {
          const rows = new Array(2000).fill(i);
          db.once('ready', () => rows.length); // LEAK
        }
        function step(i) { query(i); }
        """,
    ),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variants(name: str, tmp_path: Path) -> None:
    kind, source = VARIANTS[name]
    program = snapshot_program(tmp_path, source)
    report = analyze_snapshots(program.snapshots)
    assert _top(report) == (kind, str(program.program), program.leak_line), report.findings[0].message


def test_collection_names_owner(tmp_path: Path) -> None:
    report = analyze_snapshots(snapshot_program(tmp_path / "a", VARIANTS["map-on-a-class"][1]).snapshots)
    assert "Map `sessions` in SessionStore" in report.findings[0].message
    report = analyze_snapshots(snapshot_program(tmp_path / "b", VARIANTS["array-in-a-factory"][1]).snapshots)
    assert "Array `history` in makeHandler()" in report.findings[0].message


def test_unreadable_source_gives_the_v8_position_and_says_so(tmp_path: Path) -> None:
    """A deleted source file: the allocating function's own position, never a guessed line."""
    program = snapshot_program(tmp_path, PROGRAMS["collection"], track=True)
    lines = program.program.read_text().splitlines()
    function_line = next(n for n, text in enumerate(lines, start=1) if "function lookup(key)" in text)
    program.program.unlink()
    top = analyze_snapshots(program.snapshots).findings[0]
    assert top.kind == "collection"
    assert top.location is not None and top.location.line == function_line
    assert "Source not available" in top.message
    assert top.details["source"] == "source not available"

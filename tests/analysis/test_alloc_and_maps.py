"""Allocation stacks (V8 writes their lines 1-based) and source-mapped findings, on real snapshots."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from heapscope.analysis import analyze_snapshots
from heapscope.analysis.alloc import AllocationTraces
from heapscope.analysis.source.sourcemaps import encode_vlq
from heapscope.snapshot import load_snapshot

from .conftest import snapshot_program

TRACED = """\
class Widget { constructor(i) { this.i = i; this.pad = new Array(100).fill(i); } }
const kept = [];

function makeWidget(i) {
  return new Widget(i);
}
function step(i) { kept.push(makeWidget(i)); }
"""


def test_trace_function_infos_are_one_based(tmp_path: Path) -> None:
    program = snapshot_program(tmp_path, TRACED, track=True, warm=2, steps=20)
    snapshot = load_snapshot(program.snapshots[-1])
    traces = AllocationTraces(snapshot)
    assert traces.available
    widgets = np.flatnonzero(snapshot.class_index == snapshot.class_names.index("Widget"))
    stacks = [traces.stack(int(node)) for node in widgets]
    traced = [stack for stack in stacks if stack]
    assert len(traced) >= 20  # every widget made after tracking started
    functions = {frame.function: frame for frame in traced[0]}
    # `function makeWidget(i) {` is line 4; V8 positions functions at their parameter list.
    assert (functions["makeWidget"].path, functions["makeWidget"].line) == (str(program.program), 4)
    assert functions["makeWidget"].column == len("function makeWidget(")
    assert functions["step"].line == 7
    assert traced[0][0].function in ("Widget", "makeWidget")  # innermost first


def test_snapshot_without_tracking_has_no_traces(tmp_path: Path) -> None:
    program = snapshot_program(tmp_path, TRACED, track=False, warm=2, steps=5)
    assert not AllocationTraces(load_snapshot(program.snapshots[-1])).available


TS_HEADER = ["interface Tick { price: number }", "type View = { symbol: string; history: string[] };", ""]
COMPILED = """\
const EventEmitter = require('node:events');
const bus = new EventEmitter();
function subscribe(symbol) {
  const view = { symbol, history: new Array(2000).fill(symbol) };
  bus.on('tick', (tick) => { view.last = tick; }); // LEAK
}
function step(i) { subscribe('S' + i); }
"""


def test_findings_point_at_the_original_typescript_line(tmp_path: Path) -> None:
    """A compiled script with a source map: the finding names the .ts file and its line."""
    js_lines = COMPILED.splitlines()
    ts_lines = TS_HEADER + [line.replace("(tick) =>", "(tick: Tick) =>") for line in js_lines]
    (tmp_path / "package.json").write_text("{}")  # the project: src/ and build/ inside it
    src = tmp_path / "src"
    src.mkdir()
    (src / "quotes.ts").write_text("\n".join(ts_lines) + "\n")
    offset = len(TS_HEADER)
    mappings = []
    for number, line in enumerate(js_lines):
        segments = [[0, 0, 1 if number else offset, 0]]
        arrow = line.find("(tick)")
        if arrow >= 0:
            segments.append([arrow, 0, 0, ts_lines[number + offset].find("(tick") - 0])
        mappings.append(",".join(encode_vlq(segment) for segment in segments))
    source_map = {
        "version": 3,
        "file": "quotes.js",
        "sources": ["../src/quotes.ts"],
        "names": [],
        "mappings": ";".join(mappings),
    }
    build = tmp_path / "build"
    build.mkdir()
    (build / "quotes.js.map").write_text(json.dumps(source_map))
    program = snapshot_program(
        build, COMPILED + "//# sourceMappingURL=quotes.js.map\n", name="quotes.js", warm=5, steps=40
    )
    top = analyze_snapshots(program.snapshots).findings[0]
    assert top.kind == "event-listener"
    assert top.location is not None
    ts_line = next(n for n, text in enumerate(ts_lines, start=1) if "// LEAK" in text)
    assert (top.location.path, top.location.line) == (str(src / "quotes.ts"), ts_line)
    assert top.location.column == ts_lines[ts_line - 1].find("(tick") + 1

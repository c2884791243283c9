"""Memory watch: samples from a live process, GCs observed inside it, and the memwatch verdict."""

from __future__ import annotations

import textwrap

import pytest

from heapscope.inspector import (
    LEAK_STREAK,
    InspectorError,
    LeakHeuristic,
    MemoryMonitor,
    MemorySample,
    connect,
)

from .conftest import READY, NodeProgramFactory

pytestmark = pytest.mark.timeout(90)

# Each tick retains ~1 MB more, then forces a full GC, so after-GC heap climbs steadily.
LEAKING_PROGRAM = textwrap.dedent(
    f"""\
    const leaked = [];
    setInterval(() => {{
      leaked.push(new Array(125000).fill(leaked.length));
      global.gc();
    }}, 50);
    console.error('{READY}');
    """
)


def test_a_leaking_process_is_flagged(node_program: NodeProgramFactory) -> None:
    program = node_program(LEAKING_PROGRAM, flags=("--inspect=127.0.0.1:0", "--expose-gc"))
    samples: list[MemorySample] = []
    with connect(program.host_port) as session, MemoryMonitor(session, 0.1, samples.append) as monitor:
        for sample in monitor.stream():
            if sample.leak_suspected or len(samples) > 150:
                break
    last = samples[-1]
    assert last.leak_suspected, [sample.verdict for sample in samples[-5:]]
    assert last.gc_count >= LEAK_STREAK + 1
    assert last.verdict.startswith("leak suspected: heap after GC grew at")
    assert last.after_gc is not None and last.after_gc > 0
    assert last.trend_bytes_per_second is not None and last.trend_bytes_per_second > 0
    assert last.rss >= last.heap_total >= last.heap_used > 0
    assert set(last.to_json()) >= {
        "rss",
        "heapUsed",
        "afterGc",
        "trendBytesPerSecond",
        "leakSuspected",
        "verdict",
    }


def test_stop_removes_the_gc_observer(node_program: NodeProgramFactory) -> None:
    program = node_program()
    probe = "typeof globalThis[Symbol.for('heapscope.gcObserver')]"
    with connect(program.host_port) as session:
        first = MemoryMonitor(session, 0.1)
        second = MemoryMonitor(session, 0.1)
        first.start()
        second.start()
        assert session.evaluate_fixed(probe) == "object"
        first.stop()
        assert session.evaluate_fixed(probe) == "object"  # still used by the second
        second.stop()
        assert session.evaluate_fixed(probe) == "undefined"


def test_the_monitor_reports_a_dead_target_once(node_program: NodeProgramFactory) -> None:
    program = node_program()
    errors: list[InspectorError] = []
    with connect(program.host_port) as session:
        monitor = MemoryMonitor(session, 0.05, on_error=errors.append)
        monitor.start()
        stream = monitor.stream()
        next(stream)
        program.kill()
        assert list(stream) is not None  # the stream ends instead of hanging
        monitor.stop()
    assert len(errors) == 1 and "was lost" in str(errors[0])


def test_heuristic_needs_five_consecutive_rises() -> None:
    heuristic = LeakHeuristic()
    assert heuristic.verdict == "no full GC observed yet"
    for index, size in enumerate([100, 110, 120, 130, 140]):
        heuristic.add(float(index), size * 1_000_000)
    assert not heuristic.leak_suspected  # four rises
    heuristic.add(5.0, 150_000_000)
    assert heuristic.leak_suspected
    assert heuristic.verdict == "leak suspected: heap after GC grew at 5 consecutive full GCs (+50.0 MB)"
    assert heuristic.trend == pytest.approx(10_000_000)
    heuristic.add(6.0, 149_000_000)  # one GC that frees more than was added breaks the streak
    assert not heuristic.leak_suspected
    # ... but the floor still climbs: not "stable".
    assert heuristic.verdict.startswith("heap after GC is climbing (+")


def test_heuristic_needs_three_gcs_and_a_flat_floor_for_stable() -> None:
    heuristic = LeakHeuristic()
    heuristic.add(0.0, 206_000_000)
    heuristic.add(1.0, 150_000_000)
    assert heuristic.verdict == "2 full GC(s) observed; watching (a verdict needs 3)"
    heuristic.add(2.0, 151_000_000)
    heuristic.add(3.0, 150_500_000)
    assert heuristic.verdict == "stable: the heap after GC is flat over the last full GCs"
    for index, size in enumerate([160, 158, 175, 170, 190, 185]):  # rises, each pair broken by a dip
        heuristic.add(4.0 + index, size * 1_000_000)
    assert not heuristic.leak_suspected
    assert heuristic.verdict.startswith("heap after GC is climbing")


def test_heuristic_on_a_sawtooth_is_not_a_leak() -> None:
    heuristic = LeakHeuristic()
    for index in range(40):
        heuristic.add(float(index), 50_000_000 + (index % 3) * 1_000_000)
    assert not heuristic.leak_suspected
    assert heuristic.trend is not None and abs(heuristic.trend) < 200_000
    assert heuristic.verdict.startswith("stable")


def test_interval_must_be_positive(node_program: NodeProgramFactory) -> None:
    program = node_program()
    with connect(program.host_port) as session, pytest.raises(InspectorError, match="must be positive"):
        MemoryMonitor(session, 0)

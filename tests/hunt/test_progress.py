"""The progress a real ``heapscope run`` reports: every step of the hunt and of the analysis, in order."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from heapscope.analysis import analyze_snapshots
from heapscope.cli import main
from heapscope.hunt import RunOptions, run_program
from heapscope.progress import Phase, Progress

pytestmark = pytest.mark.timeout(180)

# A tiny service: a log that grows on every tick and is never trimmed.
PROGRAM = textwrap.dedent(
    """\
    'use strict';
    const log = [];
    setInterval(() => {
      log.push({ at: Date.now(), line: 'request handled '.repeat(20) });
    }, 2);
    """
)


def runs(events: list[Progress]) -> list[Phase]:
    """The phases in the order they reported, consecutive repeats folded."""
    return [event.phase for i, event in enumerate(events) if i == 0 or events[i - 1].phase is not event.phase]


def test_run_reports_each_phase_in_order(tmp_path: Path) -> None:
    program = tmp_path / "grows.js"
    program.write_text(PROGRAM)
    events: list[Progress] = []
    options = RunOptions(
        interval=0.6, warmup=0.3, workspace=str(tmp_path), cwd=str(tmp_path), progress=events.append
    )
    report = run_program(["node", str(program)], options)

    assert runs(events) == [
        Phase.START,
        Phase.WARMUP,
        Phase.BASELINE,
        Phase.INTERVAL,
        Phase.TARGET,
        Phase.INTERVAL,
        Phase.FINAL,
        Phase.STOP,
        Phase.LOAD,
        Phase.MATCH,
        Phase.SURVIVORS,
        Phase.GROUP,
        Phase.MEASURE,
        Phase.COMPARE,
        Phase.CLASSIFY,
    ]
    assert all(event.total is None or 0 <= event.done <= event.total for event in events)
    assert events[0].message == f"starting node {program}"
    warmup = [event for event in events if event.phase is Phase.WARMUP]
    assert warmup[0].message == "warming up for 0.3 s" and warmup[-1].done == warmup[-1].total == 0.3
    loads = [event for event in events if event.phase is Phase.LOAD]
    assert loads[-1].done == loads[-1].total == 3
    # Each snapshot ends complete, after V8's own count of the objects it walked.
    for phase in (Phase.BASELINE, Phase.TARGET, Phase.FINAL):
        taken = [event for event in events if event.phase is phase]
        assert taken[0].fraction is None and taken[-1].fraction == 1.0
        assert any(event.total and event.total > 1 for event in taken)
    assert len(report.snapshots) == 3

    # The same files analysed again report the loading of each, then the analysis's phases.
    again: list[Progress] = []
    analyze_snapshots(report.snapshots, progress=again.append)
    assert runs(again) == runs(events)[runs(events).index(Phase.LOAD) :]
    assert [event.done for event in again if event.phase is Phase.LOAD] == [0, 1, 2, 3]


def test_run_prints_one_line_per_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    program = tmp_path / "grows.js"
    program.write_text(PROGRAM)
    code = main(
        [
            "run", "--interval", "0.6", "--warmup", "0.3", "--workspace", str(tmp_path),
            "--format", "json", "-o", str(tmp_path / "report.json"), "--", "node", str(program),
        ]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code in (0, 1), err
    lines = [line for line in err.splitlines() if line.startswith("heapscope: ")]
    assert lines[:8] == [
        f"heapscope: starting node {program}",
        "heapscope: warming up for 0.3 s",
        "heapscope: taking the baseline snapshot",
        "heapscope: waiting 0.6 s before the target snapshot",
        "heapscope: taking the target snapshot",
        "heapscope: waiting 0.6 s before the final snapshot",
        "heapscope: taking the final snapshot",
        "heapscope: stopping the program",
    ]
    assert lines.count("heapscope: analysing") == 1

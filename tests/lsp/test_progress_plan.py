"""How progress events become one monotonic bar ($/progress) and one line per step (CLI), by phase alone."""

from __future__ import annotations

from heapscope.lsp.progress import ProgressTracker
from heapscope.progress import Phase, Progress, announce


def test_a_plan_places_each_phase_and_fills_it_with_its_counts() -> None:
    sent: list[tuple[str | None, int | None]] = []
    tracker = ProgressTracker(lambda message, percent: sent.append((message, percent)))
    follow = tracker.follow(
        [(Phase.BASELINE, 1), (Phase.INTERVAL, 1), (Phase.TARGET, 1), (Phase.INTERVAL, 1)], 0.0, 0.8
    )
    follow(Progress(Phase.BASELINE, 0, None))
    follow(Progress(Phase.BASELINE, 50, 100))
    follow(Progress(Phase.INTERVAL, 1, 2, "waiting 2 s before the target snapshot"))
    follow(Progress(Phase.DOMINATORS, 0, 1))  # not in the plan: only the message changes
    follow(Progress(Phase.TARGET, 1, 1))
    follow(Progress(Phase.INTERVAL, 2, 2, "waiting 2 s before the final snapshot"))  # the second wait
    assert sent == [
        ("Taking the baseline snapshot", 0),
        ("Taking the baseline snapshot", 10),
        ("Waiting 2 s before the target snapshot", 20),
        ("Waiting 2 s before the target snapshot", 30),
        ("Computing dominators", 30),
        ("Taking the target snapshot", 40),
        ("Taking the target snapshot", 60),
        ("Waiting 2 s before the final snapshot", 60),
        ("Waiting 2 s before the final snapshot", 80),
    ]


def test_the_terminal_hears_each_step_once() -> None:
    lines: list[str] = []
    progress = announce(lines.append, summary={Phase.LOAD: "analysing", Phase.CLASSIFY: "analysing"})
    for event in (
        Progress(Phase.BASELINE, 0, None),
        Progress(Phase.BASELINE, 10, 20),
        Progress(Phase.INTERVAL, 0.5, 1, "waiting 1 s before the target snapshot"),
        Progress(Phase.INTERVAL, 1, 1, "waiting 1 s before the target snapshot"),
        Progress(Phase.LOAD, 1, 3),
        Progress(Phase.CLASSIFY, 2, 5),
        Progress(Phase.WORKER_ANALYSIS, 0, 1, "analysing worker 2 (/app/w.js)"),
    ):
        progress(event)
    assert lines == [
        "taking the baseline snapshot",
        "waiting 1 s before the target snapshot",
        "analysing",
        "analysing worker 2 (/app/w.js)",
    ]

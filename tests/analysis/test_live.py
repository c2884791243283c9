"""``find_leaks_live`` on a real process attached over the inspector, and its cancel."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from heapscope.analysis import RunError, find_leaks_live
from heapscope.analysis.run import Cancelled
from heapscope.inspector import InspectorSession, NodeProcess, connect, launch_node

from .test_run_and_reports import LEAKY_SERVICE


@pytest.fixture
def attached(tmp_path: Path) -> Iterator[tuple[Path, NodeProcess, InspectorSession]]:
    program = tmp_path / "service.js"
    program.write_text(LEAKY_SERVICE)
    node = launch_node(["node", str(program)])
    session = connect(node.ws_url or "")
    try:
        yield program, node, session
    finally:
        session.close()
        node.stop()


def test_live_hunt_with_allocation_tracking(attached: tuple[Path, NodeProcess, InspectorSession]) -> None:
    program, _node, session = attached
    messages: list[str] = []
    report = find_leaks_live(
        session,
        interval=1.0,
        workspace=program.parent,
        track_allocations=True,
        progress=lambda text, _fraction: messages.append(text),
    )
    top = report.findings[0]
    line = next(n for n, text in enumerate(program.read_text().splitlines(), 1) if "// LEAK" in text)
    assert (top.kind, top.location and top.location.path, top.location and top.location.line) == (
        "event-listener",
        str(program),
        line,
    )
    assert messages[:3] == [
        "taking the baseline snapshot",
        "taking the target snapshot",
        "taking the final snapshot",
    ]
    assert report.target  # the session's target description
    assert all(Path(path).is_relative_to(program.parent / ".heapscope") for path in report.snapshots)


def test_live_hunt_cancel(attached: tuple[Path, NodeProcess, InspectorSession]) -> None:
    program, _node, session = attached
    cancel = threading.Event()

    def progress(text: str, _fraction: float) -> None:
        if text == "taking the target snapshot":
            cancel.set()

    with pytest.raises(Cancelled):
        find_leaks_live(session, interval=0.5, workspace=program.parent, progress=progress, cancel=cancel)
    with pytest.raises(RunError, match="interval"):
        find_leaks_live(session, interval=0, workspace=program.parent)

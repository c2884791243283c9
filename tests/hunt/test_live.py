"""``find_leaks_live`` on a real service attached over the inspector, and its cancel."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from heapscope.hunt import Cancelled, RunError, find_leaks_live
from heapscope.inspector import InspectorSession, connect
from heapscope.progress import SNAPSHOT_PHASES, Phase, Progress

from .conftest import CORPUS, Service, ServiceFactory, leak_marker

LISTENER_SERVICE = CORPUS / "event-listener"


@pytest.fixture
def attached(start_service: ServiceFactory) -> Iterator[tuple[Service, InspectorSession]]:
    service = start_service(LISTENER_SERVICE / "main.js")
    service.settle()
    session = connect(service.ws_url)
    try:
        yield service, session
    finally:
        session.close()


def test_live_hunt_with_allocation_tracking(
    attached: tuple[Service, InspectorSession], tmp_path: Path
) -> None:
    _service, session = attached
    events: list[Progress] = []
    report = find_leaks_live(
        session, interval=2.5, workspace=tmp_path, track_allocations=True, progress=events.append
    )
    kind, path, line = leak_marker(LISTENER_SERVICE)
    top = report.findings[0]
    assert (top.kind, top.location and top.location.path, top.location and top.location.line) == (
        kind,
        str(path),
        line,
    )
    # The hunt's steps, then the analysis's, each phase in one run, each event done <= total.
    runs = [event.phase for i, event in enumerate(events) if i == 0 or events[i - 1].phase is not event.phase]
    assert runs == [
        Phase.BASELINE,
        Phase.INTERVAL,
        Phase.TARGET,
        Phase.INTERVAL,
        Phase.FINAL,
        Phase.LOAD,
        Phase.MATCH,
        Phase.SURVIVORS,
        Phase.GROUP,
        Phase.MEASURE,
        Phase.COMPARE,
        Phase.CLASSIFY,
    ]
    assert all(event.total is None or event.done <= event.total for event in events)
    first_messages = {event.phase: event.message for event in reversed(events)}
    assert [first_messages[phase] for phase in SNAPSHOT_PHASES] == [
        "taking the baseline snapshot",
        "taking the target snapshot",
        "taking the final snapshot",
    ]
    waits = [event for event in events if event.phase is Phase.INTERVAL]
    assert {event.total for event in waits} == {2.5} and waits[-1].done == 2.5
    assert "waiting 2.5 s before the final snapshot" in {event.message for event in waits}
    assert report.target["pid"] == _service.pid
    assert len(report.snapshots) == 3
    assert all(Path(p).is_relative_to(tmp_path / ".heapscope") for p in report.snapshots)


def test_live_hunt_cancel(attached: tuple[Service, InspectorSession], tmp_path: Path) -> None:
    _service, session = attached
    cancel = threading.Event()

    def progress(event: Progress) -> None:
        if event.phase is Phase.TARGET:
            cancel.set()

    with pytest.raises(Cancelled):
        find_leaks_live(session, interval=0.5, workspace=tmp_path, progress=progress, cancel=cancel)
    with pytest.raises(RunError, match="interval"):
        find_leaks_live(session, interval=0, workspace=tmp_path)

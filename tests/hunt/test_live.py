"""``find_leaks_live`` on a real service attached over the inspector, and its cancel."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from heapscope.hunt import Cancelled, RunError, find_leaks_live
from heapscope.inspector import InspectorSession, connect

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
    messages: list[str] = []
    report = find_leaks_live(
        session,
        interval=2.5,
        workspace=tmp_path,
        track_allocations=True,
        progress=lambda text, _fraction: messages.append(text),
    )
    kind, path, line = leak_marker(LISTENER_SERVICE)
    top = report.findings[0]
    assert (top.kind, top.location and top.location.path, top.location and top.location.line) == (
        kind,
        str(path),
        line,
    )
    assert messages[:3] == [
        "taking the baseline snapshot",
        "taking the target snapshot",
        "taking the final snapshot",
    ]
    assert report.target["pid"] == _service.pid
    assert all(Path(p).is_relative_to(tmp_path / ".heapscope") for p in report.snapshots)


def test_live_hunt_cancel(attached: tuple[Service, InspectorSession], tmp_path: Path) -> None:
    _service, session = attached
    cancel = threading.Event()

    def progress(text: str, _fraction: float) -> None:
        if text == "taking the target snapshot":
            cancel.set()

    with pytest.raises(Cancelled):
        find_leaks_live(session, interval=0.5, workspace=tmp_path, progress=progress, cancel=cancel)
    with pytest.raises(RunError, match="interval"):
        find_leaks_live(session, interval=0, workspace=tmp_path)

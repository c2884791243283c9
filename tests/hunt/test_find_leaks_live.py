"""``heapscope find-leaks HOST:PORT`` on a service somebody else started with ``--inspect``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heapscope.cli import main
from heapscope.inspector import connect
from heapscope.snapshot import load_snapshot

from .conftest import CORPUS, ServiceFactory, leak_marker

LISTENER_SERVICE = CORPUS / "event-listener"
_INSPECTOR_URL = "require('inspector').url()"


def test_find_leaks_on_a_running_service(
    start_service: ServiceFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    service = start_service(LISTENER_SERVICE / "main.js")
    service.settle()  # a service that is already up and serving, as the ones users attach to
    report_path = tmp_path / "report.json"
    code = main(
        [
            "find-leaks", service.host_port, "--interval", "2.5", "--track-allocations",
            "--workspace", str(tmp_path), "--format", "json", "-o", str(report_path),
        ]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1, err
    for step in ("taking the baseline snapshot", "taking the target snapshot", "taking the final snapshot"):
        assert step in err
    report = json.loads(report_path.read_text())
    kind, path, line = leak_marker(LISTENER_SERVICE)
    top = report["findings"][0]
    assert (top["kind"], top["location"]["path"], top["location"]["line"]) == (kind, str(path), line)
    assert report["target"]["pid"] == service.pid
    assert len(report["snapshots"]) == 3

    # The service goes on running with its inspector where it was and no allocation tracking left on.
    assert service.running()
    with connect(service.host_port) as session:
        assert session.evaluate_fixed(_INSPECTOR_URL) == service.ws_url
        after = session.take_snapshot(dest=tmp_path / "after.heapsnapshot", gc=False)
    assert len(load_snapshot(after.path).trace_function_infos) == 0
    assert service.running()


def test_find_leaks_on_nothing_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["find-leaks", "127.0.0.1:1", "--timeout", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("heapscope: nothing is listening on 127.0.0.1:1") and "\n" not in err
    assert main(["find-leaks", "missing.heapsnapshot"]) == 2
    assert "2 or 3 snapshots" in capsys.readouterr().err

"""``heapscope monitor`` capturing by itself: a hunt on the alarm, periodic snapshots, the heap limit."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from heapscope.cli import main

from .conftest import ServiceFactory, leak_marker

PROGRAMS = Path(__file__).resolve().parent / "programs"


def test_on_leak_find_leaks_writes_a_report_by_itself(
    start_service: ServiceFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = tmp_path / "audit-log.js"
    shutil.copy(PROGRAMS / "audit-log.js", program)
    service = start_service(program, "--expose-gc")
    report_path = tmp_path / "report.json"
    code = main(
        [
            "monitor", service.host_port, "--interval", "0.2", "--on-leak", "find-leaks",
            "--hunt-interval", "1.5", "--workspace", str(tmp_path),
            "--format", "json", "-o", str(report_path),
        ]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1, captured.err
    assert "leak suspected" in captured.out
    assert "hunting with three snapshots" in captured.err
    report = json.loads(report_path.read_text())
    _kind, path, line = leak_marker(tmp_path)
    located = [
        (f["location"] or {}).get("line") for f in report["findings"] if f["severity"] != "information"
    ]
    assert report["findings"][0]["location"]["path"] == str(path)
    assert located[0] == line, report["findings"]
    assert service.running()


def test_monitor_exits_one_when_it_suspected_a_leak(
    start_service: ServiceFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = tmp_path / "audit-log.js"
    shutil.copy(PROGRAMS / "audit-log.js", program)
    service = start_service(program, "--expose-gc")
    assert main(["monitor", service.host_port, "--interval", "0.2", "--count", "25"]) == 1
    out = capsys.readouterr().out
    # Several GCs may fall between two samples, so the first suspicious line may name more than five.
    assert re.search(r"leak suspected: heap after GC grew at \d+ consecutive full GCs", out), out
    assert not (tmp_path / ".heapscope").exists()  # without capture options nothing is written


def test_snapshot_every_keeps_the_last_ones(
    start_service: ServiceFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    service = start_service(PROGRAMS / "steady.js")
    code = main(
        [
            "monitor", service.host_port, "--interval", "0.2", "--count", "50",
            "--snapshot-every", "0.5", "--keep", "1", "--workspace", str(tmp_path),
        ]
    )  # fmt: skip
    captured = capsys.readouterr()
    # Each snapshot is a full GC the monitor sees, so its verdict may go either way on a 4 MB heap.
    assert code in (0, 1), captured.err
    kept = sorted((tmp_path / ".heapscope" / "snapshots").glob("*-monitor.heapsnapshot"))
    assert len(kept) == 1
    assert captured.err.count("heapscope: snapshot ") >= 2  # more were taken than kept
    assert all(path.with_name(path.name.replace(".heapsnapshot", ".meta.json")).exists() for path in kept)


def test_a_steady_heap_exits_zero(start_service: ServiceFactory, capsys: pytest.CaptureFixture[str]) -> None:
    service = start_service(PROGRAMS / "steady.js")
    assert main(["monitor", service.host_port, "--interval", "0.2", "--count", "10"]) == 0
    assert "leak suspected" not in capsys.readouterr().out


def test_near_heap_limit_snapshot_of_a_started_program(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "monitor", "--interval", "0.2", "--heapsnapshot-near-heap-limit", "1",
            "--workspace", str(tmp_path),
            "--", "node", "--max-old-space-size=24", str(PROGRAMS / "heap-limit.js"),
        ]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1, captured.err
    (written,) = (tmp_path / ".heapscope" / "snapshots").glob("Heap.*.heapsnapshot")
    assert f"the heap neared its limit; node wrote {written}" in captured.err
    assert written.stat().st_size > 1_000_000


def test_near_heap_limit_needs_a_started_program(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["monitor", "127.0.0.1:9229", "--heapsnapshot-near-heap-limit", "1"]) == 2
    err = capsys.readouterr().err
    assert "works on a program Heapscope starts" in err and err.count("\n") == 1

"""Snapshots from separate inspector sessions: ``snapshot`` warns, ``diff`` and ``find-leaks`` refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from heapscope.cli import main

from .conftest import CORPUS, ServiceFactory


def test_two_snapshot_calls_cannot_be_compared(
    start_service: ServiceFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    service = start_service(CORPUS / "event-listener" / "main.js")
    service.settle(1.0)
    paths = [tmp_path / f"{n}.heapsnapshot" for n in range(3)]
    for path in paths:
        assert main(["snapshot", service.host_port, "-o", str(path)]) == 0
        err = capsys.readouterr().err
        assert "cannot be compared" in err and "heapscope find-leaks TARGET" in err

    assert main(["diff", str(paths[0]), str(paths[1])]) == 2
    captured = capsys.readouterr()
    refusal = captured.err.strip()
    assert captured.out == ""
    assert refusal.startswith("heapscope: ") and "\n" not in refusal
    assert "same process and inspector session" in refusal and "find-leaks TARGET" in refusal

    assert main(["find-leaks", *map(str, paths)]) == 2
    assert "same process and inspector session" in capsys.readouterr().err

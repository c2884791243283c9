"""Bad input to the real CLI: one line naming the file or value, exit 2, no traceback, no hang."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import Snapshotted, snapshot_program
from .test_patterns import PROGRAMS


def heapscope(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # The timeout is the hang detector: every case here must answer at once.
    return subprocess.run(
        [sys.executable, "-m", "heapscope", *args], capture_output=True, text=True, timeout=60, cwd=cwd
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "value"),
    [
        (["monitor", "127.0.0.1:9", "--interval", "0"], "'0'"),
        (["monitor", "127.0.0.1:9", "--interval", "-1"], "'-1'"),
        (["monitor", "127.0.0.1:9", "--interval", "nan"], "'nan'"),
        (["monitor", "127.0.0.1:9", "--interval", "1e-9"], "'1e-9'"),
        (["monitor", "127.0.0.1:9", "--count", "-3"], "'-3'"),
        (["snapshot", "127.0.0.1:9", "--timeout", "-5"], "'-5'"),
        (["snapshot", "127.0.0.1:9", "--timeout", "inf"], "'inf'"),
        (["run", "--warmup", "nan", "--", "node", "app.js"], "'nan'"),
        (["run", "--interval", "inf", "--", "node", "app.js"], "'inf'"),
        (["find-leaks", "127.0.0.1:9", "--interval", "0"], "'0'"),
        (["inspect", "x.heapsnapshot", "--top", "many"], "'many'"),
    ],
)
def test_numeric_options_out_of_bounds_are_one_line(args: list[str], value: str) -> None:
    line = one_line(heapscope(*args))
    assert line.startswith(f"heapscope {args[0]}: argument --")
    assert f"{value} is not" in line


@pytest.mark.parametrize("kind", ["fifo", "directory", "device", "socket"])
def test_special_files_are_refused_up_front(tmp_path: Path, kind: str) -> None:
    import socket

    path = tmp_path / "special.heapsnapshot"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    elif kind == "device":
        path = Path("/dev/zero")
    listener = None
    if kind == "socket":
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(path))
    try:
        for command in (["inspect", str(path)], ["diff", str(path), str(path)]):
            line = one_line(heapscope(*command))
            assert line.startswith(f"heapscope: {path}: not a snapshot file: it is a")
    finally:
        if listener is not None:
            listener.close()


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Snapshotted:
    return snapshot_program(tmp_path_factory.mktemp("order"), PROGRAMS["collection"])


def test_find_leaks_refuses_one_file_given_twice_or_thrice(three: Snapshotted) -> None:
    first = str(three.snapshots[0])
    line = one_line(heapscope("find-leaks", first, first, first))
    assert line == f"heapscope: {first} is given twice: the snapshots must be different files"
    link = three.snapshots[0].with_name("same.heapsnapshot")
    link.symlink_to(three.snapshots[0])
    line = one_line(heapscope("find-leaks", first, str(three.snapshots[1]), str(link)))
    assert line == f"heapscope: {link} is given twice: the snapshots must be different files"


def test_find_leaks_refuses_snapshots_newest_first(three: Snapshotted) -> None:
    baseline, target, final = map(str, three.snapshots)
    line = one_line(heapscope("find-leaks", final, target, baseline))
    assert line == f"heapscope: {target} was taken before {final}: give the snapshots oldest first"


def test_find_leaks_refuses_a_copy_of_the_baseline(three: Snapshotted, tmp_path: Path) -> None:
    copy = tmp_path / "copy.heapsnapshot"
    copy.write_bytes(three.snapshots[0].read_bytes())
    line = one_line(heapscope("find-leaks", str(three.snapshots[0]), str(copy)))
    assert line == f"heapscope: {copy} is a copy of {three.snapshots[0]}: nothing happened between them"


# find-leaks whose analysis fails while work started ahead of its use still runs (a worker
# that would take as long as a tree over a heap of gigabytes, here one that never ends).
_FAILS_WITH_WORK_AHEAD = """
import sys, threading
from heapscope import cli
from heapscope.analysis import analyze, cli as analysis_cli

def analyze_snapshots(paths, **options):
    with analyze._workers("heapscope-ahead") as ahead:
        started = threading.Event()
        ahead.submit(lambda: (started.set(), threading.Event().wait()))
        started.wait()
        raise analyze.AnalysisError(f"{paths[-1]} is not a later snapshot of the same process")

analysis_cli.analyze_snapshots = analyze_snapshots
sys.argv = ["heapscope", "find-leaks", "a.heapsnapshot", "b.heapsnapshot", "c.heapsnapshot"]
cli.run()
"""


def test_a_failed_analysis_does_not_wait_for_work_started_ahead(tmp_path: Path) -> None:
    script = tmp_path / "fails_with_work_ahead.py"
    script.write_text(_FAILS_WITH_WORK_AHEAD)
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert one_line(result) == "heapscope: c.heapsnapshot is not a later snapshot of the same process"

"""``heapscope monitor`` and ``heapscope snapshot`` as a user runs them."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from heapscope.cli import main
from heapscope.inspector.cli import SEPARATE_SESSIONS
from heapscope.snapshot import load_snapshot

from .conftest import NodeProgramFactory

pytestmark = pytest.mark.timeout(60)


def test_snapshot_command(
    node_program: NodeProgramFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = node_program()
    output = tmp_path / "cli.heapsnapshot"
    assert main(["snapshot", program.host_port, "-o", str(output), "--gc"]) == 0
    printed = capsys.readouterr()
    assert printed.out.startswith(f"{output}  (")
    # No progress bar when stderr is not a terminal; only the note about comparing snapshots.
    assert printed.err == f"heapscope: {SEPARATE_SESSIONS}\n"
    assert load_snapshot(output).node_count > 0


def test_snapshot_command_default_place(
    node_program: NodeProgramFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = node_program()
    assert main(["snapshot", str(program.ws_url), "--workspace", str(tmp_path), "--label", "cli"]) == 0
    (saved,) = (tmp_path / ".heapscope" / "snapshots").glob("*-cli.heapsnapshot")
    assert capsys.readouterr().out.startswith(str(saved))


def test_monitor_command(node_program: NodeProgramFactory, capsys: pytest.CaptureFixture[str]) -> None:
    program = node_program()
    assert main(["monitor", program.host_port, "--interval", "0.1", "--count", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"monitoring process {program.pid}")
    assert len(lines) == 4
    for line in lines[1:]:
        assert " rss " in line and " heapUsed " in line and " after GC " in line


def test_snapshot_and_monitor_json(
    node_program: NodeProgramFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = node_program()
    output = tmp_path / "json.heapsnapshot"
    assert main(["snapshot", program.host_port, "-o", str(output), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["path"] == str(output.resolve())
    assert document["size"] == output.stat().st_size > 0
    assert document["pid"] == program.pid and document["nodeVersion"].startswith("v")

    assert main(["monitor", program.host_port, "--interval", "0.1", "--count", "3", "--format", "json"]) == 0
    printed = capsys.readouterr()
    assert printed.err.startswith(f"monitoring process {program.pid}")
    samples = [json.loads(line) for line in printed.out.splitlines()]
    assert len(samples) == 3
    for sample in samples:
        assert sample["pid"] == program.pid
        assert sample["heapUsed"] > 0 and sample["rss"] >= sample["heapUsed"]
        assert isinstance(sample["leakSuspected"], bool) and isinstance(sample["verdict"], str)
    assert [s["timestamp"] for s in samples] == sorted(s["timestamp"] for s in samples)


@pytest.mark.parametrize("command", ["snapshot", "monitor"])
def test_commands_fail_with_one_line(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert main([command, f"127.0.0.1:{port}", "--timeout", "1"]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"heapscope: nothing is listening on 127.0.0.1:{port}")
    assert error.count("\n") == 1

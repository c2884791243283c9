"""What heapscope leaves on disk when stopped or misled: private folders, no links followed, no litter."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from heapscope.inspector.snapshots import heapscope_dir

from .conftest import READY, NodeProgramFactory

pytestmark = pytest.mark.timeout(120)

# About 150 MB of heap: its snapshot takes long enough to be interrupted while it is written.
BIG_HEAP = f"""
const keep = [];
for (let i = 0; i < 1500000; i++) keep.push({{ i, s: 'x' + i, a: [i, i + 1] }});
globalThis.keep = keep;
setInterval(() => {{}}, 1000);
console.error('{READY}');
"""


def heapscope(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "heapscope", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def test_a_loose_heapscope_folder_is_made_private_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / ".heapscope"
    folder.mkdir()
    folder.chmod(0o777)
    assert heapscope_dir(tmp_path) == folder
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [record.getMessage() for record in caplog.records] == [
        f"{folder} was open to other users (mode 777); made it private (0700)"
    ]


def test_a_gitignore_link_is_replaced_not_followed(tmp_path: Path) -> None:
    folder = tmp_path / ".heapscope"
    folder.mkdir(mode=0o700)
    elsewhere = tmp_path / "elsewhere" / "written-through-the-link"
    (folder / ".gitignore").symlink_to(elsewhere)  # dangling: the target does not exist
    heapscope_dir(tmp_path)
    assert not elsewhere.exists() and not elsewhere.parent.exists()
    ignore = folder / ".gitignore"
    assert not ignore.is_symlink() and ignore.read_text() == "*\n"


def test_a_linked_snapshots_folder_is_refused(tmp_path: Path, node_program: NodeProgramFactory) -> None:
    program = node_program()
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "ws" / ".heapscope").mkdir(parents=True, mode=0o700)
    (tmp_path / "ws" / ".heapscope" / "snapshots").symlink_to(outside)
    process = heapscope("snapshot", program.host_port, "--workspace", str(tmp_path / "ws"))
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert err.strip().splitlines()[-1] == (
        f"heapscope: {tmp_path / 'ws' / '.heapscope' / 'snapshots'} is a symbolic link; "
        "heapscope does not write through links"
    )
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stopped_snapshot_leaves_no_part_file_and_earlier_snapshots_intact(
    tmp_path: Path, node_program: NodeProgramFactory, signum: signal.Signals
) -> None:
    program = node_program(BIG_HEAP)
    snapshots = tmp_path / "ws" / ".heapscope" / "snapshots"
    snapshots.mkdir(parents=True)
    earlier = snapshots / "earlier.heapsnapshot"
    earlier.write_bytes(b"an earlier snapshot")
    process = heapscope("snapshot", program.host_port, "--workspace", str(tmp_path / "ws"))
    deadline = time.monotonic() + 90
    while not list(snapshots.glob(".*.part")):
        assert time.monotonic() < deadline and process.poll() is None, "the snapshot never started"
        time.sleep(0.02)
    time.sleep(0.2)
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert out == "" and err.strip().splitlines()[-1] == "heapscope: interrupted; no snapshot was written"
    assert sorted(path.name for path in snapshots.iterdir()) == ["earlier.heapsnapshot"]
    assert earlier.read_bytes() == b"an earlier snapshot"


def test_a_sidecar_that_cannot_be_written_says_the_snapshot_was_saved(
    tmp_path: Path, node_program: NodeProgramFactory
) -> None:
    program = node_program()
    output = tmp_path / "kept.heapsnapshot"
    (tmp_path / "kept.meta.json").mkdir()  # the sidecar's name is taken by a folder
    process = heapscope("snapshot", program.host_port, "-o", str(output))
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"heapscope: cannot write the snapshot's sidecar {tmp_path / 'kept.meta.json'}: ")
    assert last.endswith(f"; the snapshot itself was saved to {output}")
    assert output.stat().st_size > 0


@pytest.mark.parametrize(
    ("command", "env", "where"),
    [
        (["node", "--inspect-brk", "app.js"], {}, "the command"),
        (["node", "--inspect-wait=0", "app.js"], {}, "the command"),
        (["node", "app.js"], {"NODE_OPTIONS": "--max-old-space-size=200 --inspect-brk"}, "NODE_OPTIONS"),
    ],
)
def test_run_refuses_a_program_that_would_wait_for_a_debugger(
    tmp_path: Path, command: list[str], env: dict[str, str], where: str
) -> None:
    (tmp_path / "app.js").write_text("setInterval(() => {}, 1000);\n")
    process = heapscope("run", "--quiet", "--", *command, env=env, cwd=tmp_path)
    _, err = process.communicate(timeout=60)  # no hang: refused before node starts
    assert process.returncode == 2
    flag = "--inspect-wait" if "--inspect-wait=0" in command else "--inspect-brk"
    assert err.strip().splitlines() == [
        f"heapscope: remove {flag} from {where}: heapscope opens the inspector itself, and with "
        f"{flag} node would wait for a debugger before running any code"
    ]
    # No node process of this program was left running.
    leftover = subprocess.run(["pgrep", "-f", str(tmp_path / "app.js")], capture_output=True, text=True)
    assert leftover.stdout == ""

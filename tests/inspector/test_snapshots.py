"""Snapshots over the real websocket: where they go, that the engine reads them, that failures leave none."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import orjson
import pytest

from heapscope.inspector import InspectorError, connect
from heapscope.progress import Phase, Progress
from heapscope.snapshot import load_snapshot
from heapscope.snapshot_files import interval_cpu_seconds, read_sidecar

from .conftest import LISTENER_LINE, READY, NodeProgramFactory

pytestmark = pytest.mark.timeout(120)

# About 40 MB of heap, so a snapshot takes long enough to be interrupted.
BIG_PROGRAM = textwrap.dedent(
    f"""\
    globalThis.big = [];
    for (let i = 0; i < 300000; i++) globalThis.big.push({{ index: i, text: 'item ' + i }});
    setInterval(() => {{}}, 1000);
    console.error('{READY}');
    """
)


def _closures_named(snapshot_path: Path, name: str) -> list[int]:
    snapshot = load_snapshot(snapshot_path)
    closure_type = snapshot.node_type_id("closure")
    candidates = np.flatnonzero(snapshot.node_type == closure_type)
    found = [int(node) for node in candidates if snapshot.name(int(node)) == name]
    return found


def test_snapshot_to_workspace_maps_closures_to_the_program(
    node_program: NodeProgramFactory, tmp_path: Path
) -> None:
    program = node_program()
    workspace = tmp_path / "project"
    events: list[Progress] = []
    with connect(program.host_port) as session:
        saved = session.take_snapshot(workspace=workspace, label="first run", progress=events.append)
    # Where and how it is stored.
    assert saved.path.parent == workspace / ".heapscope" / "snapshots"
    assert saved.path.name.endswith("-first-run.heapsnapshot")
    assert (workspace / ".heapscope" / ".gitignore").read_text().strip() == "*"
    for path in (saved.path, saved.sidecar):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in saved.path.parent.iterdir() if p.name.endswith(".part")]
    assert saved.path.read_bytes()[:12] == b'{"snapshot":'
    # Progress: V8 builds (its object count ends at done == total), then the bytes stream in.
    phases = [event.phase for event in events]
    assert phases[0] is Phase.SNAPSHOT_BUILD and phases[-1] is Phase.SNAPSHOT_TRANSFER
    assert phases.index(Phase.SNAPSHOT_TRANSFER) > max(
        i for i, p in enumerate(phases) if p is Phase.SNAPSHOT_BUILD
    )
    built = [event for event in events if event.phase is Phase.SNAPSHOT_BUILD]
    assert all(event.total is not None and event.done <= event.total for event in built)
    assert built[-1].done == built[-1].total > 0
    written = [event.done for event in events if event.phase is Phase.SNAPSHOT_TRANSFER]
    assert written == sorted(written) and written[-1] == saved.size == saved.path.stat().st_size
    assert events[-1].total == saved.size

    # The engine reads it, and the test's closure maps to this program's file.
    snapshot = load_snapshot(saved.path)
    listeners = _closures_named(saved.path, "heapscopeTestListener")
    assert len(listeners) == 50
    assert snapshot.script_name_of(listeners[0]) == str(program.path)
    location = snapshot.location(listeners[0])
    assert location is not None and location.line + 1 == LISTENER_LINE
    assert snapshot.script_names[location.script_id] == str(program.path)

    # The sidecar has the target and the live script map, which agrees with the snapshot.
    sidecar = read_sidecar(saved.path)
    assert sidecar is not None
    assert sidecar["target"]["pid"] == program.pid
    assert sidecar["scriptSource"] == "debugger"
    assert sidecar["scripts"][str(location.script_id)]["url"] == program.path.as_uri()


def test_snapshot_to_chosen_file_with_gc(node_program: NodeProgramFactory, tmp_path: Path) -> None:
    program = node_program()
    destination = tmp_path / "out" / "mine.heapsnapshot"
    with connect(program.host_port) as session:
        saved = session.take_snapshot(dest=destination, gc=True)
    assert saved.path == destination
    assert saved.sidecar == tmp_path / "out" / "mine.meta.json"
    assert orjson.loads(saved.sidecar.read_bytes())["collectGarbageFirst"] is True
    assert len(_closures_named(destination, "heapscopeTestListener")) == 50


BUSY_FOR_300_MS = "(() => { const s = process.cpuUsage(); while (process.cpuUsage(s).user < 3e5); })()"


def test_sidecars_give_the_cpu_time_the_program_used_between_two_snapshots(
    node_program: NodeProgramFactory, tmp_path: Path
) -> None:
    """The CPU time around each snapshot: between two of them, what the program itself ran."""
    program = node_program()
    with connect(program.host_port) as session:
        first = session.take_snapshot(dest=tmp_path / "1.heapsnapshot", gc=False)
        # 0.3 s of the program's own CPU time, however busy the machine is.
        session.evaluate_fixed(BUSY_FOR_300_MS)
        second = session.take_snapshot(dest=tmp_path / "2.heapsnapshot", gc=False)
    readings = [read_sidecar(saved.path)["cpuSeconds"] for saved in (first, second)]  # type: ignore[index]
    assert all(0 < cpu["before"] <= cpu["after"] for cpu in readings)
    busy = interval_cpu_seconds([first.path, second.path])
    assert busy is not None and len(busy) == 1
    # The busy loop, without the snapshots' own work.
    assert 0.3 <= busy[0] < readings[1]["after"] - readings[0]["before"]


def test_target_killed_mid_snapshot_leaves_no_partial_file(
    node_program: NodeProgramFactory, tmp_path: Path
) -> None:
    program = node_program(BIG_PROGRAM)
    folder = tmp_path / "snaps"
    with connect(program.host_port) as session:
        earlier = session.take_snapshot(dest=folder / "earlier.heapsnapshot", gc=False)
        earlier_bytes = earlier.path.read_bytes()

        def kill_on_first_chunk(event: Progress) -> None:
            if event.phase is Phase.SNAPSHOT_TRANSFER:
                program.kill()

        with pytest.raises(InspectorError, match="the target went away while taking the snapshot") as caught:
            session.take_snapshot(dest=folder / "later.heapsnapshot", gc=False, progress=kill_on_first_chunk)
        assert "\n" not in str(caught.value)
    assert sorted(p.name for p in folder.iterdir()) == ["earlier.heapsnapshot", "earlier.meta.json"]
    assert earlier.path.read_bytes() == earlier_bytes


def test_cancel_leaves_no_file_and_the_session_stays_usable(
    node_program: NodeProgramFactory, tmp_path: Path
) -> None:
    program = node_program(BIG_PROGRAM)
    cancel = threading.Event()
    with connect(program.host_port) as session:
        with pytest.raises(InspectorError, match="cancelled"):
            session.take_snapshot(
                dest=tmp_path / "cancelled.heapsnapshot",
                gc=False,
                cancel=cancel,
                progress=lambda _event: cancel.set(),
            )
        assert list(tmp_path.glob("*cancelled*")) == []
        # The cancelled snapshot's chunks are drained, not mixed into the next one.
        saved = session.take_snapshot(dest=tmp_path / "next.heapsnapshot", gc=False)
    assert load_snapshot(saved.path).node_count > 300000


def test_disk_full_is_one_sentence_and_removes_the_temporary_file(
    node_program: NodeProgramFactory, tmp_path: Path
) -> None:
    """A file size limit makes the kernel refuse writes (EFBIG), as a full disk would (ENOSPC)."""
    program = node_program()
    destination = tmp_path / "full" / "snap.heapsnapshot"
    destination.parent.mkdir()
    child = textwrap.dedent(
        f"""\
        import resource, signal, sys
        from heapscope.inspector import InspectorError, connect
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
        with connect({program.host_port!r}) as session:
            try:
                session.take_snapshot(dest={str(destination)!r}, gc=False, scripts=False)
            except InspectorError as error:
                print(error)
                sys.exit(3)
        """
    )
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=60)
    assert result.returncode == 3, result.stderr
    message = result.stdout.strip()
    assert message.startswith(f"cannot write the snapshot to {destination}: file too large")
    assert "partial file was removed" in message and "\n" not in message
    assert os.listdir(destination.parent) == []


def test_unwritable_destination(node_program: NodeProgramFactory, tmp_path: Path) -> None:
    program = node_program()
    blocker = tmp_path / "file"
    blocker.write_text("")
    with (
        connect(program.host_port) as session,
        pytest.raises(InspectorError, match="cannot create the directory"),
    ):
        session.take_snapshot(dest=blocker / "sub" / "x.heapsnapshot")


def test_allocation_tracking_puts_traces_in_snapshots(
    node_program: NodeProgramFactory, tmp_path: Path
) -> None:
    program = node_program()
    with connect(program.host_port) as session:
        session.start_allocation_tracking()
        session.evaluate_fixed("globalThis.tracked = Array.from({length: 1000}, (_, i) => ({i}))")
        saved = session.take_snapshot(dest=tmp_path / "tracked.heapsnapshot", gc=False)
        session.stop_allocation_tracking()
        assert read_sidecar(saved.path)["allocationTracking"] is True  # type: ignore[index]
        after = session.take_snapshot(dest=tmp_path / "after.heapsnapshot", gc=False)
    assert len(load_snapshot(saved.path).trace_function_infos) > 0
    assert load_snapshot(after.path).node_count > 0

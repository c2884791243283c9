"""``launch_node``: what ``heapscope run`` uses to start a program under the inspector."""

from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path

import pytest

from heapscope.inspector import InspectorError, InspectorErrorKind, connect, launch_node
from heapscope.inspector.launch import INSPECT_FLAG

pytestmark = pytest.mark.timeout(60)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not status.exists() or status.read_text().split(")", 1)[1].split()[0] != "Z"


def test_launch_attach_and_stop_the_whole_process_group(tmp_path: Path) -> None:
    child_pid_file = tmp_path / "child.pid"
    program = tmp_path / "parent.js"
    program.write_text(
        textwrap.dedent(
            f"""\
            const {{ spawn }} = require('child_process');
            const forever = 'setInterval(() => {{}}, 1000)';
            const child = spawn(process.execPath, ['-e', forever], {{ stdio: 'ignore' }});
            require('fs').writeFileSync({str(child_pid_file)!r}, String(child.pid));
            process.on('SIGTERM', () => {{}});  // a stubborn program: only SIGKILL ends it
            setInterval(() => {{}}, 1000);
            """
        )
    )
    node = launch_node(["node", str(program), "--flag-for-the-program"], cwd=tmp_path)
    try:
        assert node.ws_url is not None and node.ws_url.startswith("ws://127.0.0.1:")
        with connect(node.ws_url) as session:
            # The inspector flag goes to node, right after the executable; the rest is the program's.
            assert session.target_info["execArgv"] == [INSPECT_FLAG]
            assert session.target_info["argv"][1:] == [str(program), "--flag-for-the-program"]
            assert session.target_info["pid"] == node.pid
        for _ in range(100):
            if child_pid_file.exists() and child_pid_file.read_text():
                break
            time.sleep(0.05)
        child_pid = int(child_pid_file.read_text())
        assert node.poll() is None
    finally:
        node.stop(grace=1.0)
    assert node.poll() is not None
    for _ in range(50):
        if not _alive(child_pid):
            break
        time.sleep(0.05)
    assert not _alive(child_pid)


def test_node_that_exits_before_listening_reports_why() -> None:
    with pytest.raises(
        InspectorError, match=r"exited with code 9 before it could be attached: .*bad option"
    ) as caught:
        launch_node(["node", "--no-such-node-option", "x.js"])
    assert "\n" not in str(caught.value)
    assert (caught.value.kind, caught.value.exit_code) == (InspectorErrorKind.TARGET_EXITED, 9)
    assert "bad option" in caught.value.reason


def test_program_that_dies_right_after_the_inspector_opened(tmp_path: Path) -> None:
    program = tmp_path / "broken.js"
    program.write_text("const x = ;\n")
    # Node opens the inspector before it parses the script, so launching succeeds ...
    node = launch_node(["node", str(program)])
    try:
        node.wait(10)
        failure = node.failure()
    finally:
        node.stop()
    # ... and the failure says what happened.
    assert failure is not None
    assert str(failure).startswith(
        f"node {program} exited with code 1 before it could be attached: SyntaxError"
    )
    assert "broken.js" in failure.details
    assert (failure.kind, failure.exit_code) == (InspectorErrorKind.TARGET_EXITED, 1)
    assert failure.reason.startswith("SyntaxError")


def test_unknown_executable(tmp_path: Path) -> None:
    with pytest.raises(InspectorError, match="cannot run no-such-node: not found") as caught:
        launch_node(["no-such-node", "x.js"])
    assert (caught.value.kind, caught.value.target) == (InspectorErrorKind.LAUNCH, "no-such-node")


def test_program_output_stays_available(tmp_path: Path) -> None:
    program = tmp_path / "talk.js"
    program.write_text("console.error('hello from the program'); setInterval(() => {}, 1000);\n")
    with launch_node(["node", str(program)]) as node:
        for _ in range(100):
            if "hello from the program" in node.stderr_tail():
                break
            time.sleep(0.05)
        assert node.stderr_tail() == "hello from the program"


def test_connecting_right_after_launch_always_reports_the_process(tmp_path: Path) -> None:
    """Attached during Node's bootstrap, the session still learns pid, argv, execArgv and title.

    Right after the inspector opens, ``process.pid`` and ``process.argv`` may not exist yet;
    the session probes again until they do. Thirty launches make the early window likely.
    """
    program = tmp_path / "idle.js"
    program.write_text("setInterval(() => {}, 1000);\n")
    for attempt in range(30):
        node = launch_node(["node", str(program), f"--attempt={attempt}"], cwd=tmp_path)
        try:
            assert node.ws_url is not None
            with connect(node.ws_url) as session:
                info = session.target_info
                assert info["pid"] == node.pid
                assert info["execArgv"] == [INSPECT_FLAG]
                assert info["argv"][1:] == [str(program), f"--attempt={attempt}"]
                assert isinstance(info["title"], str) and info["title"]
        finally:
            node.stop(grace=1.0)

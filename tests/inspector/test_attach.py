"""Attaching by every target form, and every way attaching can fail, each with one clear sentence."""

from __future__ import annotations

import http.server
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from heapscope.inspector import InspectorError, InspectorErrorKind, connect, launch_node, resolve_target

from .conftest import NodeProgramFactory

pytestmark = pytest.mark.timeout(60)


def test_attach_by_ws_url(node_program: NodeProgramFactory) -> None:
    program = node_program()
    assert program.ws_url is not None
    with connect(program.ws_url) as session:
        assert session.target_info["pid"] == program.pid
        assert session.target_info["argv"][-1] == str(program.path)
        assert session.memory_usage()["heapUsed"] > 0


def test_attach_by_host_port(node_program: NodeProgramFactory) -> None:
    program = node_program()
    with connect(program.host_port) as session:
        assert session.target_info["pid"] == program.pid
        assert session.target_info["webSocketDebuggerUrl"] == program.ws_url
        assert session.target_info["kind"] == "host-port"


def test_attach_by_pid_turns_the_inspector_on(node_program: NodeProgramFactory) -> None:
    # No --inspect: SIGUSR1 opens the inspector; port 0 keeps parallel runs off 9229.
    program = node_program(flags=("--inspect-port=0",))
    for _ in range(2):  # the second attach finds the inspector already on
        with connect(str(program.pid)) as session:
            assert session.target_info["pid"] == program.pid
            assert session.target.kind == "pid"


def test_two_sessions_at_once(node_program: NodeProgramFactory) -> None:
    program = node_program()
    assert program.ws_url is not None
    with connect(program.ws_url) as first, connect(program.host_port) as second:
        assert first.target_info["pid"] == second.target_info["pid"] == program.pid


def test_js_debug_proxy_addresses_parse() -> None:
    by_json = resolve_target('{"host": "127.0.0.1", "port": 53123, "path": "/a1b2c3"}')
    assert (by_json.ws_url, by_json.kind) == ("ws://127.0.0.1:53123/a1b2c3", "js-debug-proxy")
    written = resolve_target("js-debug://localhost:53123/a1b2c3")
    assert (written.ws_url, written.via_proxy) == ("ws://localhost:53123/a1b2c3", True)


# -- failures -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_closed_port() -> None:
    port = _free_port()
    with pytest.raises(InspectorError, match=rf"nothing is listening on 127\.0\.0\.1:{port}") as caught:
        connect(f"127.0.0.1:{port}", timeout=2)
    assert (caught.value.kind, caught.value.target) == (InspectorErrorKind.NOT_LISTENING, f"127.0.0.1:{port}")
    with pytest.raises(InspectorError, match="nothing is listening at ws://") as caught:
        connect(f"ws://127.0.0.1:{port}/abc", timeout=2)
    assert caught.value.kind is InspectorErrorKind.NOT_LISTENING


@pytest.fixture
def http_server() -> Iterator[int]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def test_http_server_that_is_not_an_inspector(http_server: int) -> None:
    with pytest.raises(InspectorError, match=r"is an HTTP server but not a Node\.js inspector") as caught:
        connect(f"127.0.0.1:{http_server}", timeout=2)
    assert "\n" not in str(caught.value)
    assert caught.value.kind is InspectorErrorKind.NOT_INSPECTOR
    with pytest.raises(InspectorError, match="refused the websocket handshake") as caught:
        connect(f"ws://127.0.0.1:{http_server}/abc", timeout=2)
    assert caught.value.kind is InspectorErrorKind.NOT_INSPECTOR


def test_port_that_accepts_but_never_answers() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        with pytest.raises(InspectorError, match="did not answer an inspector request within 1 s") as caught:
            connect(f"127.0.0.1:{port}", timeout=1)
        assert caught.value.kind is InspectorErrorKind.TIMEOUT
        with pytest.raises(
            InspectorError, match="did not complete the websocket handshake within 1 s"
        ) as caught:
            connect(f"ws://127.0.0.1:{port}/abc", timeout=1)
        assert caught.value.kind is InspectorErrorKind.TIMEOUT


def test_stopped_target_is_an_error_not_a_hang(node_program: NodeProgramFactory) -> None:
    program = node_program()
    os.kill(program.pid, signal.SIGSTOP)
    try:
        with pytest.raises(InspectorError, match="within 1 s") as caught:
            connect(program.host_port, timeout=1)
        assert caught.value.kind is InspectorErrorKind.TIMEOUT
    finally:
        os.kill(program.pid, signal.SIGCONT)


def test_exited_target(node_program: NodeProgramFactory) -> None:
    program = node_program()
    assert program.ws_url is not None
    program.kill()
    with pytest.raises(InspectorError, match="nothing is listening") as caught:
        connect(program.ws_url, timeout=2)
    assert caught.value.kind is InspectorErrorKind.NOT_LISTENING
    with pytest.raises(InspectorError, match="there is no process with PID") as caught:
        connect(str(program.pid), timeout=2)
    assert (caught.value.kind, caught.value.target) == (
        InspectorErrorKind.NO_PROCESS,
        f"process {program.pid}",
    )


@pytest.mark.parametrize(
    "target",
    [
        "10.1.2.3:9229",
        "ws://192.168.0.7:9229/abc",
        "example.com:9229",
        '{"host": "10.0.0.1", "port": 1, "path": "/x"}',
    ],
)
def test_remote_hosts_need_explicit_permission(target: str) -> None:
    with pytest.raises(
        InspectorError, match=r"refusing to attach to .*not a loopback address.*--allow-remote"
    ) as caught:
        connect(target, timeout=1)
    assert caught.value.kind is InspectorErrorKind.NOT_LOOPBACK
    assert caught.value.target is not None and caught.value.target in target


def test_remote_host_allowed_goes_on_to_connect() -> None:
    # 192.0.2.0/24 is reserved for documentation: nothing answers, but the host check passes.
    with pytest.raises(InspectorError) as caught:
        connect("192.0.2.1:9229", allow_remote=True, timeout=1)
    assert "refusing" not in str(caught.value)
    assert caught.value.kind is not InspectorErrorKind.NOT_LOOPBACK


@pytest.mark.parametrize("target", ["", "not a target", "localhost:99999", "ws://"])
def test_garbage_targets(target: str) -> None:
    with pytest.raises(InspectorError) as caught:
        connect(target, timeout=1)
    assert "\n" not in str(caught.value)
    assert caught.value.kind is InspectorErrorKind.BAD_TARGET


def test_pid_of_something_that_is_not_node() -> None:
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        with pytest.raises(InspectorError, match="not node; Heapscope only sends SIGUSR1") as caught:
            connect(str(sleeper.pid), timeout=1)
        assert caught.value.kind is InspectorErrorKind.NO_PROCESS
        assert sleeper.poll() is None  # it was not signalled
    finally:
        sleeper.kill()
        sleeper.wait()


def test_requests_fail_once_the_target_exits(node_program: NodeProgramFactory) -> None:
    program = node_program()
    session = connect(program.host_port)
    lost: list[InspectorError] = []
    session.connection.on_close(lost.append)
    program.kill()
    with pytest.raises(InspectorError, match=r"connection to .* was lost") as caught:
        for _ in range(100):  # the reader may not have seen the close yet
            session.call("Runtime.getHeapUsage", timeout=5)
    assert caught.value.kind is InspectorErrorKind.TARGET_EXITED
    assert len(lost) == 1 and lost[0].kind is InspectorErrorKind.TARGET_EXITED
    with pytest.raises(InspectorError, match="was lost"):
        session.memory_usage()
    session.close()


def test_requests_after_close_say_the_session_was_closed(node_program: NodeProgramFactory) -> None:
    program = node_program()
    session = connect(program.host_port)
    session.close()
    with pytest.raises(InspectorError, match="was closed") as caught:
        session.call("Runtime.getHeapUsage", timeout=5)
    assert caught.value.kind is InspectorErrorKind.CLOSED
    assert caught.value.target == program.host_port


def test_a_program_whose_script_ended_has_no_context(tmp_path: Path) -> None:
    # Node waits for the attached debugger after the script ends; nothing is left to evaluate in.
    program = tmp_path / "short.js"
    program.write_text("setTimeout(() => {}, 300);\n")
    node = launch_node(["node", str(program)])
    try:
        with connect(node.ws_url or "") as session:
            deadline = time.monotonic() + 10
            while True:
                try:
                    session.evaluate_fixed("1", timeout=5)
                except InspectorError as error:
                    assert error.kind is InspectorErrorKind.NO_CONTEXT
                    break
                assert time.monotonic() < deadline, "the script never ended"
                time.sleep(0.1)
    finally:
        node.stop()

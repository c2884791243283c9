"""The real server under bad input: it answers every request, and bad framing ends it cleanly.

Framing is tested with a raw-bytes client on the server's stdin (pytest-lsp can only send
well-formed messages); everything else through pytest-lsp, as an editor would.
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from pytest_lsp import LanguageClient

from .conftest import (
    SERVER,
    NodeTarget,
    accept_lens_refresh,
    errors_shown,
    execute,
    initialize,
    wait_for,
)

SERVE = [sys.executable, "-m", "heapscope", "serve"]


class RawClient:
    """Bytes in, framed JSON messages out, over a real ``heapscope serve`` process."""

    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen(
            SERVE, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd
        )
        self.pending = b""

    def send_bytes(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def response(self, request_id: int | None, timeout: float = 30.0) -> dict[str, Any]:
        """The response with this id (notifications skipped); the timeout only guards a hang."""
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while b"\r\n\r\n" in self.pending:
                head, rest = self.pending.split(b"\r\n\r\n", 1)
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                if len(rest) < length:
                    break
                message: dict[str, Any] = json.loads(rest[:length])
                self.pending = rest[length:]
                if "method" not in message and message.get("id") == request_id:
                    return message
            ready, _, _ = select.select([self.process.stdout], [], [], 0.5)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 1 << 16)
                if not chunk:
                    break
                self.pending += chunk
        raise AssertionError(f"no response to request {request_id}")

    def initialize(self) -> None:
        self.send({"id": 0, "method": "initialize", "params": {"processId": None, "capabilities": {}}})
        assert "result" in self.response(0)
        self.send({"method": "initialized", "params": {}})

    def finish(self) -> tuple[int, str]:
        """Exit code and stderr once the process ends (it must end by itself)."""
        _, stderr = self.process.communicate(timeout=30)
        return self.process.returncode, stderr.decode()


@pytest.fixture
def raw(tmp_path: Path) -> Any:
    client = RawClient(tmp_path)
    yield client
    if client.process.poll() is None:
        client.process.kill()
        client.process.communicate(timeout=10)


@pytest.mark.parametrize(
    ("garbage", "logged"),
    [
        (b"Content-Length: abc\r\n\r\n{}", "a Content-Length that is not a number (b'abc')"),
        (bytes(range(256)) * 16, "a header line"),
        (b"Content-Length: 99999999999\r\n\r\n", "a message of 99,999,999,999 bytes, more than 64 MB"),
    ],
    ids=["non-numeric-length", "random-bytes", "huge-length"],
)
def test_malformed_framing_ends_the_connection_with_one_logged_error(
    raw: RawClient, garbage: bytes, logged: str
) -> None:
    raw.initialize()
    raw.send_bytes(garbage)
    code, stderr = raw.finish()
    assert code == 1
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr
    assert lines[0].startswith("heapscope: Closing the connection: the client sent ") and logged in lines[0]


def test_a_framed_body_that_is_not_a_message_is_answered_and_skipped(raw: RawClient) -> None:
    raw.initialize()
    body = b"{this is not json"
    raw.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    assert raw.response(None)["error"]["code"] == -32700
    raw.send_bytes(b"Content-Length: 7\r\n\r\n[1,2,3]")
    assert raw.response(None)["error"]["code"] == -32600
    # Still listening: the next request is answered.
    raw.send(
        {"id": 5, "method": "workspace/executeCommand", "params": {"command": "heapscope.listSnapshots"}}
    )
    assert raw.response(5)["result"] == []


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("workspace/executeCommand", {}),
        ("workspace/executeCommand", {"command": 42, "arguments": "x"}),
        ("textDocument/hover", {"textDocument": {"uri": "file:///a.js"}, "position": {"line": -1}}),
        (
            "textDocument/hover",
            {"textDocument": {"uri": "file:///a.js"}, "position": {"line": 0, "character": "a"}},
        ),
        ("textDocument/codeLens", {"textDocument": None}),
    ],
)
def test_every_request_with_invalid_params_gets_an_error_response(
    raw: RawClient, method: str, params: dict[str, Any]
) -> None:
    raw.initialize()
    raw.send({"id": 7, "method": method, "params": params})
    error = raw.response(7)["error"]
    assert error["code"] == -32602 and error["message"].lower().startswith("invalid params")
    raw.send(
        {"id": 8, "method": "workspace/executeCommand", "params": {"command": "heapscope.listSnapshots"}}
    )
    assert raw.response(8)["result"] == []


async def test_a_five_megabyte_argument_is_not_echoed_back(client: LanguageClient) -> None:
    huge = "x" * 5_000_000
    assert await execute(client, "heapscope.attach", {"target": huge}) is None
    assert await execute(client, "heapscope.openSnapshot", {"path": huge}) is None
    await wait_for(lambda: len(errors_shown(client)) >= 2, "both failures shown")
    sent = [message.message for message in client.messages] + [
        message.message for message in client.log_messages
    ]
    assert sent and max(len(line) for text in sent for line in text.splitlines()) <= 400
    assert sum(len(text) for text in sent) < 50_000  # the argument alone is 5,000,000


@pytest.mark.parametrize("interval", [1e-9, 0, -1, 1e300, "fast", True])
async def test_monitor_intervals_are_bounded(client: LanguageClient, interval: Any) -> None:
    assert await execute(client, "heapscope.startMonitor", {"interval": interval}) is None
    assert errors_shown(client)[-1] == (
        f"The 'interval' argument must be {'a number ' if isinstance(interval, str | bool) else ''}"
        f"between 0.1 and 86,400 seconds, not {interval!r}."
    )


@pytest_lsp.fixture(config=SERVER)
async def unfinished_client(lsp_client: LanguageClient, tmp_path: Path) -> Any:
    """A client the test shuts down itself."""
    accept_lens_refresh(lsp_client)
    await initialize(lsp_client, tmp_path)
    yield


async def test_shutdown_during_a_snapshot_cancels_it_and_answers(
    unfinished_client: LanguageClient, node_target: Callable[[str], NodeTarget], tmp_path: Path
) -> None:
    """Shutdown while a big snapshot streams: the snapshot is cancelled, no file, no traceback."""
    target = node_target("big-heap.js")
    client = unfinished_client
    assert await execute(client, "heapscope.attach", {"target": target.ws_url}) is not None
    taking = asyncio.ensure_future(execute(client, "heapscope.takeSnapshot", {"label": "late"}))
    await wait_for(lambda: client.progress_reports, "the snapshot's progress")
    await client.shutdown_async(None)
    assert await taking is None
    client.exit(None)
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file() and "heapsnapshot" in p.name]
    assert leftovers == []
    assert not [m for m in client.log_messages if "Traceback" in m.message]
    assert target.process.poll() is None  # the program we attached to goes on running


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_tcp_refuses_a_non_loopback_address() -> None:
    result = subprocess.run([*SERVE, "--tcp", "0.0.0.0:2087"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "heapscope: 0.0.0.0 is not a loopback address; serving the language server there lets anyone "
        "who reaches it drive it (use --allow-remote if that is intended)"
    ]


def test_serve_tcp_on_a_busy_port_is_one_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [*SERVE, "--tcp", f"127.0.0.1:{port}"], capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"heapscope: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


def test_serve_tcp_with_allow_remote_listens_on_every_interface() -> None:
    port = free_port()
    server = subprocess.Popen([*SERVE, "--tcp", f"0.0.0.0:{port}", "--allow-remote"], stderr=subprocess.PIPE)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=5).close()
                break
            except ConnectionRefusedError:
                time.sleep(0.05)
        else:
            pytest.fail("the TCP server did not start listening")
    finally:
        server.kill()
        server.communicate(timeout=10)


async def test_crafted_snapshots_are_one_sentence_in_the_editor(
    client: LanguageClient, closure_snapshot: tuple[Path, Path], tmp_path: Path
) -> None:
    """Edge counts that wrap to the right total, a location past the nodes: refused, server alive."""
    _, source = closure_snapshot
    document = json.loads(source.read_bytes())
    fields = document["snapshot"]["meta"]["node_fields"]
    wrapped = json.loads(json.dumps(document))
    for node in (1, 2):
        wrapped["nodes"][node * len(fields) + fields.index("edge_count")] += 2**63
    (tmp_path / "wrapped.heapsnapshot").write_text(json.dumps(wrapped))
    located = json.loads(json.dumps(document))
    located["locations"][0] = document["snapshot"]["node_count"] * len(fields)
    (tmp_path / "located.heapsnapshot").write_text(json.dumps(located))

    assert (
        await execute(client, "heapscope.openSnapshot", {"path": str(tmp_path / "wrapped.heapsnapshot")})
        is None
    )
    assert errors_shown(client)[-1] == (
        f"Heapscope could not open the snapshot: {tmp_path / 'wrapped.heapsnapshot'}: the nodes' edge counts "
        "add up to more than any file can hold (corrupt snapshot)"
    )
    compared = await execute(
        client,
        "heapscope.compareSnapshots",
        {"baseline": str(source), "target": str(tmp_path / "located.heapsnapshot")},
    )
    assert compared is None
    assert errors_shown(client)[-1].endswith(
        f"{tmp_path / 'located.heapsnapshot'}: corrupt snapshot: a location points past the last node"
    )
    assert isinstance(await execute(client, "heapscope.listSnapshots"), list)

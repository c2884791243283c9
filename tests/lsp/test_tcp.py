"""``heapscope serve --tcp HOST:PORT``: the same server over a socket (raw JSON-RPC, as an editor would)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from typing import Any

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def send(sock: socket.socket, message: dict[str, Any]) -> None:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    sock.sendall(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)


def receive(reader: Any) -> dict[str, Any]:
    length = 0
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    message: dict[str, Any] = json.loads(reader.read(length))
    return message


def response_to(reader: Any, request_id: int) -> dict[str, Any]:
    """Skip notifications and server requests until the response to ``request_id``."""
    while True:
        message = receive(reader)
        if message.get("id") == request_id and "method" not in message:
            return message


def test_serve_over_tcp() -> None:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "heapscope", "serve", "--tcp", f"127.0.0.1:{port}"])
    try:
        for _ in range(200):
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except ConnectionRefusedError:
                time.sleep(0.05)
        else:
            pytest.fail("the TCP server did not start listening")
        with sock, sock.makefile("rb") as reader:
            send(sock, {"id": 1, "method": "initialize", "params": {"processId": None, "capabilities": {}}})
            capabilities = response_to(reader, 1)["result"]["capabilities"]
            assert "heapscope.findLeaks" in capabilities["executeCommandProvider"]["commands"]
            assert capabilities["hoverProvider"] and capabilities["codeLensProvider"]
            send(sock, {"method": "initialized", "params": {}})
            send(
                sock,
                {
                    "id": 2,
                    "method": "workspace/executeCommand",
                    "params": {"command": "heapscope.listSnapshots"},
                },
            )
            assert response_to(reader, 2)["result"] == []
            send(sock, {"id": 3, "method": "shutdown"})
            assert "error" not in response_to(reader, 3)
            send(sock, {"method": "exit"})
    finally:
        server.kill()
        server.wait(timeout=10)


def test_bad_tcp_address_is_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "heapscope", "serve", "--tcp", "localhost"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "heapscope: --tcp needs HOST:PORT, e.g. 127.0.0.1:2087, not 'localhost'"

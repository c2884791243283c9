"""Fixtures for the live inspector tests: real node processes, started and always stopped."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import textwrap
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

READY = "HEAPSCOPE_TEST_READY"
_LISTENING = re.compile(r"Debugger listening on (ws://\S+)")

# A program whose closures we look for in snapshots: 50 listeners, each a named closure.
LISTENER_PROGRAM = textwrap.dedent(
    f"""\
    const EventEmitter = require('events');
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    function addListener() {{
      const payload = new Array(200).fill('x');
      emitter.on('tick', function heapscopeTestListener() {{ return payload.length; }});
    }}
    for (let i = 0; i < 50; i++) addListener();
    globalThis.keepEmitter = emitter;
    globalThis.ticks = 0;
    setInterval(() => {{ globalThis.ticks++; }}, 20);
    console.error('{READY}');
    """
)
LISTENER_LINE = 6  # 1-based line of ``function heapscopeTestListener``


@dataclass
class NodeProgram:
    """A node process started by a test; ``ws_url`` is None when started without --inspect."""

    path: Path
    process: subprocess.Popen[str]
    ws_url: str | None
    stderr_lines: list[str] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def host_port(self) -> str:
        assert self.ws_url is not None
        return self.ws_url.split("/")[2]

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(10)


NodeProgramFactory = Callable[..., NodeProgram]


@pytest.fixture
def node_program(tmp_path: Path) -> Iterator[NodeProgramFactory]:
    """Start ``node [flags] file.js``; waits for the inspector URL (if any) and the READY line."""
    started: list[NodeProgram] = []

    def start(
        source: str = LISTENER_PROGRAM,
        *,
        flags: Sequence[str] = ("--inspect=127.0.0.1:0",),
        name: str = "program.js",
        wait_ready: bool = True,
        env: dict[str, str] | None = None,
    ) -> NodeProgram:
        path = tmp_path / name
        path.write_text(source)
        process = subprocess.Popen(
            ["node", *flags, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env={**os.environ, **(env or {})},
        )
        program = NodeProgram(path, process, None)
        started.append(program)
        inspecting = any(flag.startswith("--inspect") and "port" not in flag for flag in flags)
        got_url = threading.Event()
        got_ready = threading.Event()

        def read() -> None:
            assert process.stderr is not None
            for line in process.stderr:
                program.stderr_lines.append(line.rstrip())
                match = _LISTENING.search(line)
                if match and program.ws_url is None:
                    program.ws_url = match.group(1)
                    got_url.set()
                if READY in line:
                    got_ready.set()
            got_url.set()
            got_ready.set()

        threading.Thread(target=read, daemon=True).start()
        if inspecting and not got_url.wait(20):
            raise AssertionError(f"node did not open its inspector: {program.stderr_lines}")
        if wait_ready and not got_ready.wait(20):
            raise AssertionError(f"node program did not get ready: {program.stderr_lines}")
        if process.poll() is not None:
            raise AssertionError(f"node exited early: {program.stderr_lines}")
        return program

    yield start
    for program in started:
        program.kill()

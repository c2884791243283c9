"""Fixtures for the hunt tests: real Node services started with ``--inspect`` and always stopped.

The services are the leak corpus's programs (tests/leaks), each with the line a finding
must name marked ``// LEAK: <kind>``; a test attaches to them as a user would to a
service somebody else started.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent.parent / "leaks"
_LISTENING = re.compile(r"Debugger listening on (ws://\S+)")
_MARKER = re.compile(r"//\s*LEAK:\s*([a-z-]+)\s*$")


def leak_marker(directory: Path) -> tuple[str, Path, int]:
    """(kind, file, 1-based line) of the one ``// LEAK:`` marker in a program's leaky sources."""
    for source in sorted(directory.glob("*.js")):
        if source.name.startswith("fixed-"):
            continue
        for number, text in enumerate(source.read_text().splitlines(), 1):
            match = _MARKER.search(text)
            if match:
                return match[1], source, number
    raise AssertionError(f"no // LEAK: marker in {directory}")


@dataclass
class Service:
    """A node process with its inspector on an OS-chosen loopback port."""

    process: subprocess.Popen[str]
    ws_url: str
    stderr: list[str] = field(default_factory=list)

    @property
    def host_port(self) -> str:
        return self.ws_url.split("/")[2]

    @property
    def pid(self) -> int:
        return self.process.pid

    def settle(self, seconds: float = 2.0) -> None:
        """Let the service start up and take traffic for a while, like one that has been running."""
        time.sleep(seconds)
        assert self.running(), self.stderr

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(10)


ServiceFactory = Callable[..., Service]


@pytest.fixture
def start_service() -> Iterator[ServiceFactory]:
    """``start_service(entry, *node_flags)`` runs ``node --inspect=127.0.0.1:0 [flags] entry``."""
    started: list[Service] = []

    def start(entry: Path, *flags: str) -> Service:
        process = subprocess.Popen(
            ["node", "--inspect=127.0.0.1:0", *flags, str(entry)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            cwd=entry.parent,
        )
        lines: list[str] = []
        found = threading.Event()
        url: list[str] = []

        def read() -> None:
            assert process.stderr is not None
            for line in process.stderr:
                lines.append(line.rstrip())
                match = _LISTENING.search(line)
                if match and not url:
                    url.append(match[1])
                    found.set()
            found.set()

        threading.Thread(target=read, daemon=True).start()
        if not found.wait(20) or not url:
            process.kill()
            raise AssertionError(f"node did not open its inspector: {lines}")
        service = Service(process, url[0], lines)
        started.append(service)
        return service

    yield start
    for service in started:
        service.stop()

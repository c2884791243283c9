"""A real Heapscope language server driven by a pytest-lsp client that introduces itself as VS Code."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

FIXTURES = Path(__file__).parent / "fixtures"
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "heapscope", "serve"])


def line_of(path: Path, marker: str) -> int:
    """1-based line of the first line containing ``marker`` (fixtures mark their leak lines)."""
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        if marker in text:
            return number
    raise AssertionError(f"{marker!r} not in {path}")


def accept_lens_refresh(client: LanguageClient) -> list[None]:
    """VS Code answers ``workspace/codeLens/refresh``; the test client needs to be told how."""
    refreshes: list[None] = []

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def refresh(params: None) -> None:
        refreshes.append(None)

    return refreshes


async def initialize(
    client: LanguageClient, workspace: Path, settings: dict[str, Any] | None = None
) -> types.InitializeResult:
    client.set_configuration(settings or {}, section="heapscope")
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name=workspace.name)],
        )
    )


async def execute(client: LanguageClient, command: str, *arguments: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments) or None)
    )


async def wait_for(condition: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    """Poll until ``condition()`` is truthy; the timeout only guards against a hang, it is not asserted."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not (value := condition()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
    return value


def errors_shown(client: LanguageClient) -> list[str]:
    return [message.message for message in client.messages if message.type == types.MessageType.Error]


@pytest.fixture(scope="session")
def closure_snapshot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A real snapshot of a program holding 300 closures of one function literal, and its source."""
    workspace = tmp_path_factory.mktemp("offline")
    program = workspace / "closures.js"
    program.write_text((FIXTURES / "closures.js").read_text())
    snapshot = workspace / "closures.heapsnapshot"
    subprocess.run(["node", str(program), str(snapshot)], check=True, timeout=60, capture_output=True)
    return program, snapshot


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, tmp_path: Path) -> Any:
    accept_lens_refresh(lsp_client)
    await initialize(lsp_client, tmp_path)
    yield
    await lsp_client.shutdown_session()


class NodeTarget:
    """A real ``node --inspect=127.0.0.1:0`` process; ``ws_url`` is what it printed on stderr."""

    def __init__(self, script: Path, *flags: str) -> None:
        self.script = script
        self.process = subprocess.Popen(
            ["node", "--inspect=127.0.0.1:0", *flags, str(script)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stderr is not None
        for line in self.process.stderr:
            if line.startswith("Debugger listening on ws://"):
                self.ws_url = line.split(" on ", 1)[1].strip()
                break
        else:
            raise AssertionError(f"node did not start its inspector for {script}")
        # Keep draining stderr so the target never blocks on a full pipe.
        self._drain = threading.Thread(target=self.process.stderr.read, daemon=True)
        self._drain.start()

    @property
    def host_port(self) -> str:
        return self.ws_url.removeprefix("ws://").split("/", 1)[0]

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def node_target() -> Iterator[Callable[[str], NodeTarget]]:
    """Start fixture programs by name; every one is killed at the end of the test."""
    started: list[NodeTarget] = []

    def start(name: str) -> NodeTarget:
        target = NodeTarget(FIXTURES / name)
        started.append(target)
        return target

    yield start
    for target in started:
        target.kill()

"""Heapscope next to another debugger (as VS Code's would be): it must not disturb it."""

from __future__ import annotations

import queue
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from heapscope.inspector import InspectorSession, MemoryMonitor, connect
from heapscope.inspector.session import CdpConnection
from heapscope.inspector.targets import ResolvedTarget
from heapscope.snapshot import load_snapshot

from .conftest import READY, NodeProgramFactory

pytestmark = pytest.mark.timeout(90)

TICKING_PROGRAM = textwrap.dedent(
    f"""\
    globalThis.ticks = 0;
    function tick() {{
      globalThis.ticks++;
      if (process.env.WITH_DEBUGGER_STATEMENT) {{ debugger; }}
    }}
    setInterval(tick, 20);
    console.error('{READY}');
    """
)
BREAKPOINT_LINE = 2  # 0-based: ``globalThis.ticks++;``


class FakeEditor:
    """A second client holding a Debugger session with a breakpoint, recording what it is told."""

    def __init__(self, ws_url: str) -> None:
        self.connection = CdpConnection(ws_url, name="editor")
        self.events: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()
        for event in ("Debugger.paused", "Debugger.resumed"):
            self.connection.subscribe(event, lambda params, event=event: self.events.put((event, params)))
        self.connection.call("Debugger.enable")
        reply = self.connection.call(
            "Debugger.setBreakpointByUrl", {"lineNumber": BREAKPOINT_LINE, "urlRegex": r"program\.js$"}
        )
        self.breakpoint = reply["breakpointId"]

    def next_event(self, timeout: float = 10.0) -> tuple[str, dict[str, Any]]:
        return self.events.get(timeout=timeout)

    def ticks(self) -> int:
        reply = self.connection.call(
            "Runtime.evaluate", {"expression": "globalThis.ticks", "returnByValue": True, "silent": True}
        )
        return int(reply["result"]["value"])


def test_heapscope_leaves_a_paused_debugger_paused(node_program: NodeProgramFactory, tmp_path: Path) -> None:
    program = node_program(TICKING_PROGRAM)
    assert program.ws_url is not None
    editor = FakeEditor(program.ws_url)
    event, params = editor.next_event()
    assert event == "Debugger.paused" and params["hitBreakpoints"] == [editor.breakpoint]
    ticks_at_pause = editor.ticks()

    # Everything Heapscope does, while the editor holds the target paused at its breakpoint.
    with connect(program.host_port) as session:
        scripts = session.script_map()
        saved = session.take_snapshot(dest=tmp_path / "paused.heapsnapshot", gc=True)
        with MemoryMonitor(session, 0.1) as monitor:
            sample = next(monitor.stream())
        assert sample.heap_used > 0
    assert program.path.as_uri() in {info.url for info in scripts.values()}
    assert load_snapshot(saved.path).node_count > 0

    # The editor was told nothing, the program did not run, and the breakpoint still works.
    assert editor.events.empty()
    assert editor.ticks() == ticks_at_pause
    editor.connection.call("Debugger.resume")
    assert editor.next_event()[0] == "Debugger.resumed"
    event, params = editor.next_event()
    assert event == "Debugger.paused" and params["hitBreakpoints"] == [editor.breakpoint]
    editor.connection.call("Debugger.removeBreakpoint", {"breakpointId": editor.breakpoint})
    editor.connection.call("Debugger.resume")
    editor.connection.close()


def test_heapscope_alone_never_pauses_at_debugger_statements(node_program: NodeProgramFactory) -> None:
    """With only Heapscope attached, a ``debugger;`` statement must not stop the program."""
    program = node_program(TICKING_PROGRAM, env={"WITH_DEBUGGER_STATEMENT": "1"})
    with connect(program.host_port) as session:
        paused: list[dict[str, Any]] = []
        session.subscribe("Debugger.paused", paused.append)
        session.script_map()
        first = session.evaluate_fixed("globalThis.ticks")
        time.sleep(0.3)
        assert session.evaluate_fixed("globalThis.ticks") > first
        assert paused == []


def test_proxy_sessions_get_scripts_from_a_second_direct_session(node_program: NodeProgramFactory) -> None:
    """Joined through js-debug's proxy, the Debugger domain is never touched on the shared session.

    js-debug is a VS Code extension and cannot run here, so the proxy's side is played by a
    direct connection marked as a proxy; what is checked is that the script map comes from
    a second session found through ``inspector.url()``.
    """
    program = node_program(TICKING_PROGRAM)
    assert program.ws_url is not None
    editor = FakeEditor(program.ws_url)
    assert editor.next_event()[0] == "Debugger.paused"
    shared = CdpConnection(program.ws_url, name="proxy")
    sent: list[str] = []
    original_send = shared.send

    def recording_send(method: str, params: dict[str, Any] | None = None) -> Any:
        sent.append(method)
        return original_send(method, params)

    shared.send = recording_send  # type: ignore[method-assign]
    session = InspectorSession(shared, ResolvedTarget(program.ws_url, "js-debug-proxy", "proxy"))
    try:
        scripts = session.script_map()
    finally:
        session.close()
    assert program.path.as_uri() in {info.url for info in scripts.values()}
    assert not [method for method in sent if method.startswith("Debugger.")]
    assert editor.events.empty()
    editor.connection.call("Debugger.removeBreakpoint", {"breakpointId": editor.breakpoint})
    editor.connection.call("Debugger.resume")
    editor.connection.close()

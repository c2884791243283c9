"""The editor's memory monitor hunting by itself when it suspects a leak (onLeak: find-leaks)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from pytest_lsp import LanguageClient

from .conftest import NodeTarget, errors_shown, execute, line_of, wait_for

PROGRAMS = Path(__file__).resolve().parent.parent / "hunt" / "programs"


async def test_on_leak_find_leaks_publishes_the_leak_by_itself(
    client: LanguageClient, tmp_path: Path
) -> None:
    program = tmp_path / "audit-log.js"
    shutil.copy(PROGRAMS / "audit-log.js", program)
    reports: list[Any] = []

    @client.feature("heapscope/findings")
    def on_findings(params: Any) -> None:
        reports.append(params)

    target = NodeTarget(program, "--expose-gc")
    try:
        assert await execute(client, "heapscope.attach", {"target": target.ws_url}), errors_shown(client)
        started = await execute(client, "heapscope.startMonitor", {"interval": 0.2, "onLeak": "find-leaks"})
        assert started == {"monitoring": True, "interval": 0.2, "onLeak": "find-leaks"}
        await wait_for(lambda: reports, "a report nobody asked for", timeout=120)
        uri = program.as_uri()
        diagnostics = await wait_for(lambda: client.diagnostics.get(uri), "diagnostics")
        assert line_of(program, "// LEAK:") - 1 in [d.range.start.line for d in diagnostics]
        assert any("finding leaks with three snapshots" in m.message for m in client.messages)
        await execute(client, "heapscope.stopMonitor")
    finally:
        target.kill()

"""Find Leaks in the editor on a process whose leak is inside a worker thread."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from pytest_lsp import LanguageClient

from .conftest import NodeTarget, errors_shown, execute, line_of, wait_for

JOBS = Path(__file__).resolve().parent.parent / "hunt" / "programs" / "worker-jobs"


async def test_find_leaks_shows_the_worker_finding_on_its_line(
    client: LanguageClient, tmp_path: Path
) -> None:
    for source in JOBS.glob("*.js"):
        shutil.copy(source, tmp_path / source.name)
    worker_script = tmp_path / "resizer.js"
    leak_line = line_of(worker_script, "// LEAK:")
    target = NodeTarget(tmp_path / "main.js")
    try:
        await asyncio.sleep(1.0)  # a service that is up and working when the user attaches
        assert await execute(client, "heapscope.attach", {"target": target.ws_url}), errors_shown(client)
        report = await execute(client, "heapscope.findLeaks", {"interval": 2})
        assert report is not None, errors_shown(client)
        uri = worker_script.as_uri()
        diagnostics = await wait_for(lambda: client.diagnostics.get(uri), "diagnostics in the worker's file")
        (diagnostic,) = [d for d in diagnostics if d.code == "event-listener"]
        assert diagnostic.range.start.line == leak_line - 1
        (finding,) = [f for f in report["findings"] if f["kind"] == "event-listener"]
        thread = finding["details"]["worker"]["threadId"]
        assert finding["details"]["worker"]["script"] == str(worker_script)
        assert f"worker {thread}" in diagnostic.message, diagnostic.message
        assert target.process.poll() is None
    finally:
        target.kill()

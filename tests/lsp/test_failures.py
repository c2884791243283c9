"""Things going wrong against live targets: each is one clear sentence, and the server answers next."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import NodeTarget, errors_shown, execute, wait_for


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_attach_to_a_dead_port(client: LanguageClient) -> None:
    port = closed_port()
    assert await execute(client, "heapscope.attach", {"target": f"127.0.0.1:{port}"}) is None
    (error,) = errors_shown(client)
    assert str(port) in error
    assert "\n" not in error and "Traceback" not in error
    assert await execute(client, "heapscope.listSnapshots") == []


async def test_remote_hosts_are_refused_by_default(client: LanguageClient) -> None:
    assert await execute(client, "heapscope.attach", {"target": "203.0.113.7:9229"}) is None
    (error,) = errors_shown(client)
    assert "203.0.113.7" in error


async def test_target_killed_during_find_leaks(
    client: LanguageClient, node_target: Callable[[str], NodeTarget]
) -> None:
    target = node_target("emitter-leak.js")
    assert await execute(client, "heapscope.attach", {"target": target.host_port}) is not None
    hunt = asyncio.ensure_future(execute(client, "heapscope.findLeaks", {"interval": 3}))

    def find_leaks_reported() -> bool:
        return any(
            isinstance(report, types.WorkDoneProgressReport) and (report.percentage or 0) > 0
            for reports in client.progress_reports.values()
            for report in reports
        )

    await wait_for(find_leaks_reported, "the first progress report of findLeaks")
    target.kill()
    assert await hunt is None
    (error,) = errors_shown(client)
    assert error.startswith("Heapscope could not find leaks: ")
    assert "the target exited" in error
    assert "\n" not in error and "Traceback" not in error
    # The session noticed the target is gone and still answers.
    assert await execute(client, "heapscope.takeSnapshot", {}) is None
    assert errors_shown(client)[-1] == "No Node.js process is attached; run 'Heapscope: Attach' first."
    assert isinstance(await execute(client, "heapscope.listSnapshots"), list)


async def test_cancelled_snapshot_leaves_no_file(
    client: LanguageClient, node_target: Callable[[str], NodeTarget], tmp_path: Path
) -> None:
    target = node_target("big-heap.js")
    assert await execute(client, "heapscope.attach", {"target": target.ws_url}) is not None
    taking = asyncio.ensure_future(execute(client, "heapscope.takeSnapshot", {"label": "cancel-me"}))
    token = await wait_for(
        lambda: next(
            (token for token, reports in client.progress_reports.items() if "snapshot" in str(reports[:1])),
            None,
        ),
        "the snapshot's progress",
    )
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    assert await taking is None
    assert not errors_shown(client)
    assert any("cancelled" in message.message for message in client.messages)
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file() and "heapsnapshot" in p.name]
    assert leftovers == []
    # Still attached and usable: the next snapshot works, in the folder the settings now name.
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"heapscope": {"snapshotDir": "snaps"}})
    )
    record = await execute(client, "heapscope.takeSnapshot", {"label": "after"})
    assert record is not None and Path(record["path"]).is_file()
    assert Path(record["path"]).parent == tmp_path / "snaps"
    assert Path(record["path"]).stat().st_mode & 0o777 == 0o600

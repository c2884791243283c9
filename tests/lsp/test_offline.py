"""Offline commands through a real client: open a snapshot file, bad input, the server stays usable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import SERVER, errors_shown, execute, initialize, line_of


@pytest_lsp.fixture(config=SERVER)
async def uninitialized(lsp_client: LanguageClient) -> Any:
    yield
    await lsp_client.shutdown_session()


async def test_initialize_tells_the_client_what_each_kind_is_called(
    uninitialized: LanguageClient, tmp_path: Path
) -> None:
    result = await initialize(uninitialized, tmp_path)
    kinds = (result.capabilities.experimental or {})["heapscope"]["kinds"]
    listener = {"label": "Event listeners", "singular": "listener", "plural": "listeners"}
    assert kinds["event-listener"] == listener
    assert kinds["queue"] == {"label": "Queue", "singular": "queued item", "plural": "queued items"}
    assert sorted(kinds) == sorted(
        ["event-listener", "closure", "collection", "timer", "global", "queue", "third-party", "other"]
    )


async def test_open_snapshot_summarises_and_shows_closure_lenses(
    client: LanguageClient, closure_snapshot: tuple[Path, Path]
) -> None:
    program, snapshot = closure_snapshot
    result = await execute(client, "heapscope.openSnapshot", {"path": str(snapshot)})
    assert result["path"] == str(snapshot)
    assert result["summary"]["nodes"] > 1000
    # The summary ends the load's progress and goes to the log; the user asked, so no notification.
    assert client.messages == []
    summary = f"Opened closures.heapsnapshot: {result['summary']['nodes']:,} objects, "
    logged = [m.message for m in client.log_messages if m.type == types.MessageType.Info]
    assert [message for message in logged if message.startswith(f"Heapscope: {summary}")], logged

    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=program.as_uri()))
    )
    assert lenses is not None
    site = line_of(program, "CLOSURE SITE") - 1
    (lens,) = [lens for lens in lenses if lens.range.start.line == site]
    assert lens.command is not None
    assert lens.command.title.startswith("300 closures alive")
    assert lens.command.command == "heapscope.showRetainers"

    opened = await execute(client, "heapscope.showRetainers", *lens.command.arguments or [])
    assert opened["closures"] == 300
    assert client.shown_documents[-1].uri == program.as_uri()
    assert client.shown_documents[-1].selection is not None
    assert client.shown_documents[-1].selection.start.line == site

    listed = await execute(client, "heapscope.listSnapshots")
    assert [entry["path"] for entry in listed] == [str(snapshot)]
    # The load reported percentages that only go up, then ended.
    (reports,) = client.progress_reports.values()
    percentages = [
        report.percentage
        for report in reports
        if isinstance(report, types.WorkDoneProgressReport) and report.percentage
    ]
    assert percentages == sorted(percentages) and percentages[-1] == 100
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)
    assert reports[-1].message is not None and reports[-1].message.startswith(summary), reports[-1].message


async def test_truncated_snapshot_is_one_error_and_the_server_answers_next(
    client: LanguageClient, closure_snapshot: tuple[Path, Path], tmp_path: Path
) -> None:
    _, snapshot = closure_snapshot
    truncated = tmp_path / "cut.heapsnapshot"
    truncated.write_bytes(snapshot.read_bytes()[: snapshot.stat().st_size // 2])
    result = await execute(client, "heapscope.openSnapshot", {"path": str(truncated)})
    assert result is None
    (error,) = errors_shown(client)
    assert "cut.heapsnapshot" in error
    assert "\n" not in error and "Traceback" not in error

    assert await execute(client, "heapscope.listSnapshots") == []


async def test_bad_arguments_and_missing_target_are_explained(client: LanguageClient, tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.heapsnapshot")
    assert await execute(client, "heapscope.openSnapshot", {"path": missing}) is None
    assert await execute(client, "heapscope.findLeaks", {}) is None
    assert await execute(client, "heapscope.showRetainers", {"findingId": "f9"}) is None
    assert await execute(client, "heapscope.attach", {}) is None
    assert errors_shown(client) == [
        f"Snapshot {missing!r} is neither a snapshot id of this session nor a file.",
        "No Node.js process is attached; run 'Heapscope: Attach' first.",
        "There is no finding 'f9' in the latest analysis; run 'Find Leaks' again.",
        "This command needs a 'target' argument.",
    ]
    assert await execute(client, "heapscope.clear") == {"cleared": True}

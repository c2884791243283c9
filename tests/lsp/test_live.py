"""End to end: a real server, a client that introduces itself as VS Code, a real leaking Node process.

One leak hunt (attach, findLeaks) is shared by the tests of this module; each test
checks one thing a user would look at in the editor.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import (
    FIXTURES,
    SERVER,
    NodeTarget,
    accept_lens_refresh,
    errors_shown,
    execute,
    initialize,
    line_of,
    wait_for,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


@dataclass
class LeakHunt:
    client: LanguageClient
    workspace: Path
    program: Path
    leak_line: int
    """1-based."""
    target: NodeTarget
    report: dict[str, Any]
    memory_samples: list[Any]
    statuses: list[Any]
    reports: list[Any]

    @property
    def uri(self) -> str:
        return self.program.as_uri()

    def finding(self) -> dict[str, Any]:
        (finding,) = [f for f in self.report["findings"] if f["kind"] == "event-listener"]
        return finding


@pytest_lsp.fixture(config=SERVER, scope="module")
async def live_client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    yield
    await lsp_client.shutdown_session()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def hunt(
    live_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LeakHunt]:
    workspace = tmp_path_factory.mktemp("workspace")
    program = workspace / "emitter-leak.js"
    shutil.copy(FIXTURES / "emitter-leak.js", program)
    samples: list[Any] = []
    statuses: list[Any] = []

    @live_client.feature("heapscope/memory")
    def on_memory(params: Any) -> None:
        samples.append(params)

    @live_client.feature("heapscope/status")
    def on_status(params: Any) -> None:
        statuses.append(params)

    reports: list[Any] = []

    @live_client.feature("heapscope/findings")
    def on_findings(params: Any) -> None:
        reports.append(params)

    accept_lens_refresh(live_client)
    await initialize(live_client, workspace)
    target = NodeTarget(program)
    try:
        attached = await execute(live_client, "heapscope.attach", {"target": target.ws_url})
        assert attached is not None, errors_shown(live_client)
        report = await execute(live_client, "heapscope.findLeaks", {"interval": 1.5})
        assert report is not None, errors_shown(live_client)
        yield LeakHunt(
            client=live_client,
            workspace=workspace,
            program=program,
            leak_line=line_of(program, "LEAK LINE"),
            target=target,
            report=report,
            memory_samples=samples,
            statuses=statuses,
            reports=reports,
        )
    finally:
        target.kill()


async def test_report_names_the_listener_leak(hunt: LeakHunt) -> None:
    finding = hunt.finding()
    assert finding["location"]["path"] == str(hunt.program)
    assert finding["location"]["line"] == hunt.leak_line
    assert len(hunt.report["snapshots"]) == 3
    assert all(Path(path).is_file() for path in hunt.report["snapshots"])
    assert all(Path(path).is_relative_to(hunt.workspace / ".heapscope") for path in hunt.report["snapshots"])
    assert (hunt.statuses[0].attached, hunt.statuses[0].target) == (True, hunt.target.ws_url)
    listed = await execute(hunt.client, "heapscope.listSnapshots")
    assert [entry["path"] for entry in listed] == hunt.report["snapshots"]
    (notified,) = hunt.reports
    assert [finding.id for finding in notified.report.findings] == [f["id"] for f in hunt.report["findings"]]


async def test_diagnostic_on_the_leak_line(hunt: LeakHunt) -> None:
    diagnostics = await wait_for(lambda: hunt.client.diagnostics.get(hunt.uri), "diagnostics")
    (diagnostic,) = [d for d in diagnostics if d.code == "event-listener"]
    assert diagnostic.range.start.line == hunt.leak_line - 1
    assert diagnostic.source == "heapscope"
    pattern = (
        rf"Leak: \+[\d,]+ 'leak' listeners on EventEmitter.* "
        rf"\(emitter-leak\.js:{hunt.leak_line}\) · \+[\d.]+ [kM]B retained"
    )
    assert re.fullmatch(pattern, diagnostic.message), diagnostic.message
    related = diagnostic.related_information or []
    assert related, "the retainer hops with a source location are attached"
    assert any(
        info.location.uri == hunt.uri and info.location.range.start.line == hunt.leak_line - 1
        for info in related
    )


async def test_code_lens_at_the_leak_line_runs_show_retainers(hunt: LeakHunt) -> None:
    lenses = await hunt.client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=hunt.uri))
    )
    assert lenses is not None
    lens, verify = [lens for lens in lenses if lens.range.start.line == hunt.leak_line - 1]
    assert lens.command is not None
    numbers = r"[\d,]+ listeners \(\+[\d,]+\) · [\d.]+ [kM]B retained \(\+[\d.]+ [kM]B\)"
    assert re.fullmatch(rf"▲ {numbers} · Show retainers", lens.command.title), lens.command.title
    assert lens.command.command == "heapscope.showRetainers"
    assert list(lens.command.arguments or []) == [{"findingId": hunt.finding()["id"]}]
    # Attached to the target, so the hunt can run again: the fix can be verified from the lens.
    assert verify.command is not None and verify.command.title == "Verify fix"
    assert verify.command.command == "heapscope.verifyFix"
    assert list(verify.command.arguments or []) == [{"findingId": hunt.finding()["id"]}]


async def test_hover_on_the_leak_line(hunt: LeakHunt) -> None:
    result = await hunt.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=hunt.uri),
            position=types.Position(line=hunt.leak_line - 1, character=4),
        )
    )
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    text = result.contents.value
    assert "event-listener leak" in text
    counts = hunt.finding()["growth"]["count"]
    assert f"In each of the 3 snapshots: {' → '.join(f'{c:,}' for c in counts)} listeners" in text
    # The lens and the hover give the same totals and growth, in the same words.
    lenses = await hunt.client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=hunt.uri))
    )
    (lens,) = [
        lens
        for lens in lenses or []
        if lens.range.start.line == hunt.leak_line - 1
        and lens.command is not None
        and lens.command.command == "heapscope.showRetainers"
    ]
    assert lens.command is not None
    numbers = lens.command.title.removeprefix("▲ ").removesuffix(" · Show retainers")
    assert f"**{numbers}**" in text
    assert numbers.startswith(f"{counts[-1]:,} listeners (+{counts[-1] - counts[0]:,})")
    assert "Retained by:" in text and "1. " in text
    assert "**Fix:**" in text
    nothing = await hunt.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=hunt.uri),
            position=types.Position(line=0, character=0),
        )
    )
    assert nothing is None


async def test_find_leaks_reported_progress(hunt: LeakHunt) -> None:
    runs = [
        reports
        for reports in hunt.client.progress_reports.values()
        if reports
        and isinstance(reports[0], types.WorkDoneProgressBegin)
        and "finding leaks" in reports[0].title
    ]
    (reports,) = runs
    assert reports[0].cancellable
    updates = [r for r in reports[1:-1] if isinstance(r, types.WorkDoneProgressReport)]
    percentages = [r.percentage for r in updates]
    assert len(percentages) >= 3
    assert percentages == sorted(percentages) and percentages[-1] == 100
    # The progress, which the user who asked watches, ends with what was found.
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)
    assert reports[-1].message is not None and reports[-1].message.startswith("Found "), reports[-1].message
    assert "emitter-leak.js" in reports[-1].message
    # Each phase of the hunt is announced by its message, in order, and moves the bar on.
    steps = [
        "Taking the baseline snapshot",
        "Waiting 1.5 s before the target snapshot",
        "Taking the target snapshot",
        "Waiting 1.5 s before the final snapshot",
        "Taking the final snapshot",
        "Checking the snapshots belong together",
        "Classifying and locating the growing groups",
    ]
    first_percent = {}
    for update in updates:
        if update.message in steps:
            first_percent.setdefault(update.message, update.percentage)
    assert list(first_percent) == steps
    assert sorted(first_percent.values()) == list(first_percent.values())
    assert first_percent["Taking the baseline snapshot"] < 10 < first_percent["Taking the target snapshot"]
    # A wait fills its share of the bar as the seconds pass: several reports with the same message.
    waiting = [u.percentage for u in updates if u.message == "Waiting 1.5 s before the final snapshot"]
    assert len(set(waiting)) >= 3


async def test_show_retainers_opens_the_hop_with_a_source_line(hunt: LeakHunt) -> None:
    finding = hunt.finding()
    before = len(hunt.client.shown_documents)
    result = await execute(hunt.client, "heapscope.showRetainers", {"findingId": finding["id"]})
    assert result["retainerPath"] == finding["retainer_path"]
    shown = hunt.client.shown_documents[before:]
    assert len(shown) == 1
    assert shown[0].uri == hunt.uri
    assert shown[0].selection is not None and shown[0].selection.start.line == hunt.leak_line - 1

    await execute(hunt.client, "heapscope.goToLeak", {"findingId": finding["id"]})
    assert hunt.client.shown_documents[-1].uri == hunt.uri
    assert hunt.client.shown_documents[-1].selection is not None
    assert hunt.client.shown_documents[-1].selection.start.line == hunt.leak_line - 1


async def test_memory_notifications_after_start_monitor(hunt: LeakHunt) -> None:
    started = await execute(hunt.client, "heapscope.startMonitor", {"interval": 0.2})
    assert started == {"monitoring": True, "interval": 0.2}
    await wait_for(lambda: len(hunt.memory_samples) >= 3, "three memory samples")
    await execute(hunt.client, "heapscope.stopMonitor")
    sample = hunt.memory_samples[-1]
    for key in ("timestamp", "rss", "heapTotal", "heapUsed", "external", "arrayBuffers", "verdict"):
        assert getattr(sample, key, None) is not None, key
    assert sample.rss > sample.heapUsed > 0
    # The memory view shows the server's chart of those samples: the heap line has one point each.
    chart = await execute(hunt.client, "heapscope.memoryChart")
    assert chart["samples"] == len(hunt.memory_samples)
    heap_line = re.search(r'data-series="heapUsed" points="([^"]*)"', chart["svg"])
    assert heap_line is not None and len(heap_line.group(1).split()) == len(hunt.memory_samples)
    assert 'data-legend="heapUsed"' in chart["svg"]


async def test_compare_snapshots_of_the_session_by_id(hunt: LeakHunt) -> None:
    ids = [entry["id"] for entry in await execute(hunt.client, "heapscope.listSnapshots")]
    report = await execute(
        hunt.client, "heapscope.compareSnapshots", {"baseline": ids[0], "target": ids[1], "final": ids[2]}
    )
    assert report is not None, errors_shown(hunt.client)
    assert report["snapshots"] == hunt.report["snapshots"]
    (finding,) = [f for f in report["findings"] if f["kind"] == "event-listener"]
    assert finding["location"]["line"] == hunt.leak_line
    assert len(hunt.reports) == 2


async def test_verify_fix_hunts_again_and_says_still_leaking(hunt: LeakHunt) -> None:
    before = len(hunt.client.messages)
    result = await execute(hunt.client, "heapscope.verifyFix", {"findingId": hunt.finding()["id"]})
    assert result is not None, errors_shown(hunt.client)
    assert result["status"] == "still leaking"
    assert result["growthBefore"] > 0 and result["growthNow"] > 0
    assert result["report"]["snapshots"] != hunt.report["snapshots"]  # a new hunt, not the old files
    (shown,) = [m for m in hunt.client.messages[before:] if m.message.startswith("Still leaking: ")]
    assert shown.type == types.MessageType.Warning
    assert re.search(r"\(\+[\d.]+ [kM]B → \+[\d.]+ [kM]B retained\)\.$", shown.message), shown.message
    assert len(hunt.reports) == 3


async def test_clear_removes_the_diagnostics_and_lenses(hunt: LeakHunt) -> None:
    assert await execute(hunt.client, "heapscope.clear") == {"cleared": True}
    await wait_for(lambda: len(hunt.client.diagnostics.get(hunt.uri, [None])) == 0, "empty diagnostics")
    lenses = await hunt.client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=hunt.uri))
    )
    assert not [lens for lens in lenses or [] if lens.range.start.line == hunt.leak_line - 1]


async def test_attach_names_the_program_and_findings_notify_nobody(hunt: LeakHunt) -> None:
    infos = [m.message for m in hunt.client.messages if m.message.startswith("Heapscope attached")]
    assert infos == [f"Heapscope attached to emitter-leak.js (process {hunt.target.process.pid})."]
    assert hunt.statuses[0].description == f"emitter-leak.js (process {hunt.target.process.pid})"
    # The findings are in the Problems panel, the lenses and the Leaks view: no notification,
    # one line in the log.
    assert [m.message for m in hunt.client.messages if "found" in m.message.lower()] == []
    logged = next(m.message for m in hunt.client.log_messages if m.message.startswith("Heapscope: Found "))
    count = len(hunt.report["findings"])
    assert logged.startswith(f"Heapscope: Found {count} leak{'s' if count > 1 else ''}: "), logged


async def test_list_targets_offers_the_node_process(hunt: LeakHunt) -> None:
    listed = await execute(hunt.client, "heapscope.listTargets", {"exclude": []})
    (entry,) = [p for p in listed["processes"] if p["pid"] == hunt.target.process.pid]
    assert entry["commandLine"][-1] == str(hunt.program)
    assert entry["inspecting"] is True
    assert entry["inspectorPorts"] == [int(hunt.target.host_port.rsplit(":", 1)[1])]
    others = await execute(hunt.client, "heapscope.listTargets", {"exclude": [hunt.target.process.pid]})
    assert hunt.target.process.pid not in [p["pid"] for p in others["processes"]]


async def test_detach_reports_the_status(hunt: LeakHunt) -> None:
    assert await execute(hunt.client, "heapscope.detach") == {"attached": False}
    await wait_for(lambda: not hunt.statuses[-1].attached, "the detached status")
    assert errors_shown(hunt.client) == []
    # The chart showed the detached target's memory: it is empty now.
    chart = await execute(hunt.client, "heapscope.memoryChart")
    assert chart["samples"] == 0 and "<polyline" not in chart["svg"]
    assert "Start the memory monitor" in chart["svg"]

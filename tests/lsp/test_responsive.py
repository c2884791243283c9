"""The server answers hovers and code lenses while it analyses snapshots: analysis runs off the event loop."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import execute, wait_for

# A service holding a few hundred thousand records, with a cache that grows between its
# three snapshots: big enough that the analysis takes a while.
PROGRAM = """\
const v8 = require('node:v8');
const out = process.argv[2];
const records = [];
for (let i = 0; i < 300000; i++) records.push({ id: i, name: 'record-' + i, tags: [i % 7, i % 11] });
globalThis.records = records;
const cache = new Map();
function remember(i) { cache.set('key-' + i, { at: i, payload: new Array(20).fill(i) }); }
let n = 0;
for (let round = 1; round <= 3; round++) {
  for (let k = 0; k < 3000; k++) remember(n++);
  v8.writeHeapSnapshot(out + '/' + round + '.heapsnapshot');
}
"""


@pytest.fixture(scope="module")
def busy_triple(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    workspace = tmp_path_factory.mktemp("responsive")
    program = workspace / "service.js"
    program.write_text(PROGRAM)
    subprocess.run(["node", str(program), str(workspace)], check=True, timeout=300, capture_output=True)
    return program, [workspace / f"{round_number}.heapsnapshot" for round_number in (1, 2, 3)]


async def test_hover_and_code_lens_are_answered_while_the_analysis_runs(
    client: LanguageClient, busy_triple: tuple[Path, list[Path]]
) -> None:
    program, snapshots = busy_triple
    uri = program.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="javascript", version=1, text=PROGRAM)
        )
    )
    before = set(client.progress_reports)
    compare = asyncio.ensure_future(
        execute(
            client,
            "heapscope.compareSnapshots",
            {"baseline": str(snapshots[0]), "target": str(snapshots[1]), "final": str(snapshots[2])},
        )
    )
    # The analysis has started once its progress bar exists and has reported a step.
    await wait_for(
        lambda: any(
            len(client.progress_reports[token]) > 1 for token in set(client.progress_reports) - before
        ),
        "the analysis to report progress",
    )
    assert not compare.done()

    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=5, character=10)
        )
    )
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    analysis_still_running = not compare.done()

    report = await compare
    assert hover is None and not lenses  # nothing found yet when they were asked
    assert analysis_still_running, "hover and code lens had to wait for the analysis"
    assert report is not None and report["findings"], "the analysis itself must finish and find the cache"

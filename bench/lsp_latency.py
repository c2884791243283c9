"""How fast the language server answers hovers and code lenses while it analyses a real snapshot triple.

    .venv/bin/python bench/lsp_latency.py [--snapshots S1 S2 S3]

Starts ``heapscope serve`` over stdio with pygls' client, asks it to compare three
snapshots (by default the TypeScript-AST triple of ``bench/find_leaks.py``, ~250 MB each)
and, until the report arrives, sends a hover or a code lens request (in turn) every
0.2 s and times each answer. The editor needs every answer within a second; the analysis
runs in a worker thread, so the event loop only has to win the GIL back now and then.
The slowest answers are listed with how long before the report they were asked, which
tells a stall in the analysis from one in what the server does after it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

BENCH = Path(__file__).resolve().parent
DEFAULT = [BENCH / "data" / "ts" / f"ts-{number}.heapsnapshot" for number in (1, 2, 3)]
LATENCY_TARGET = 1.0


async def measure(snapshots: list[Path]) -> tuple[list[float], list[float], float]:
    client = LanguageClient("heapscope-bench", "1")

    @client.feature(types.WORKSPACE_CONFIGURATION)
    def configuration(params: types.ConfigurationParams) -> list[Any]:
        return [{} for _ in params.items]

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def refresh(params: None) -> None:
        return None

    await client.start_io(sys.executable, "-m", "heapscope", "serve")
    workspace = snapshots[0].parent
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name=workspace.name)],
        )
    )
    client.initialized(types.InitializedParams())
    document = workspace / "app.js"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=document.as_uri(), language_id="javascript", version=1, text="const x = 1;\n"
            )
        )
    )
    hover = types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=document.as_uri()),
        position=types.Position(line=0, character=6),
    )

    lens = types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=document.as_uri()))

    async def one_request(number: int) -> float:
        started = time.perf_counter()
        if number % 2:
            await client.text_document_code_lens_async(lens)
        else:
            await client.text_document_hover_async(hover)
        return time.perf_counter() - started

    idle = [await one_request(number) for number in range(10)]
    started = time.perf_counter()
    compare = asyncio.ensure_future(
        client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="heapscope.compareSnapshots",
                arguments=[
                    {"baseline": str(snapshots[0]), "target": str(snapshots[1]), "final": str(snapshots[2])}
                ],
            )
        )
    )
    busy: list[tuple[float, float]] = []
    while not compare.done():
        asked = time.perf_counter() - started
        busy.append((asked, await one_request(len(busy))))
        await asyncio.sleep(0.2)
    await compare
    analysis = time.perf_counter() - started
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return idle, [(analysis - asked, latency) for asked, latency in busy], analysis


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--snapshots", nargs=3, type=Path, default=DEFAULT, metavar=("S1", "S2", "S3"))
    args = parser.parse_args()
    missing = [path for path in args.snapshots if not path.exists()]
    if missing:
        raise SystemExit(f"{missing[0]} is missing: run bench/find_leaks.py first, or pass --snapshots")
    idle, busy, analysis = asyncio.run(measure(list(args.snapshots)))
    size = args.snapshots[-1].stat().st_size / 1e6
    print(f"answers while the server analyses a {size:.0f} MB triple ({analysis:.1f} s of analysis):")
    print(f"  idle:   median {statistics.median(idle) * 1000:.0f} ms, max {max(idle) * 1000:.0f} ms")
    if busy:
        latencies = sorted(latency for _, latency in busy)
        worst = latencies[-1]
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        verdict = "met" if worst < LATENCY_TARGET else "MISSED"
        print(
            f"  during: median {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
            f"max {worst * 1000:.0f} ms over {len(busy)} hovers and lenses "
            f"(target < {LATENCY_TARGET:g} s: {verdict})"
        )
        slowest = sorted(busy, key=lambda item: -item[1])[:3]
        print(
            "  slowest: "
            + ", ".join(
                f"{latency * 1000:.0f} ms asked {before:.1f} s before the report"
                for before, latency in slowest
            )
        )


if __name__ == "__main__":
    main()

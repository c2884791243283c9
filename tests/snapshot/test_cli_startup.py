"""What the command line loads to work on snapshot files: the engine, and nothing that attaches.

websocket, psutil, http.client and the language server cost start-up time on every
``heapscope find-leaks s1 s2 s3``; they are imported by the commands that need them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson

from .conftest import build_snapshot

LIVE_ONLY = (
    "websocket",
    "psutil",
    "http.client",
    "pygls",
    "lsprotocol",
    "heapscope.inspector.client",
    "heapscope.inspector.session",
    "heapscope.inspector.targets",
    "heapscope.inspector.launch",
    "heapscope.hunt.live",
    "heapscope.hunt.program",
    "heapscope.lsp.server",
)

PROBE = """
import json, sys
from heapscope.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _growing_cache(directory: Path) -> list[Path]:
    """Three snapshots of one process whose cache holds 1, 3 and 5 items."""
    paths = []
    for label, count in (("baseline", 1), ("target", 3), ("final", 5)):
        names = ["", "Window", "Cache"] + ["Item"] * count
        edges = [(0, 1, "element", "1"), (1, 2, "property", "cache")]
        edges += [(2, 3 + item, "element", str(item)) for item in range(count)]
        path = directory / f"{label}.heapsnapshot"
        path.write_bytes(orjson.dumps(build_snapshot(names, edges)))
        paths.append(path)
    return paths


def test_find_leaks_on_files_imports_nothing_live(tmp_path: Path) -> None:
    snapshots = _growing_cache(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "find-leaks", "--format", "json", *map(str, snapshots)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    probe = json.loads(result.stderr.strip().splitlines()[-1])
    assert probe["code"] in (0, 1), result.stderr
    assert json.loads(result.stdout)["target"]["snapshots"] == [str(path) for path in snapshots]
    loaded = set(probe["modules"])
    assert "heapscope.analysis.analyze" in loaded  # the probe saw the analysis run
    assert sorted(name for name in LIVE_ONLY if name in loaded) == []


def test_live_commands_still_find_their_machinery(tmp_path: Path) -> None:
    """The live form of find-leaks imports the inspector when it needs it: a refused target says so."""
    result = subprocess.run(
        [sys.executable, "-m", "heapscope", "find-leaks", "--timeout", "0.5", "127.0.0.1:9"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("heapscope: ")


def test_the_command_ends_with_its_output_flushed_and_exit_handlers_run(tmp_path: Path) -> None:
    """The command line ends without tearing the interpreter down; nothing it wrote is lost."""
    snapshots = _growing_cache(tmp_path)
    ending = "import atexit, heapscope.cli; atexit.register(print, 'exit handlers ran'); heapscope.cli.run()"
    result = subprocess.run(
        [sys.executable, "-c", ending, "find-leaks", "--format", "json", *map(str, snapshots)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode in (0, 1), result.stderr
    report, _, rest = result.stdout.rpartition("}")
    assert json.loads(report + "}")["target"]["snapshots"] == [str(path) for path in snapshots]
    assert rest.strip() == "exit handlers ran"
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "heapscope",
            "find-leaks",
            str(snapshots[0]),
            str(tmp_path / "gone.heapsnapshot"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "gone.heapsnapshot" in refused.stderr

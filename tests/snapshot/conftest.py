"""Fixtures for engine tests: real snapshots of small Node programs, and hand-built graphs."""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson
import pytest

LISTENER_PROGRAM = textwrap.dedent(
    """\
    const v8 = require('v8');
    const EventEmitter = require('events');
    const emitter = new EventEmitter();

    function createLeak() {
      const big = new Array(1000).fill('*');
      emitter.on('leak', () => big.length);
    }

    for (let i = 0; i < 25; i++) createLeak();
    globalThis.keepAlive = emitter;
    v8.writeHeapSnapshot(process.argv[2]);
    """
)
# 1-based line/column of the arrow function registered as the listener above.
LISTENER_LINE = 7
LISTENER_COLUMN = LISTENER_PROGRAM.splitlines()[LISTENER_LINE - 1].index("() =>") + 1


def write_node_snapshot(directory: Path, source: str, name: str = "program.js") -> tuple[Path, Path]:
    """Run ``source`` with node; it must write a snapshot to argv[2]. Returns (program, snapshot)."""
    program = directory / name
    program.write_text(source)
    snapshot = directory / (program.stem + ".heapsnapshot")
    subprocess.run(["node", str(program), str(snapshot)], check=True, timeout=60, capture_output=True)
    return program, snapshot


@pytest.fixture(scope="session")
def listener_snapshot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_node_snapshot(tmp_path_factory.mktemp("listener"), LISTENER_PROGRAM)


NODE_TYPES = [
    "hidden",
    "array",
    "string",
    "object",
    "code",
    "closure",
    "regexp",
    "number",
    "native",
    "synthetic",
    "concatenated string",
    "sliced string",
    "symbol",
    "bigint",
    "object shape",
]
EDGE_TYPES = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"]


def build_snapshot(
    names: Sequence[str],
    edges: Sequence[tuple[int, int, str, str]],
    sizes: Sequence[int] | None = None,
    types: Sequence[str] | None = None,
    locations: Sequence[tuple[int, int, int, int]] = (),
) -> dict[str, Any]:
    """A minimal V8-shaped snapshot: node i is named names[i] and has id 2i+1; edges are
    (from, to, type, name); locations are (node, script id, line, column), 0-based as V8 writes."""
    strings: list[str] = [""]

    def intern(text: str) -> int:
        if text not in strings:
            strings.append(text)
        return strings.index(text)

    node_fields = ["type", "name", "id", "self_size", "edge_count"]
    nodes: list[int] = []
    edge_rows: list[int] = []
    for index, name in enumerate(names):
        outgoing = [edge for edge in edges if edge[0] == index]
        node_type = types[index] if types else ("synthetic" if index == 0 else "object")
        nodes += [
            NODE_TYPES.index(node_type),
            intern(name),
            2 * index + 1,
            sizes[index] if sizes else 10,
            len(outgoing),
        ]
        for _, target, edge_type, edge_name in outgoing:
            label = int(edge_name) if edge_type in ("element", "hidden") else intern(edge_name)
            edge_rows += [EDGE_TYPES.index(edge_type), label, target * len(node_fields)]
    document: dict[str, Any] = {
        "snapshot": {
            "meta": {
                "node_fields": node_fields,
                "node_types": [NODE_TYPES, "string", "number", "number", "number"],
                "edge_fields": ["type", "name_or_index", "to_node"],
                "edge_types": [EDGE_TYPES, "string_or_number", "node"],
            },
            "node_count": len(names),
            "edge_count": len(edge_rows) // 3,
        },
        "nodes": nodes,
        "edges": edge_rows,
        "strings": strings,
    }
    if locations:
        document["snapshot"]["meta"]["location_fields"] = ["object_index", "script_id", "line", "column"]
        document["locations"] = [
            value
            for node, script, line, column in locations
            for value in (node * len(node_fields), script, line, column)
        ]
    return document


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[[dict[str, Any], str], Path]:
    def write(document: dict[str, Any], name: str = "graph.heapsnapshot") -> Path:
        path = tmp_path / name
        path.write_bytes(orjson.dumps(document))
        return path

    return write

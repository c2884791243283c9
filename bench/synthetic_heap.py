"""Write heap snapshots of a synthetic process directly, without Node, at any size.

    .venv/bin/python bench/synthetic_heap.py OUT_DIR FINAL_GB [--records N]

Node needs several times a heap's size to write a multi-gigabyte snapshot; this writes
the V8 format itself, a chunk of rows at a time with numpy (every number formatted
vectorised, no Python object per node), so a 4 GB file takes a minute and little
memory. The process: a global object holds an old store of records (buckets of
records, each pointing at its neighbours and at shared strings, ~6 edges per node like
a real heap) and a sessions array that only grows, each session with a data array of
chunks. Object ids are stable across the three snapshots (the same record or session
has the same id in each), so they read as baseline, target and final of one process:
synth-1 and synth-2 are small, synth-3 is FINAL_GB.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt

NODE_FIELDS = ["type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness"]
NODE_TYPES = [
    "hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native",
    "synthetic", "concatenated string", "sliced string", "symbol", "bigint", "object shape",
]  # fmt: skip
EDGE_FIELDS = ["type", "name_or_index", "to_node"]
EDGE_TYPES = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"]
T_ARRAY, T_STRING, T_OBJECT, T_SYNTHETIC = 1, 2, 3, 9
E_ELEMENT, E_PROPERTY = 1, 2
WIDTH = len(NODE_FIELDS)
STRINGS = [
    "", "global", "Array", "Bucket", "Record", "Session", "Chunk", "store", "sessions", "name",
    "next", "peer1", "peer2", "peer3", "peer4", "data", "owner", "tag1", "tag2", "tag3",
    "payload", "session", "(object elements)", "(GC roots)",
]  # fmt: skip
S = {text: index for index, text in enumerate(STRINGS)}
SHARED_STRINGS = 1000  # string nodes the records and chunks point at
RECORDS_PER_BUCKET = 100
CHUNKS = 4  # per session
SESSION_NODES = 2 + CHUNKS  # session, its data array, its chunks
BYTES_PER_SESSION = 535  # measured: text of one session's rows and edges
BYTES_PER_RECORD = 100
CHUNK_ROWS = 1 << 20


def digits(values: npt.NDArray[np.int64]) -> bytes:
    """``values`` (0 to 2^32 - 1) as comma-separated decimal text, vectorised per block of values.

    Each block becomes a matrix of right-aligned digits (32-bit division, which numpy
    vectorises) plus a comma per row; dropping each row's leading zeros leaves the text.
    """
    parts: list[npt.NDArray[np.uint8]] = []
    ten = np.uint32(10)
    for start in range(0, len(values), 1 << 20):
        block = values[start : start + (1 << 20)]
        if int(block.max()) >= 1 << 32 or int(block.min()) < 0:
            raise ValueError("a value does not fit the snapshot's 32-bit columns")
        block = block.astype(np.uint32)
        width = len(str(int(block.max())))
        chars = np.empty((len(block), width + 1), dtype=np.uint8)
        rest = block.copy()
        for position in range(width - 1, -1, -1):
            quotient = rest // ten
            chars[:, position] = (rest - quotient * ten).astype(np.uint8) + ord("0")
            rest = quotient
        chars[:, width] = ord(",")
        count = np.ones(len(block), dtype=np.int64)
        for power in range(1, width):
            count += block >= 10**power
        keep = np.ones(chars.shape, dtype=bool)
        keep[:, :width] = np.arange(width)[None, :] >= (width - count)[:, None]
        parts.append(chars[keep])
    return np.concatenate(parts).tobytes() if parts else b""


class Layout:
    """Node ordinals and ids of one snapshot: fixed part, records, then ``sessions`` sessions."""

    def __init__(self, records: int, sessions: int) -> None:
        self.records = records
        self.buckets = (records + RECORDS_PER_BUCKET - 1) // RECORDS_PER_BUCKET
        self.sessions = sessions
        # root, GC roots, global, store, sessions array
        self.first_string = 5
        self.first_bucket = self.first_string + SHARED_STRINGS
        self.first_record = self.first_bucket + self.buckets
        self.first_session = self.first_record + records
        self.node_count = self.first_session + sessions * SESSION_NODES
        # Old objects get ids 1, 3, 5, ... in ordinal order; session s's nodes get ids from a
        # range above every old id, in the same order in every snapshot.
        self.session_id_base = 2 * self.first_session + 1 + 1_000_000

    def session_ids(self, first: int, count: int) -> npt.NDArray[np.int64]:
        local = np.arange(first * SESSION_NODES, (first + count) * SESSION_NODES, dtype=np.int64)
        return self.session_id_base + 2 * local


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def fixed_part(layout: Layout) -> Iterator[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    """Rows and edges of root, GC roots, global, store, sessions array and the shared strings."""
    small = [  # (type, name, ordinal, self size, [(edge type, name or index, target ordinal)])
        (T_SYNTHETIC, S[""], 0, 0, [(E_ELEMENT, 1, 1), (E_ELEMENT, 2, 2)]),
        (T_SYNTHETIC, S["(GC roots)"], 1, 0, []),
        (T_OBJECT, S["global"], 2, 64, [(E_PROPERTY, S["store"], 3), (E_PROPERTY, S["sessions"], 4)]),
    ]
    rows = np.array(
        [
            [type_, name, 2 * ordinal + 1, size, len(targets), 0, 0]
            for type_, name, ordinal, size, targets in small
        ]
        + [
            [T_OBJECT, S["Array"], 7, 32, layout.buckets, 0, 0],
            [T_OBJECT, S["Array"], 9, 32, layout.sessions, 0, 0],
        ],
        dtype=np.int64,
    )
    edges = np.array(
        [[edge_type, name, to * WIDTH] for *_, targets in small for edge_type, name, to in targets],
        dtype=np.int64,
    )
    yield rows, edges
    buckets = np.arange(layout.buckets, dtype=np.int64)
    yield np.zeros((0, WIDTH), dtype=np.int64), _edge_block(E_ELEMENT, buckets, layout.first_bucket + buckets)
    for start in range(0, layout.sessions, CHUNK_ROWS):
        index = np.arange(start, min(start + CHUNK_ROWS, layout.sessions), dtype=np.int64)
        yield (
            np.zeros((0, WIDTH), dtype=np.int64),
            _edge_block(E_ELEMENT, index, layout.first_session + index * SESSION_NODES),
        )
    strings = np.arange(layout.first_string, layout.first_bucket, dtype=np.int64)
    yield (
        _rows(T_STRING, S["payload"], strings, np.full(len(strings), 24), np.zeros(len(strings), np.int64)),
        (np.zeros((0, 3), dtype=np.int64)),
    )


def bucket_part(layout: Layout) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    ordinals = np.arange(layout.first_bucket, layout.first_record, dtype=np.int64)
    counts = np.minimum(
        RECORDS_PER_BUCKET, layout.records - (ordinals - layout.first_bucket) * RECORDS_PER_BUCKET
    )
    rows = _rows(T_OBJECT, S["Bucket"], ordinals, 16 + 8 * counts, counts)
    slot = np.arange(int(counts.sum()), dtype=np.int64)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    element_index = slot - starts
    targets = layout.first_record + slot
    edges = np.stack([np.full(len(slot), E_ELEMENT), element_index, targets * WIDTH], axis=1)
    return rows, edges


def record_chunks(layout: Layout) -> Iterator[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    for start in range(0, layout.records, CHUNK_ROWS):
        local = np.arange(start, min(start + CHUNK_ROWS, layout.records), dtype=np.int64)
        ordinals = layout.first_record + local
        rows = _rows(T_OBJECT, S["Record"], ordinals, np.full(len(local), 48), np.full(len(local), 6))
        rng = _rng(start)
        targets = np.stack(
            [
                layout.first_string + local % SHARED_STRINGS,
                layout.first_record + (local + 1) % layout.records,
                *(layout.first_record + rng.integers(0, layout.records, len(local)) for _ in range(4)),
            ],
            axis=1,
        )
        names = np.array([S["name"], S["next"], S["peer1"], S["peer2"], S["peer3"], S["peer4"]])
        edges = _edges(E_PROPERTY, names, targets)
        yield rows, edges


def session_chunks(layout: Layout) -> Iterator[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    per_chunk = max(CHUNK_ROWS // SESSION_NODES, 1)
    for start in range(0, layout.sessions, per_chunk):
        count = min(per_chunk, layout.sessions - start)
        sessions = np.arange(start, start + count, dtype=np.int64)
        base = layout.first_session + sessions * SESSION_NODES
        ids = layout.session_ids(start, count).reshape(count, SESSION_NODES)
        rng = _rng(1_000_003 + start)
        old = layout.first_record + rng.integers(0, layout.records, (count, 8))
        strings = layout.first_string + rng.integers(0, SHARED_STRINGS, (count, 3 + CHUNKS))
        rows = np.zeros((count, SESSION_NODES, WIDTH), dtype=np.int64)
        edges: list[npt.NDArray[np.int64]] = []
        # session: data, owner, next, tag1..3
        rows[:, 0] = np.stack(_columns(T_OBJECT, S["Session"], ids[:, 0], 56, 6), axis=1)
        session_edges = np.stack(
            [
                _edge_block(E_PROPERTY, S["data"], base + 1),
                _edge_block(E_PROPERTY, S["owner"], np.full(count, 2)),
                _edge_block(E_PROPERTY, S["next"], old[:, 0]),
                *(_edge_block(E_PROPERTY, S[f"tag{k + 1}"], strings[:, k]) for k in range(3)),
            ],
            axis=1,
        )
        rows[:, 1] = np.stack(_columns(T_ARRAY, S["(object elements)"], ids[:, 1], 48, CHUNKS), axis=1)
        data_edges = np.stack(
            [_edge_block(E_ELEMENT, k, base + 2 + k) for k in range(CHUNKS)],
            axis=1,
        )
        chunk_edges = []
        for k in range(CHUNKS):
            rows[:, 2 + k] = np.stack(_columns(T_OBJECT, S["Chunk"], ids[:, 2 + k], 96, 6), axis=1)
            chunk_edges.append(
                np.stack(
                    [
                        _edge_block(E_PROPERTY, S["payload"], strings[:, 3 + k]),
                        _edge_block(E_PROPERTY, S["session"], base),
                        *(_edge_block(E_PROPERTY, S[f"peer{j + 1}"], old[:, 1 + j + k]) for j in range(4)),
                    ],
                    axis=1,
                )
            )
        edges = [session_edges, data_edges, *chunk_edges]
        yield rows.reshape(-1, WIDTH), np.concatenate(edges, axis=1).reshape(-1, 3)


def _columns(
    type_: int, name: int, ids: npt.NDArray[np.int64], size: int, edge_count: int
) -> list[npt.NDArray[np.int64]]:
    count = len(ids)
    return [
        np.full(count, type_),
        np.full(count, name),
        ids,
        np.full(count, size),
        np.full(count, edge_count),
        np.zeros(count, dtype=np.int64),
        np.zeros(count, dtype=np.int64),
    ]


def _edge_block(
    edge_type: int, name: int | npt.NDArray[np.int64], targets: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    names = np.broadcast_to(np.asarray(name, dtype=np.int64), targets.shape)
    return np.stack([np.full(len(targets), edge_type), names, targets * WIDTH], axis=1)


def _rows(
    type_: int,
    name: int,
    ordinals: npt.NDArray[np.int64],
    sizes: npt.NDArray[np.int64],
    edge_counts: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    zeros = np.zeros_like(ordinals)
    return np.stack(
        [
            np.full_like(ordinals, type_),
            np.full_like(ordinals, name),
            2 * ordinals + 1,
            sizes,
            edge_counts,
            zeros,
            zeros,
        ],
        axis=1,
    )


def _edges(
    edge_type: int, names: npt.NDArray[np.int64], targets: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    count, per = targets.shape
    return np.stack(
        [np.full((count, per), edge_type), np.broadcast_to(names, (count, per)), targets * WIDTH], axis=2
    ).reshape(-1, 3)


def write_snapshot(path: Path, layout: Layout) -> None:
    bucket_rows, bucket_edges = bucket_part(layout)
    edge_count = (
        4 + layout.buckets + layout.sessions + len(bucket_edges) + 6 * layout.records
        + layout.sessions * (6 + CHUNKS + 6 * CHUNKS)
    )  # fmt: skip
    header = {
        "snapshot": {
            "meta": {
                "node_fields": NODE_FIELDS,
                "node_types": [NODE_TYPES, "string", "number", "number", "number", "number", "number"],
                "edge_fields": EDGE_FIELDS,
                "edge_types": [EDGE_TYPES, "string_or_number", "node"],
                "trace_function_info_fields": [],
                "trace_node_fields": [],
                "sample_fields": [],
                "location_fields": ["object_index", "script_id", "line", "column"],
            },
            "node_count": layout.node_count,
            "edge_count": edge_count,
            "trace_function_count": 0,
        }
    }
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as out:
        out.write(json.dumps(header)[:-1].encode() + b',\n"nodes":[')
        _write_array(out, (part[0] for part in _parts(layout, bucket_rows, bucket_edges)))
        out.write(b'],\n"edges":[')
        _write_array(out, (part[1] for part in _parts(layout, bucket_rows, bucket_edges)))
        out.write(b'],\n"trace_function_infos":[],"trace_tree":[],"samples":[],"locations":[],\n"strings":')
        out.write(json.dumps(STRINGS).encode() + b"}\n")
    os.replace(temporary, path)


def _parts(
    layout: Layout, bucket_rows: npt.NDArray[np.int64], bucket_edges: npt.NDArray[np.int64]
) -> Iterator[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    """(rows, edges) in node order; a node's edges come in the same part as its row."""
    yield from fixed_part(layout)
    yield bucket_rows, bucket_edges
    yield from record_chunks(layout)
    yield from session_chunks(layout)


def _write_array(out: IO[bytes], parts: Iterator[npt.NDArray[np.int64]]) -> None:
    first = True
    for part in parts:
        if not part.size:
            continue
        text = digits(part.reshape(-1))
        if not first:
            out.write(b",")
        out.write(text[:-1])  # no trailing comma
        first = False


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("final_gb", type=float, help="size of the final snapshot in GB")
    parser.add_argument("--records", type=int, default=2_000_000, help="old records in every snapshot")
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    records_bytes = args.records * BYTES_PER_RECORD
    final_sessions = max(int((args.final_gb * 1e9 - records_bytes) / BYTES_PER_SESSION), 10)
    # Baseline and target: the same process earlier, when the sessions array held less.
    for number, sessions in enumerate((final_sessions // 20, final_sessions // 10, final_sessions), start=1):
        path = args.out_dir / f"synth-{number}.heapsnapshot"
        write_snapshot(path, Layout(args.records, sessions))
        print(f"{path} {path.stat().st_size / 1e9:.2f} GB", flush=True)


if __name__ == "__main__":
    main()

"""Property-based fuzzing of the loader and the kernels with mutants of a real Node snapshot.

Each mutant (numbers swapped for edge values, junk tokens, flipped bytes, cut or repeated
spans, repeated members) must either load into a graph every query works on, or be refused
with one :class:`SnapshotError` line naming the file. Anything else (another exception, a
signal) fails the test. The run is bounded: a few hundred mutants, well under a minute.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heapscope.analysis.analyze import AnalysisError, analyze_loaded
from heapscope.snapshot import HeapSnapshot, SnapshotError, load_snapshot

# Fewer under the sanitizer build, which runs the same kernels several times slower.
EXAMPLES = int(os.environ.get("HEAPSCOPE_FUZZ_EXAMPLES", "300"))
SECTIONS = (b'"nodes"', b'"edges"', b'"locations"', b'"strings"')
EDGE_VALUES = [0, 1, 7, 2**31 - 1, 2**32 - 1, 2**32, 2**53, 2**63 - 1, 2**63, 2**64 - 1, 10**19, 10**25]
# Plausible values twice: those are the mutants that load and reach the kernels.
KINDS = ["plausible", "plausible", "number", "junk", "byte", "cut", "repeat", "truncate", "member"]
JUNK = [b"-1", b"1.5", b"1e3", b"null", b'"x"', b"", b"[]", b"{}", b",", b"]", b"[", b"\xff\xfe"]


@dataclass(frozen=True)
class Seed:
    text: bytes
    numbers: dict[bytes, np.ndarray]  # per section: (start, end) of each number token
    members: dict[bytes, tuple[int, int]]  # per section: span from its name to its closing bracket
    node_count: int
    node_width: int


def _seed(snapshot: Path) -> Seed:
    text = snapshot.read_bytes()
    numbers: dict[bytes, np.ndarray] = {}
    members: dict[bytes, tuple[int, int]] = {}
    for name in SECTIONS:
        start = text.index(name)
        end = text.index(b"]", start) if name != b'"strings"' else text.index(b'"]', start) + 1
        members[name] = (start, end + 1)
        spans = [m.span() for m in re.finditer(rb"\d+", text[start:end])] or [(0, 0)]
        numbers[name] = np.array(spans, dtype=np.int64) + start
    header = orjson.loads(text[text.index(b"{", 1) : text.index(b'"nodes"')].rstrip(b", \n"))
    return Seed(text, numbers, members, header["node_count"], len(header["meta"]["node_fields"]))


@st.composite
def mutations(draw: st.DrawFn, seed: Seed) -> list[tuple[int, int, bytes]]:
    """One to three non-overlapping (start, end, replacement) edits of the seed's bytes."""
    edits: list[tuple[int, int, bytes]] = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(KINDS))
        size = len(seed.text)
        if kind == "plausible":
            # A value of the right shape: a node offset in the edges (a valid target if it
            # lands on a to_node field), a small count, type or name anywhere else.
            section = draw(st.sampled_from(SECTIONS[:3]))
            spans = seed.numbers[section]
            start, end = (int(v) for v in spans[draw(st.integers(0, len(spans) - 1))])
            value = draw(st.integers(0, seed.node_count - 1)) * seed.node_width
            if section != b'"edges"' or draw(st.booleans()):
                value = draw(st.integers(0, 12))
            edits.append((start, end, str(value).encode()))
        elif kind in ("number", "junk"):
            section = draw(st.sampled_from(SECTIONS[:3]))
            spans = seed.numbers[section]
            start, end = (int(v) for v in spans[draw(st.integers(0, len(spans) - 1))])
            value = (
                str(draw(st.sampled_from(EDGE_VALUES) | st.integers(0, 10**6))).encode()
                if kind == "number"
                else draw(st.sampled_from(JUNK))
            )
            edits.append((start, end, value))
        elif kind == "byte":
            at = draw(st.integers(0, size - 1))
            edits.append((at, at + 1, bytes([draw(st.integers(0, 255))])))
        elif kind in ("cut", "repeat"):
            at = draw(st.integers(0, size - 1))
            length = draw(st.integers(1, 4096))
            span = seed.text[at : at + length]
            edits.append((at, at + length, b"" if kind == "cut" else span + span))
        elif kind == "truncate":
            edits.append((draw(st.integers(0, size - 1)), size, b""))
        else:
            start, end = seed.members[draw(st.sampled_from(SECTIONS))]
            edits.append((start, start, seed.text[start:end] + b","))
    return edits


def _apply(text: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    out = text
    last = len(text) + 1
    for start, end, replacement in sorted(edits, reverse=True):
        if end > last:  # overlaps an edit already applied further on
            continue
        out = out[:start] + replacement + out[end:]
        last = start
    return out


def _exercise(snapshot: HeapSnapshot) -> None:
    """Every index the analysis reads, computed and queried."""
    snapshot.initialize()
    assert snapshot.class_top_level.shape == (snapshot.node_count,)
    for node in (0, snapshot.node_count // 2, snapshot.node_count - 1):
        snapshot.retainer_path(node)
        snapshot.location(node)
        snapshot.class_name(node)
        snapshot.name(node)
        for edge, _ in snapshot.children(node):
            snapshot.edge_name(edge)
    assert isinstance(snapshot.script_names, dict)
    snapshot.trace_nodes  # noqa: B018 - flattening a crafted trace tree must not raise either


@pytest.fixture(scope="module")
def seed(listener_snapshot: tuple[Path, Path]) -> Seed:
    return _seed(listener_snapshot[1])


@pytest.fixture(scope="module")
def baseline(listener_snapshot: tuple[Path, Path]) -> HeapSnapshot:
    return load_snapshot(listener_snapshot[1])


def test_every_mutant_loads_or_is_refused_in_one_line(seed: Seed, baseline: HeapSnapshot) -> None:
    outcomes = {"loaded": 0, "refused": 0}
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "mutant.heapsnapshot"

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(st.data())
        def check(data: st.DataObject) -> None:
            edits = data.draw(mutations(seed))
            path.write_bytes(_apply(seed.text, edits))
            try:
                snapshot = load_snapshot(path)
                _exercise(snapshot)
            except SnapshotError as error:
                message = str(error)
                assert message.startswith(f"{path}: ") and "\n" not in message, message
                outcomes["refused"] += 1
                return
            outcomes["loaded"] += 1
            if outcomes["loaded"] % 10 == 1:  # the whole analysis, on some of the mutants that load
                try:
                    analyze_loaded([baseline, snapshot])
                except AnalysisError as error:
                    assert "\n" not in str(error)

        check()
    # The mutants reach both outcomes: a fuzzer whose every input is refused tests nothing.
    assert outcomes["refused"] > EXAMPLES // 10
    assert outcomes["loaded"] > EXAMPLES // 20

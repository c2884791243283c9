"""The fast analysis path gives exactly the report of the straightforward one.

``analyze_snapshots`` loads the snapshots in parallel, computes each index only where a
rule asks for it and measures every container in one ownership pass per snapshot. The
reference here does it the plain way, on the same real snapshots: sequential loads,
every index of every snapshot computed up front, and each container measured on its own
with a dominator chain walked by pointer doubling. Reports must match byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from heapscope.analysis import analyze_loaded, analyze_snapshots
from heapscope.analysis.leaks import element_count, group_survivors, summary
from heapscope.snapshot import ROOT, HeapSnapshot, load_snapshot

from .conftest import snapshot_program
from .test_patterns import NOISE, PROGRAMS

CASES = {
    **{f"leak-{kind}": (source, kind in ("collection", "queue")) for kind, source in PROGRAMS.items()},
    **{f"noise-{name}": (source, False) for name, source in NOISE.items()},
}


def _owner_by_doubling(snapshot: HeapSnapshot, marked: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    idom = snapshot.dominators.astype(np.int64)
    marks = marked.copy()
    marks[ROOT] = True
    up = np.where(marks, np.arange(snapshot.node_count, dtype=np.int64), idom)
    while True:
        jumped = up[up]
        if np.array_equal(jumped, up):
            return up
        up = jumped


def _reference_measure(
    snapshots: list[HeapSnapshot], anchor_ids: list[int], entry_classes: list[str]
) -> list[tuple[list[int], list[int]]]:
    """Counts and retained sizes per container, one container and one full scan at a time."""
    results: list[tuple[list[int], list[int]]] = [([], []) for _ in anchor_ids]
    ids = np.array(anchor_ids, dtype=np.int64)
    for snapshot in snapshots:
        anchors = snapshot.nodes_by_ids(ids)
        marked = np.zeros(snapshot.node_count, dtype=bool)
        marked[anchors[anchors >= 0]] = True
        owner = _owner_by_doubling(snapshot, marked)
        for (counts, retained), anchor, entry_class in zip(
            results, anchors.tolist(), entry_classes, strict=True
        ):
            if anchor < 0:
                counts.append(0)
                retained.append(0)
                continue
            retained.append(int(snapshot.retained_sizes[anchor]))
            if snapshot.class_name(anchor) == "Array" and entry_class != "Array":
                counts.append(element_count(snapshot, anchor))
                continue
            if entry_class not in snapshot.class_names:
                counts.append(0)
                continue
            in_class = snapshot.class_index == snapshot.class_names.index(entry_class)
            others = np.arange(snapshot.node_count) != anchor
            counts.append(int(np.count_nonzero(in_class & (owner == anchor) & others)))
    return results


@pytest.mark.parametrize("case", sorted(CASES))
def test_fast_report_equals_the_plain_one(case: str, tmp_path: Path) -> None:
    source, track = CASES[case]
    paths = snapshot_program(tmp_path, source, track=track).snapshots

    fast = analyze_snapshots(paths).to_json()

    plain_snapshots = [load_snapshot(path) for path in paths]
    for snapshot in plain_snapshots:
        snapshot.initialize()
    plain = analyze_loaded(plain_snapshots).to_json()
    assert json.dumps(fast, sort_keys=True) == json.dumps(plain, sort_keys=True)
    if case.startswith("leak-"):
        assert fast["findings"], "a leaking program must give findings for the comparison to mean anything"

    groups = group_survivors(plain_snapshots)
    reference = _reference_measure(
        plain_snapshots, [group.anchor_id for group in groups], [group.entry_class for group in groups]
    )
    assert [(row["counts"], row["retained"]) for row in summary(groups)] == reference

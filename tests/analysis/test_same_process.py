"""The same-process check on hand-built graphs: code that V8 replaced in place does not count."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from heapscope.analysis.analyze import AnalysisError, check_same_process
from heapscope.snapshot import load_snapshot
from snapshot.conftest import build_snapshot  # the engine tests' V8-shaped graph builder


def _write(tmp_path: Path, name: str, names: list[str], types: list[str]) -> Path:
    edges = [(0, index, "element", str(index)) for index in range(1, len(names))]
    path = tmp_path / name
    path.write_bytes(orjson.dumps(build_snapshot(names, edges, types=types)))
    return path


def test_flushed_bytecode_under_the_same_id_is_not_another_process(tmp_path: Path) -> None:
    objects = [f"Object{index}" for index in range(60)]
    code = ["system / BytecodeArray"] * 40
    flushed = ["system / UncompiledDataWithoutPreparseData"] * 40
    types = ["synthetic"] + ["object"] * 60 + ["code"] * 40
    before = load_snapshot(_write(tmp_path, "a.heapsnapshot", ["(root)", *objects, *code], types))
    after = load_snapshot(_write(tmp_path, "b.heapsnapshot", ["(root)", *objects, *flushed], types))
    check_same_process([before, after])  # 40 % of the ids changed name, all of them code

    renamed = [f"Other{index}" for index in range(60)]
    other = load_snapshot(_write(tmp_path, "c.heapsnapshot", ["(root)", *renamed, *code], types))
    with pytest.raises(AnalysisError, match="name different objects"):
        check_same_process([before, other])


def test_a_thinned_sample_still_sees_a_few_percent_of_renamed_objects(tmp_path: Path) -> None:
    """Past a few times the sample size, the sample is drawn from every step-th node: spread
    evenly, it still lands in a block of 3 % renamed objects, and in the same nodes every run."""
    objects = [f"Object{index}" for index in range(1000)]
    renamed = [*objects[:500], *(f"Other{index}" for index in range(30)), *objects[530:]]
    types = ["synthetic"] + ["object"] * 1000
    before = load_snapshot(_write(tmp_path, "a.heapsnapshot", ["(root)", *objects], types))
    same = load_snapshot(_write(tmp_path, "b.heapsnapshot", ["(root)", *objects], types))
    other = load_snapshot(_write(tmp_path, "c.heapsnapshot", ["(root)", *renamed], types))
    check_same_process([before, same], sample_size=50)
    messages = set()
    for _ in range(2):
        with pytest.raises(AnalysisError, match="name different objects") as refused:
            check_same_process([before, other], sample_size=50)
        messages.add(str(refused.value))
    assert len(messages) == 1

"""``heapscope find-leaks`` and ``heapscope diff`` on real snapshot files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heapscope.cli import main

from .conftest import Snapshotted, snapshot_program
from .test_patterns import NOISE, PROGRAMS


@pytest.fixture(scope="module")
def leaky(tmp_path_factory: pytest.TempPathFactory) -> Snapshotted:
    return snapshot_program(tmp_path_factory.mktemp("cli-leaky"), PROGRAMS["collection"], track=True)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Snapshotted:
    return snapshot_program(tmp_path_factory.mktemp("cli-clean"), NOISE["stable-heap"])


def test_find_leaks_exit_one_and_json(leaky: Snapshotted, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["find-leaks", "--format", "json", *map(str, leaky.snapshots)]) == 1
    document = json.loads(capsys.readouterr().out)
    top = document["findings"][0]
    assert (top["kind"], top["location"]["path"], top["location"]["line"]) == (
        "collection",
        str(leaky.program),
        leaky.leak_line,
    )


def test_find_leaks_text_and_output_file(
    leaky: Snapshotted, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.html"
    assert main(["find-leaks", "--format", "html", "--output", str(target), *map(str, leaky.snapshots)]) == 1
    assert "report written to" in capsys.readouterr().err
    assert "Map `cache`" in target.read_text()
    assert main(["find-leaks", *map(str, leaky.snapshots)]) == 1
    assert f"{leaky.program}:{leaky.leak_line}:" in capsys.readouterr().out


def test_find_leaks_clean_exits_zero(clean: Snapshotted, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["find-leaks", *map(str, clean.snapshots)]) == 0
    assert "No leak found" in capsys.readouterr().out


def test_find_leaks_bad_input(
    leaky: Snapshotted, clean: Snapshotted, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["find-leaks", str(leaky.snapshots[0])]) == 2
    assert "2 or 3 snapshots" in capsys.readouterr().err
    missing = tmp_path / "nope.heapsnapshot"
    assert main(["find-leaks", str(leaky.snapshots[0]), str(missing)]) == 2
    err = capsys.readouterr().err
    assert "nope.heapsnapshot" in err and "Traceback" not in err
    garbage = tmp_path / "garbage.heapsnapshot"
    garbage.write_text("{not a snapshot")
    assert main(["find-leaks", str(leaky.snapshots[0]), str(garbage)]) == 2
    assert "garbage.heapsnapshot" in capsys.readouterr().err
    # Snapshots of two different processes share no ids.
    assert main(["find-leaks", str(leaky.snapshots[0]), str(clean.snapshots[1])]) == 2
    assert "same process" in capsys.readouterr().err
    assert main(["diff", str(leaky.snapshots[0]), str(clean.snapshots[1])]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "same process" in captured.err


def test_diff_prints_the_comparison(leaky: Snapshotted, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(leaky.snapshots[0]), str(leaky.snapshots[2])]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[1]
    assert "# new" in header and "# deleted" in header and "# delta" in header and "size delta" in header
    rows = {line.split()[-1]: line.split() for line in out.splitlines()[2:]}
    assert "Object" in rows
    assert int(rows["Object"][0].replace(",", "")) >= 120  # 2 x 60 cache entries were created


def test_diff_json_rows_match_the_table(leaky: Snapshotted, capsys: pytest.CaptureFixture[str]) -> None:
    before, after = str(leaky.snapshots[0]), str(leaky.snapshots[2])
    assert main(["diff", "--format", "json", "--top", "10", before, after]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["before"], document["after"]) == (before, after)
    rows = {row["class"]: row for row in document["classes"]}
    assert len(document["classes"]) <= 10
    assert rows["Object"]["new"] >= 120
    assert all(row["delta"] == row["new"] - row["deleted"] for row in document["classes"])
    assert main(["diff", "--top", "10", before, after]) == 0
    table = {line.split()[-1]: line.split() for line in capsys.readouterr().out.splitlines()[2:]}
    assert int(table["Object"][0].replace(",", "")) == rows["Object"]["new"]

"""Kept hunts under .heapscope/runs: ``heapscope run --keep N`` and ``heapscope clean``."""

from __future__ import annotations

from pathlib import Path

import pytest

from heapscope.cli import main
from heapscope.hunt.runs import clean, discard_snapshot, kept_runs, prune_runs
from heapscope.snapshot_files import hunt_snapshot_name, sidecar_path, snapshot_name

pytestmark = pytest.mark.timeout(120)


def _fake_run(workspace: Path, stamp: str, size: int = 1000) -> Path:
    folder = workspace / ".heapscope" / "runs" / stamp
    folder.mkdir(parents=True)
    (folder / "1-baseline.heapsnapshot").write_bytes(b"x" * size)
    (folder / "1-baseline.meta.json").write_text("{}")
    return folder


def test_prune_keeps_the_newest_runs_and_nothing_else_is_touched(tmp_path: Path) -> None:
    old = [_fake_run(tmp_path, f"2026010{day}-120000-000") for day in range(1, 5)]
    stranger = tmp_path / ".heapscope" / "runs" / "my-notes"
    stranger.mkdir()
    removed = prune_runs(tmp_path, keep=2)
    assert (removed.runs, removed.bytes) == (2, 2 * (1000 + 2))
    assert kept_runs(tmp_path) == old[2:]
    assert stranger.is_dir()
    assert prune_runs(tmp_path / "elsewhere", keep=0).runs == 0


def test_discarding_a_hunts_last_snapshot_removes_its_folder_and_only_then(tmp_path: Path) -> None:
    folder = _fake_run(tmp_path, "20260101-120000-000")
    second = folder / hunt_snapshot_name(1, "target", worker="2")
    assert second.name == "2-target-worker-2.heapsnapshot"
    second.write_bytes(b"x")
    discard_snapshot(folder / "1-baseline.heapsnapshot")
    assert sorted(path.name for path in folder.iterdir()) == [second.name]
    discard_snapshot(second)
    assert not folder.exists()
    # A folder that is no hunt's stays, even when emptied.
    mine = tmp_path / "mine"
    mine.mkdir()
    single = mine / snapshot_name("before the fix")
    assert single.name.endswith("-before-the-fix.heapsnapshot")
    single.write_bytes(b"x")
    sidecar_path(single).write_text("{}")
    discard_snapshot(single)
    assert mine.is_dir() and list(mine.iterdir()) == []


def test_clean_command_removes_runs_and_on_request_snapshots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for day in range(1, 4):
        _fake_run(tmp_path, f"2026010{day}-120000-000")
    snapshots = tmp_path / ".heapscope" / "snapshots"
    snapshots.mkdir()
    (snapshots / "a.heapsnapshot").write_bytes(b"y" * 500)
    (snapshots / "a.meta.json").write_text("{}")
    assert main(["clean", "--workspace", str(tmp_path), "--keep", "1"]) == 0
    assert capsys.readouterr().out == "deleted 2 runs (2.0 kB)\n"
    assert [p.name for p in kept_runs(tmp_path)] == ["20260103-120000-000"]
    assert (snapshots / "a.heapsnapshot").exists()
    assert main(["clean", "--workspace", str(tmp_path), "--snapshots"]) == 0
    assert capsys.readouterr().out == "deleted 1 run and 1 snapshot (1.5 kB)\n"
    assert kept_runs(tmp_path) == [] and list(snapshots.iterdir()) == []
    with pytest.raises(SystemExit) as refused:
        main(["clean", "--workspace", str(tmp_path), "--keep", "-1"])
    assert refused.value.code == 2
    assert capsys.readouterr().err == (
        "heapscope clean: argument --keep: '-1' is not a whole number between 0 and 1,000,000,000\n"
    )
    assert clean(tmp_path).runs == 0


def test_run_keeps_only_the_newest_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = [_fake_run(tmp_path, f"2026010{day}-120000-000") for day in range(1, 4)]
    program = tmp_path / "idle.js"
    program.write_text("const keep = []; setInterval(() => keep.push({}), 50);\n")
    argv = ["run", "--keep", "2", "--quiet", "--warmup", "0.2", "--interval", "0.3"]
    code = main([*argv, "--no-track-allocations", "--workspace", str(tmp_path), "--", "node", str(program)])
    assert code in (0, 1), capsys.readouterr().err
    runs = kept_runs(tmp_path)
    assert len(runs) == 2
    assert runs[0] == old[-1]
    assert sorted(p.name for p in runs[1].glob("*.heapsnapshot")) == [
        "1-baseline.heapsnapshot",
        "2-target.heapsnapshot",
        "3-final.heapsnapshot",
    ]
    assert main(["run", "--keep", "0", "--", "node", str(program)]) == 2
    assert "--keep must be at least 1" in capsys.readouterr().err


def test_run_refuses_a_runs_folder_that_is_a_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    workspace = tmp_path / "project"
    (workspace / ".heapscope").mkdir(parents=True)
    (workspace / ".heapscope" / "runs").symlink_to(elsewhere)
    program = tmp_path / "idle.js"
    program.write_text("setInterval(() => {}, 50);\n")
    argv = ["run", "--quiet", "--warmup", "0.2", "--interval", "0.3", "--no-track-allocations"]
    code = main([*argv, "--workspace", str(workspace), "--", "node", str(program)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "runs is a symbolic link" in err and "Traceback" not in err
    assert list(elsewhere.iterdir()) == []

"""Worker threads: each worker's isolate hunted beside the main thread, its findings labelled with it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from heapscope.analysis import Finding, LeakReport, Location
from heapscope.analysis.report import render, to_sarif
from heapscope.cli import main
from heapscope.hunt.isolates import label_findings
from heapscope.inspector import WorkerInfo, attach_workers, connect

from .conftest import ServiceFactory, leak_marker

JOBS = Path(__file__).resolve().parent / "programs" / "worker-jobs"


def test_run_finds_the_worker_leak_and_names_its_thread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report_path = tmp_path / "report.json"
    code = main(
        [
            "run", "--warmup", "1", "--interval", "2", "--workspace", str(tmp_path),
            "--format", "json", "-o", str(report_path), "--", "node", str(JOBS / "main.js"),
        ]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1, err
    assert "also hunting in 2 worker thread(s): worker " in err
    report = json.loads(report_path.read_text())
    threads = {Path(w["script"]).name: w["threadId"] for w in report["target"]["workers"]}
    assert sorted(threads.values()) == ["1", "2"]  # the threadIds the program's Worker objects have
    resizer, warmer = threads["resizer.js"], threads["warmer.js"]
    kind, path, line = leak_marker(JOBS)
    top = report["findings"][0]
    assert (top["kind"], top["location"]["path"], top["location"]["line"]) == (kind, str(path), line)
    assert top["details"]["worker"] == {"threadId": resizer, "script": str(JOBS / "resizer.js")}
    assert top["message"].startswith(f"In worker {resizer} ({JOBS / 'resizer.js'}): ")
    # The main thread does not leak: every leak comes from the worker.
    leaks = [f for f in report["findings"] if f["severity"] != "information"]
    assert leaks and all("worker" in f["details"] for f in leaks)
    # The warmer thread exits during the hunt: one note, and the hunt goes on.
    (gone,) = [note for note in report["notes"] if "warmer.js" in note]
    assert re.fullmatch(
        rf"worker {warmer} \({re.escape(str(JOBS / 'warmer.js'))}\) exited before its "
        "(baseline|target|final) snapshot; it was not analysed",
        gone,
    )
    statuses = {w["threadId"]: w["status"] for w in report["target"]["workers"]}
    assert statuses == {resizer: "hunted", warmer: "not hunted"}
    (hunted,) = [w for w in report["target"]["workers"] if w["status"] == "hunted"]
    assert main(["find-leaks", *hunted["snapshots"]]) == 1  # a worker's three snapshots: a hunt of its own


def test_workers_are_detached_again(start_service: ServiceFactory) -> None:
    service = start_service(JOBS / "main.js")
    service.settle(0.5)
    with connect(service.host_port) as session:
        group = attach_workers(session)
        (info, worker) = next((i, w) for i, w in group.workers if i.script == str(JOBS / "resizer.js"))
        assert worker.evaluate_fixed("require('node:worker_threads').threadId") == int(info.thread_id)
        group.close()
        assert worker.closed
        # NodeWorker is off again: enabling it once more announces the workers afresh.
        again = attach_workers(session)
        assert info.thread_id in [w.thread_id for w, _ in again.workers]
        again.close()
    assert service.running()


def test_run_says_which_processes_it_hunted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    forking = JOBS.parent / "forking"
    report_path = tmp_path / "report.json"
    code = main(
        [
            "run", "--warmup", "1.5", "--interval", "1", "--workspace", str(tmp_path),
            "--format", "json", "-o", str(report_path), "--", "node", str(forking / "main.js"),
        ]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0, err
    report = json.loads(report_path.read_text())
    hunted, *children = report["target"]["processes"]
    assert hunted["hunted"] and hunted["pid"] == report["target"]["pid"]
    assert sorted(Path(c["commandLine"][-1]).name for c in children) == ["jobs.js", "main.js"]
    assert not any(child["hunted"] for child in children)
    (note,) = [note for note in report["notes"] if "not hunted" in note]
    assert note.startswith(f"hunted process {hunted['pid']} only; its child process(es) ")
    assert all(str(child["pid"]) in note for child in children)
    assert err.count("heapscope: not hunted: child process ") == 2


def test_worker_label_reaches_text_json_and_sarif() -> None:
    finding = Finding(
        id="event-listener-1",
        kind="event-listener",
        severity="error",
        message="EventEmitter `progress` gains 'tick' listeners that are never removed.",
        location=Location("/app/resizer.js", 11, 3),
        growth_count=[1, 2, 3],
        growth_retained=[0, 1000, 2000],
        retainer_path=[],
        fix_hint="remove the listener",
        title="'tick' listeners on EventEmitter",
    )
    report = LeakReport(target={}, snapshots=[], findings=[finding])
    label_findings(report, WorkerInfo("4", "/app/resizer.js", "1"))
    (result,) = to_sarif(report)["runs"][0]["results"]
    assert result["properties"]["worker"] == {"threadId": "4", "script": "/app/resizer.js"}
    assert result["message"]["text"].startswith("In worker 4 (/app/resizer.js): EventEmitter `progress`")
    assert json.loads(render(report, "json"))["findings"][0]["details"]["worker"]["threadId"] == "4"
    assert "In worker 4 (/app/resizer.js): " in render(report, "text")
    assert finding.title == "worker 4: 'tick' listeners on EventEmitter"

"""``heapscope run`` end to end on a real program, and the JSON, SARIF and HTML it renders."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tarfile
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from heapscope.analysis import LeakReport
from heapscope.analysis.report import render, to_sarif
from heapscope.cli import main
from heapscope.hunt import RunError, RunOptions, run_program

LEAKY_SERVICE = textwrap.dedent(
    """\
    'use strict';
    const EventEmitter = require('node:events');
    const bus = new EventEmitter();
    function subscribe(id) {
      const session = { id, buffer: new Array(25000).fill(id) };
      bus.on('message', (text) => { session.last = text; }); // LEAK
    }
    let n = 0;
    setInterval(() => { subscribe(n++); bus.emit('message', 'hi'); }, 100);
    """
)
# About 2 MB/s: 10 listeners a second, each keeping a 25,000-slot array.


def _leak_line(program: Path) -> int:
    return next(n for n, text in enumerate(program.read_text().splitlines(), 1) if "// LEAK" in text)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Path:
    program = tmp_path_factory.mktemp("service") / "service.js"
    program.write_text(LEAKY_SERVICE)
    return program


@pytest.fixture(scope="module")
def run_report(service: Path) -> LeakReport:
    options = RunOptions(interval=1.0, warmup=0.5, workspace=str(service.parent), sample_interval=0.25)
    return run_program(["node", str(service)], options)


def test_run_finds_the_listener_line(run_report: LeakReport, service: Path) -> None:
    top = run_report.findings[0]
    assert top.kind == "event-listener"
    assert top.location is not None
    assert (top.location.path, top.location.line) == (str(service), _leak_line(service))
    assert run_report.has_leak
    assert len(run_report.snapshots) == 3
    for path in run_report.snapshots:
        assert Path(path).parent.parent.parent == service.parent / ".heapscope"
        assert Path(path).stat().st_mode & 0o777 == 0o600
    assert (service.parent / ".heapscope" / ".gitignore").read_text() == "*\n"
    assert len(run_report.snapshot_times) == 3
    busy = run_report.target["interval_cpu_seconds"]  # what the growth check weighed the growth by
    assert isinstance(busy, list) and len(busy) == 2 and min(busy) > 0
    assert run_report.target["argv"] == ["node", str(service)]


def test_json_has_the_documented_shape(run_report: LeakReport) -> None:
    document = json.loads(render(run_report, "json"))
    assert document["version"] == 1
    assert isinstance(document["target"], dict)
    assert document["snapshots"] == run_report.snapshots
    severities = ["error", "warning", "information"]
    ranks = [severities.index(finding["severity"]) for finding in document["findings"]]
    assert ranks and ranks == sorted(ranks)  # the leaking service gives findings to check
    assert document["findings"][0]["retainer_path"], "the top finding has a retainer path to check"
    for finding in document["findings"]:
        assert isinstance(finding["id"], str) and finding["id"]
        assert finding["kind"] in (
            "event-listener",
            "closure",
            "collection",
            "timer",
            "global",
            "queue",
            "third-party",
            "other",
        )
        assert isinstance(finding["message"], str) and isinstance(finding["fix_hint"], str)
        location = finding["location"]
        assert location is None or (
            set(location) == {"path", "line", "column"}
            and Path(location["path"]).is_absolute()
            and location["line"] >= 1
            and location["column"] >= 1
        )
        growth = finding["growth"]
        assert len(growth["count"]) == len(growth["retained_bytes"]) == 3
        assert all(isinstance(value, int) for value in growth["count"] + growth["retained_bytes"])
        for hop in finding["retainer_path"]:
            assert set(hop) == {"node", "edge", "location"}
            assert isinstance(hop["node"], str) and isinstance(hop["edge"], str)


def test_run_and_find_leaks_json_match_the_report_schema(
    run_report: LeakReport, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = json.loads((Path(__file__).resolve().parents[2] / "docs" / "report.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    document = json.loads(render(run_report, "json"))
    assert document["findings"] and document["comparison"]
    validator.validate(document)
    # The same snapshots through find-leaks: its target and findings take the other shape.
    assert main(["find-leaks", "--format", "json", *run_report.snapshots]) == 1
    found = json.loads(capsys.readouterr().out)
    assert found["target"] == {"snapshots": run_report.snapshots}
    validator.validate(found)


SARIF_PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"
SARIF_MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"


@pytest.fixture(scope="session")
def sarif_schema(pytestconfig: pytest.Config) -> dict[str, Any]:
    """The official SARIF 2.1.0 JSON schema, as shipped in an npm package (fetched once, cached)."""
    cache = Path(str(pytestconfig.cache.mkdir("sarif-schema")))  # type: ignore[union-attr]
    schema = cache / "sarif-2.1.0-rtm.5.json"
    if not schema.exists():
        # Each test process packs into a folder of its own and renames the schema into place, so
        # pytest-xdist workers that fetch it at the same time never read each other's half-written files.
        with tempfile.TemporaryDirectory(dir=cache) as private:
            result = subprocess.run(
                ["npm", "pack", SARIF_PACKAGE, "--silent"],
                cwd=private,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert result.returncode == 0, f"npm pack {SARIF_PACKAGE} failed: {result.stderr.strip()}"
            tarball = Path(private) / result.stdout.strip().splitlines()[-1]
            with tarfile.open(tarball) as archive:
                member = archive.extractfile(SARIF_MEMBER)
                assert member is not None
                unpacked = Path(private) / schema.name
                unpacked.write_bytes(member.read())
            os.replace(unpacked, schema)
    loaded: dict[str, Any] = json.loads(schema.read_text())
    return loaded


def test_sarif_is_valid_and_has_one_result_per_finding(
    run_report: LeakReport, sarif_schema: dict[str, Any]
) -> None:
    document = json.loads(render(run_report, "sarif"))
    jsonschema.Draft4Validator(sarif_schema).validate(document)
    results = document["runs"][0]["results"]
    assert len(results) == len(run_report.findings)
    top = results[0]
    assert top["ruleId"] == "event-listener"
    region = top["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == run_report.findings[0].location.line  # type: ignore[union-attr]
    assert top["relatedLocations"], "closure hops of the retainer path carry locations"
    rules = [rule["id"] for rule in document["runs"][0]["tool"]["driver"]["rules"]]
    assert top["ruleIndex"] == rules.index("event-listener")


def test_sarif_of_a_clean_report_is_valid(sarif_schema: dict[str, Any]) -> None:
    document = to_sarif(LeakReport(target={}, snapshots=["/tmp/a.heapsnapshot"], findings=[]))
    jsonschema.Draft4Validator(sarif_schema).validate(document)
    assert document["runs"][0]["results"] == []


def test_html_is_self_contained(run_report: LeakReport, service: Path) -> None:
    page = render(run_report, "html")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page
    assert "<svg" in page and "<polyline" in page
    assert page.count("snapshot</text>") == 3  # baseline, target and final marked on the chart
    assert f"{service}:{_leak_line(service)}" in page
    assert "removeListener" in page
    assert "<table>" in page and "# new" in page


def test_text_report_lines(run_report: LeakReport, service: Path) -> None:
    text = render(run_report, "text")
    first = text.splitlines()[2]
    assert first.startswith(f"{service}:{_leak_line(service)}:")
    assert "[event-listener]" in first and "error" in first
    assert "growth: count" in text and "retainer path:" in text and "fix:" in text


def test_run_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A script that ends at once, one that ends during the warm-up, one that cannot start.
    early = tmp_path / "early.js"
    early.write_text("console.log('done');\n")
    later = tmp_path / "later.js"
    later.write_text("setTimeout(() => console.log('done'), 500);\n")
    broken = tmp_path / "broken.js"
    broken.write_text("this is not javascript\n")
    for program in (early, later):
        code = main(
            ["run", "--quiet", "--warmup", "2", "--workspace", str(tmp_path), "--", "node", str(program)]
        )
        error = capsys.readouterr().err
        assert code == 2 and "Traceback" not in error
        # Which sentence depends on whether node was attached before the program ended.
        finished = "program finished" in error and "keeps running" in error
        assert finished or "exited with code 0 before it could be attached" in error, error
        assert len(error.strip().splitlines()) == 1
    code = main(["run", "--quiet", "--workspace", str(tmp_path), "--", "node", str(broken)])
    error = capsys.readouterr().err
    assert code == 2 and "SyntaxError" in error and "Traceback" not in error
    crash = tmp_path / "crash.js"
    crash.write_text("setInterval(() => {}, 1000);\nsetTimeout(() => { throw new Error('boom'); }, 300);\n")
    code = main(["run", "--quiet", "--warmup", "2", "--workspace", str(tmp_path), "--", "node", str(crash)])
    error = capsys.readouterr().err
    assert code == 2 and "stopped with an error" in error and "Error: boom" in error

    assert main(["run", "--quiet"]) == 2
    assert "no program given" in capsys.readouterr().err

    missing = tmp_path / "missing.js"
    assert main(["run", "--quiet", "--workspace", str(tmp_path), "--", "node", str(missing)]) == 2
    assert "heapscope:" in capsys.readouterr().err


def test_run_program_rejects_bad_options() -> None:
    with pytest.raises(RunError, match="interval"):
        run_program(["node", "x.js"], RunOptions(interval=0))

"""Heapscope against real leaking Node services: the top finding must name the right kind, file
and line (every marked line gets its own finding); fixed twins and noise programs must come out
clean; the most path-sensitive programs give the same finding in five runs.

Each case runs the real CLI (``python -m heapscope run``) on a real Node program, exactly as a
user would, and reads its JSON report.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .corpus import NODE_MODULES, Marker, Program, discover

# Short enough to keep the module to a few minutes, long enough for 0.3-2 MB/s leaks to show.
WARMUP_SECONDS = "1.5"
INTERVAL_SECONDS = "2.5"
RUN_TIMEOUT_SECONDS = 180
PROGRAMS = discover()
# Every program with allocation tracking (the default); the ones located by reading source also without.
CASES = [(program, True) for program in PROGRAMS] + [(p, False) for p in PROGRAMS if p.both_modes]


def run_heapscope(
    program: Program, workspace: Path, *, track: bool = True
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    command = [
        sys.executable, "-m", "heapscope", "run",
        "--warmup", WARMUP_SECONDS, "--interval", INTERVAL_SECONDS, "--format", "json",
        "--track-allocations" if track else "--no-track-allocations",
        "--", "node", str(program.entry),
    ]  # fmt: skip
    completed = subprocess.run(
        command, cwd=workspace, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS, check=False
    )
    try:
        report: dict[str, Any] = json.loads(completed.stdout)
        return completed, report
    except json.JSONDecodeError:
        pass
    pytest.fail(
        f"heapscope run exited {completed.returncode} without a JSON report on stdout.\n"
        f"stdout: {completed.stdout[:2000]!r}\nstderr: {completed.stderr[-2000:]}",
        pytrace=False,
    )


def summary(findings: list[dict[str, Any]]) -> str:
    """The findings as a reader would skim them, for failure messages."""
    lines = []
    for finding in findings:
        location = finding.get("location") or {}
        where = f"{location.get('path')}:{location.get('line')}" if location else "no location"
        lines.append(f"  [{finding['severity']}] {finding['kind']} at {where}: {finding['message']}")
    return "\n".join(lines) or "  (no findings)"


def serious(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [finding for finding in findings if finding["severity"] in ("error", "warning")]


@pytest.mark.timeout(RUN_TIMEOUT_SECONDS + 60)
@pytest.mark.parametrize(
    ("program", "track"),
    CASES,
    ids=[program.name + ("" if track else "/no-tracking") for program, track in CASES],
)
def test_heapscope_run_on_corpus_program(
    program: Program, track: bool, corpus_ready: None, tmp_path: Path
) -> None:
    completed, report = run_heapscope(program, tmp_path, track=track)
    findings: list[dict[str, Any]] = report["findings"]
    if track:
        TOP_FINDINGS.setdefault(program.name, []).append(top_of(findings))
    assert report["version"] == 1
    context = f"{program.name}: heapscope reported\n{summary(findings)}\nstderr: {completed.stderr[-1500:]}"

    if not program.markers:
        assert completed.returncode == 0, context
        assert serious(findings) == [], context
        return

    assert completed.returncode == 1, context
    assert "No leak found" not in completed.stdout, context
    assert findings, context
    top = findings[0]
    assert top["severity"] in ("error", "warning"), context
    assert any(matches(top, marker) for marker in program.markers), (
        f"expected the top finding at one of {', '.join(map(str, program.markers))}\n{context}"
    )
    for marker in program.markers:
        found = [finding for finding in serious(findings) if matches(finding, marker)]
        assert len(found) == 1, f"expected one finding at {marker}\n{context}"
    expected = program.expected
    assert expected is not None
    if expected.kind == "third-party":
        assert program.grows_in is not None and program.grows_in.line(), f"{program.name}: no GROWS IN line"
        parts = program.grows_in.path.relative_to(NODE_MODULES).parts
        package_dir = Path(*parts[: 2 if parts[0].startswith("@") else 1])
        manifest = json.loads((NODE_MODULES / package_dir / "package.json").read_text())
        named = f"{manifest['name']}@{manifest['version']}"
        assert named in top["message"], f"the message should name the package {named}\n{context}"
        assert top["details"]["package_version"] == manifest["version"], context
        inside = top.get("allocation_site") or {}
        assert Path(inside.get("path", "")) == program.grows_in.path, (
            f"expected {program.grows_in}\n{context}"
        )
        assert inside.get("line") == program.grows_in.line(), f"expected {program.grows_in}\n{context}"


# (kind, name, path, line) of the top finding of each program's tracked run in this session.
TOP_FINDINGS: dict[str, list[tuple[str, str, str, int]]] = {}


def matches(finding: dict[str, Any], marker: Marker) -> bool:
    """The finding names the marker's kind, file and line."""
    location = finding.get("location") or {}
    return (
        finding["kind"] == marker.kind
        and Path(location.get("path") or "") == marker.path
        and location.get("line") == marker.line
    )


def top_of(findings: list[dict[str, Any]]) -> tuple[str, str, str, int]:
    """What a user compares between two runs: the kind, the holder's name, file and line."""
    top = findings[0] if findings else {"kind": "none", "location": None}
    location = top.get("location") or {}
    name = str((top.get("details") or {}).get("name") or "")
    return str(top["kind"]), name, str(location.get("path")), int(location.get("line") or 0)


# The programs whose findings depend most on which retainer path is chosen: an emitter also
# reachable from a queued warning, a timer whose callback closes over its owner (a cycle
# through Node's timer list), and a package timer that keeps its owner alive.
PATH_SENSITIVE = ("event-listener", "peer-heartbeat", "cache-per-upload")
REPEATS = 5


@pytest.mark.timeout(REPEATS * (RUN_TIMEOUT_SECONDS + 60))
@pytest.mark.parametrize("name", PATH_SENSITIVE)
def test_path_sensitive_programs_give_the_same_finding_every_run(
    name: str, corpus_ready: None, tmp_path: Path
) -> None:
    """Five runs name one kind, holder name, file and line, the marker's (the corpus test's run
    of the program, when it ran in this session, counts as the first)."""
    program = next(p for p in PROGRAMS if p.name == name)
    expected = program.expected
    assert expected is not None
    tops = TOP_FINDINGS.get(name, [])[:1]
    for run in range(len(tops), REPEATS):
        workspace = tmp_path / f"run{run}"
        workspace.mkdir()
        _, report = run_heapscope(program, workspace)
        tops.append(top_of(report["findings"]))
    kind, _, path, line = tops[0]
    assert (kind, path, line) == (expected.kind, str(expected.path), expected.line), tops
    assert tops == [tops[0]] * REPEATS, tops


def test_every_kind_has_a_leaking_program() -> None:
    kinds = {marker.kind for program in PROGRAMS for marker in program.markers}
    assert kinds == {"event-listener", "closure", "collection", "timer", "global", "queue", "third-party"}


def test_corpus_has_fixed_twins_noise_esm_and_typescript() -> None:
    assert len([p for p in PROGRAMS if p.name.endswith("/fixed")]) >= 4
    assert [p for p in PROGRAMS if p.name.startswith("noise-")]
    assert [p for p in PROGRAMS if p.entry.suffix == ".mjs" and p.expected]
    typescript = [p for p in PROGRAMS if p.typescript_project and p.expected]
    assert typescript
    assert all(p.expected and p.expected.path.suffix == ".ts" for p in typescript)

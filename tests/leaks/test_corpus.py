"""Heapscope against real leaking Node services: the top finding must name the right kind, file
and line; fixed twins and noise programs must come out clean.

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

from .corpus import NODE_MODULES, Program, discover

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
    assert report["version"] == 1
    context = f"{program.name}: heapscope reported\n{summary(findings)}\nstderr: {completed.stderr[-1500:]}"

    if program.expected is None:
        assert completed.returncode == 0, context
        assert serious(findings) == [], context
        return

    expected = program.expected
    assert completed.returncode == 1, context
    assert findings, context
    top = findings[0]
    assert top["severity"] in ("error", "warning"), context
    assert top["kind"] == expected.kind, f"expected {expected}\n{context}"
    assert top["location"] is not None, f"expected {expected}\n{context}"
    assert Path(top["location"]["path"]) == expected.path, f"expected {expected}\n{context}"
    assert top["location"]["line"] == expected.line, f"expected {expected}\n{context}"
    if expected.kind == "third-party":
        assert program.grows_in is not None and program.grows_in.line(), f"{program.name}: no GROWS IN line"
        parts = program.grows_in.path.relative_to(NODE_MODULES).parts
        package_dir = Path(*parts[: 2 if parts[0].startswith("@") else 1])
        manifest = json.loads((NODE_MODULES / package_dir / "package.json").read_text())
        named = f"{manifest['name']}@{manifest['version']}"
        assert named in top["message"], f"the message should name the package {named}\n{context}"
        inside = top.get("allocation_site") or {}
        assert Path(inside.get("path", "")) == program.grows_in.path, (
            f"expected {program.grows_in}\n{context}"
        )
        assert inside.get("line") == program.grows_in.line(), f"expected {program.grows_in}\n{context}"


def test_every_kind_has_a_leaking_program() -> None:
    kinds = {program.expected.kind for program in PROGRAMS if program.expected}
    assert kinds == {"event-listener", "closure", "collection", "timer", "global", "queue", "third-party"}


def test_corpus_has_fixed_twins_noise_esm_and_typescript() -> None:
    assert len([p for p in PROGRAMS if p.name.endswith("/fixed")]) >= 4
    assert [p for p in PROGRAMS if p.name.startswith("noise-")]
    assert [p for p in PROGRAMS if p.entry.suffix == ".mjs" and p.expected]
    typescript = [p for p in PROGRAMS if p.typescript_project and p.expected]
    assert typescript
    assert all(p.expected and p.expected.path.suffix == ".ts" for p in typescript)

"""`make demo`: Heapscope finds the user guide's listener leak, and finds nothing once it is fixed.

Runs ``heapscope run`` on examples/leaky-emitter.js and examples/fixed-emitter.js, prints what it
found with file:line, and exits 0 only when the leak is reported on the ``emitter.on('leak', ...)``
line of the leaky program and the fixed program gets a clean bill.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parent
LEAKY = EXAMPLES / "leaky-emitter.js"
FIXED = EXAMPLES / "fixed-emitter.js"
# Generous: the run itself waits for warm-up and three snapshots, then stops the program.
RUN_TIMEOUT_SECONDS = 300


def listener_line(program: Path) -> int:
    """The 1-based line of the ``emitter.on('leak', ...)`` call: where the finding must point."""
    for number, text in enumerate(program.read_text().splitlines(), start=1):
        if "emitter.on('leak'" in text:
            return number
    raise SystemExit(f"demo: no emitter.on('leak', ...) line in {program}")


def run_heapscope(program: Path) -> tuple[int, dict[str, Any] | None, str]:
    """Runs ``heapscope run --format json`` on ``program``; returns (exit code, report or None, stderr)."""
    with tempfile.TemporaryDirectory(prefix="heapscope-demo-") as scratch:
        report_path = Path(scratch) / "report.json"
        command = [
            sys.executable,
            "-m",
            "heapscope",
            "run",
            "--format",
            "json",
            "--output",
            str(report_path),
            "--",
            "node",
            str(program),
        ]
        print(f"$ heapscope run --format json -- node {program.relative_to(EXAMPLES.parent)}", flush=True)
        try:
            completed = subprocess.run(
                command, cwd=scratch, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired:
            return 2, None, f"heapscope run did not finish within {RUN_TIMEOUT_SECONDS} s"
        if not report_path.exists():
            return completed.returncode, None, completed.stderr.strip()
        return completed.returncode, json.loads(report_path.read_text()), completed.stderr.strip()


def describe(finding: dict[str, Any]) -> str:
    location = finding.get("location")
    where = f"{Path(location['path']).name}:{location['line']}" if location else "(no source line)"
    return f"  {finding['severity']:<11} {finding['kind']:<14} {where}  {finding['message']}"


def show(program: Path, exit_code: int, report: dict[str, Any] | None, stderr: str) -> list[dict[str, Any]]:
    if report is None:
        print(f"  heapscope exited with {exit_code} and wrote no report: {stderr or 'no message'}")
        return []
    findings: list[dict[str, Any]] = report.get("findings", [])
    if not findings:
        print("  no findings")
    for finding in findings:
        print(describe(finding))
        if finding.get("fix_hint"):
            print(f"  {'':<11} fix: {finding['fix_hint']}")
    print(f"  exit code {exit_code}")
    return findings


def main() -> int:
    expected_line = listener_line(LEAKY)

    leaky_code, leaky_report, leaky_err = run_heapscope(LEAKY)
    leaky_findings = show(LEAKY, leaky_code, leaky_report, leaky_err)
    top = leaky_findings[0] if leaky_findings else None
    top_location = (top or {}).get("location") or {}
    leak_found = (
        leaky_code == 1
        and top is not None
        and top["kind"] == "event-listener"
        and Path(top_location.get("path", "")) == LEAKY
        and top_location.get("line") == expected_line
    )

    fixed_code, fixed_report, fixed_err = run_heapscope(FIXED)
    fixed_findings = show(FIXED, fixed_code, fixed_report, fixed_err)
    fixed_clean = (
        fixed_code == 0
        and fixed_report is not None
        and not [f for f in fixed_findings if f["severity"] in ("error", "warning")]
    )

    verdicts = [
        f"leak found at {LEAKY.name}:{expected_line}"
        if leak_found
        else f"MISSED the leak at {LEAKY.name}:{expected_line}",
        f"no leak in {FIXED.name}" if fixed_clean else f"UNEXPECTED leak report for {FIXED.name}",
    ]
    print("; ".join(verdicts))
    return 0 if leak_found and fixed_clean else 1


if __name__ == "__main__":
    sys.exit(main())

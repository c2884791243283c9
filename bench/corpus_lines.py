"""How many leaking corpus programs get their top finding on the exact marked line.

Runs ``python -m heapscope run --format json`` on every leaking program of tests/leaks (the
``// LEAK: <kind>`` marker is the expected kind and line), once with allocation tracking on and
once with ``--no-track-allocations``, and prints one row per program and the totals. Needs the
corpus installed (``npm ci --prefix tests/leaks``; the TypeScript program compiled, as ``make
pytest`` does). ``--programs a,b`` limits the run; ``--json`` writes the rows for comparisons.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.leaks.corpus import Program, discover  # noqa: E402


def run_once(program: Program, track: bool) -> dict[str, Any]:
    """The top finding's kind, file and line, and whether they match the marker."""
    command = [
        sys.executable, "-m", "heapscope", "run", "--quiet",
        "--warmup", "1.5", "--interval", "2.5", "--format", "json",
        "--track-allocations" if track else "--no-track-allocations",
        "--", "node", str(program.entry),
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as workspace:
        completed = subprocess.run(
            command, cwd=workspace, capture_output=True, text=True, timeout=240, check=False
        )
    try:
        findings = json.loads(completed.stdout)["findings"]
    except (json.JSONDecodeError, KeyError):
        return {"program": program.name, "track": track, "exact": False, "got": "no report"}
    expected = program.expected
    assert expected is not None
    top = findings[0] if findings else None
    location = (top or {}).get("location") or {}
    got = f"{(top or {}).get('kind')} {location.get('path')}:{location.get('line')}"
    exact = (
        top is not None
        and top["kind"] == expected.kind
        and location.get("path") == str(expected.path)
        and location.get("line") == expected.line
    )
    return {"program": program.name, "track": track, "exact": exact, "got": got, "want": str(expected)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--programs", help="comma-separated program names (default: every leaking one)")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    wanted = set(args.programs.split(",")) if args.programs else None
    programs = [p for p in discover() if p.expected and (wanted is None or p.name in wanted)]
    rows = []
    for program in programs:
        for track in (True, False):
            row = run_once(program, track)
            rows.append(row)
            mark = "exact" if row["exact"] else "WRONG"
            mode = "tracking on " if track else "tracking off"
            print(f"{program.name:28} {mode} {mark}: {row['got']}", flush=True)
    for track in (True, False):
        hits = sum(1 for row in rows if row["track"] == track and row["exact"])
        print(f"tracking {'on' if track else 'off'}: {hits}/{len(programs)} exact lines")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()

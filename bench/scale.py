"""A 4 GB snapshot through ``heapscope find-leaks``, against two smaller ones of the same process.

    .venv/bin/python bench/scale.py [--final-gb 4] [--keep]

``bench/synthetic_heap.py`` writes the three files (Node would need tens of GB to write a
heap this size); ``heapscope find-leaks`` then runs on them in a fresh process and the
script reports its wall time and peak RSS (wait4) against the 12 GB budget. The files
are deleted afterwards unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data" / "synth"
RESULTS = BENCH / "results"
RSS_BUDGET = 12e9


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--final-gb", type=float, default=4.0, help="size of the final snapshot (default 4)")
    parser.add_argument("--keep", action="store_true", help="keep the snapshots in bench/data/synth/")
    args = parser.parse_args()
    paths = [DATA / f"synth-{number}.heapsnapshot" for number in (1, 2, 3)]
    if not all(path.exists() for path in paths):
        DATA.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(DATA).free
        if free < 2 * args.final_gb * 1e9:
            raise SystemExit(
                f"{free / 1e9:.0f} GB free under {DATA}; the snapshots need {1.5 * args.final_gb:.0f} GB"
            )
        print(f"writing a {args.final_gb:g} GB synthetic snapshot and two smaller ones ...", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, str(BENCH / "synthetic_heap.py"), str(DATA), str(args.final_gb)], check=True
        )
        print(f"  written in {time.perf_counter() - started:.0f} s", flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix="heapscope-scale-") as scratch:
            output = Path(scratch) / "report.json"
            argv = [sys.executable, "-m", "heapscope", "find-leaks", *map(str, paths), "--format", "json"]
            started = time.perf_counter()
            process = subprocess.Popen([*argv, "--output", str(output)], stderr=subprocess.PIPE)
            assert process.stderr is not None
            errors = process.stderr.read()
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
            code = os.waitstatus_to_exitcode(status)
            if code not in (0, 1):
                raise SystemExit(f"find-leaks failed ({code}): {errors.decode(errors='replace')[-1000:]}")
            findings = json.loads(output.read_text())["findings"]
        peak = usage.ru_maxrss * 1024
        sizes = ", ".join(f"{path.stat().st_size / 1e9:.2f}" for path in paths)
        lines = [
            "# find-leaks on a synthetic heap with a 4 GB final snapshot",
            "",
            f"snapshots of {sizes} GB; {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M')}",
            "",
            "| | wall | peak RSS |",
            "|---|---|---|",
            f"| `heapscope find-leaks s1 s2 s3` | {seconds:.1f} s | {peak / 1e9:.2f} GB |",
            "",
            f"- peak RSS {peak / 1e9:.2f} GB (budget <= {RSS_BUDGET / 1e9:.0f} GB): "
            f"{'met' if peak <= RSS_BUDGET else 'MISSED'}",
            f"- findings: {'; '.join(f['message'] for f in findings) or 'none'}",
            "",
        ]
        report = "\n".join(lines)
        print(report)
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "scale.md").write_text(report)
    finally:
        if not args.keep:
            for path in paths:
                path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()

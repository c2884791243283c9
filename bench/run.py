"""Benchmark Heapscope's snapshot engine against orjson and memlab on the same files.

    .venv/bin/python bench/run.py [--sizes 50,200,600] [--runs 3] [--no-memlab]

For each size it makes (once; kept in bench/data/) a snapshot of a realistic heap with
``bench/make_heap.js``, then measures, each in a fresh subprocess so that peak RSS
belongs to that one job: Heapscope's load; Heapscope's dominators +
retained sizes (timed after a load in the same process); ``orjson.loads`` of the whole
file (read included); and memlab's own parse and dominator/retained-size pass
(``bench/memlab_bench.js``). Runs are interleaved so background load hits every tool
alike; the table shows medians and the largest peak RSS, and is written to
bench/results/latest.md as well.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
RESULTS = BENCH / "results"
NODE_HEAP_MB = 16000  # memlab and the generator need far more than Node's default heap
NO_BROWSER = {"PUPPETEER_SKIP_DOWNLOAD": "1", "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD": "1"}

# The targets the engine is held to.
LOAD_VS_MEMLAB = 10.0
DOMINATORS_VS_MEMLAB = 10.0
LOAD_VS_ORJSON = 1.0
RSS_PER_FILE_BYTE = 2.0


# ---------------------------------------------------------------- workers (child side)


def _worker(kind: str, path: str) -> dict[str, Any]:
    """Runs in the measured subprocess; imports happen before the clock starts."""
    if kind == "orjson":
        import orjson

        started = time.perf_counter()
        document = orjson.loads(Path(path).read_bytes())
        seconds = time.perf_counter() - started
        header = document["snapshot"]
        return {"seconds": seconds, "nodes": header["node_count"], "edges": header["edge_count"]}

    from heapscope.snapshot import load_snapshot

    started = time.perf_counter()
    snapshot = load_snapshot(path)
    loaded = time.perf_counter()
    result: dict[str, Any] = {
        "seconds": loaded - started,
        "nodes": snapshot.node_count,
        "edges": snapshot.edge_count,
    }
    if kind == "heapscope-dominators":
        retained = snapshot.retained_sizes  # retainers, dominator tree, then sizes
        result["seconds"] = time.perf_counter() - loaded
        result["load_seconds"] = loaded - started
        result["root_retained"] = int(retained[0])
    return result


# ---------------------------------------------------------------- measuring (parent side)


@dataclass
class Sample:
    seconds: dict[str, float]
    peak_rss: int  # bytes
    info: dict[str, Any]


def measure(argv: list[str], env: dict[str, str] | None = None) -> Sample:
    """Run one child; its own peak RSS comes from wait4's rusage for exactly that child."""
    process = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
        cwd=BENCH,
    )
    assert process.stdout is not None and process.stderr is not None
    output = process.stdout.read()
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({process.returncode}): {errors.decode()[-2000:]}")
    lines = [line for line in output.decode().splitlines() if line.startswith("{")]
    info = json.loads(lines[-1])
    seconds = {key: float(value) for key, value in info.items() if key in ("seconds", "parse", "dominators")}
    return Sample(seconds=seconds, peak_rss=usage.ru_maxrss * 1024, info=info)


@dataclass
class Row:
    path: Path
    file_size: int
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def add(self, tool: str, sample: Sample) -> None:
        self.samples.setdefault(tool, []).append(sample)

    def median(self, tool: str, key: str = "seconds") -> float | None:
        samples = self.samples.get(tool)
        return statistics.median(s.seconds[key] for s in samples) if samples else None

    def rss(self, tool: str) -> int | None:
        samples = self.samples.get(tool)
        return max(s.peak_rss for s in samples) if samples else None

    def info(self, key: str) -> Any:
        for samples in self.samples.values():
            for sample in samples:
                if key in sample.info:
                    return sample.info[key]
        return None


def ensure_memlab() -> None:
    if (BENCH / "node_modules" / "@memlab" / "core").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not on PATH; it is needed to install memlab (or pass --no-memlab)")
    print("installing memlab into bench/node_modules (no browser download) ...", flush=True)
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"], cwd=BENCH, check=True, env={**os.environ, **NO_BROWSER}
    )


def ensure_snapshot(size_mb: int) -> Path:
    path = DATA / f"heap-{size_mb}mb.heapsnapshot"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"generating {path.name} ...", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [
            "node",
            f"--max-old-space-size={NODE_HEAP_MB}",
            str(BENCH / "make_heap.js"),
            str(path),
            str(size_mb),
        ],
        check=True,
    )
    print(f"  {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def bench_file(path: Path, runs: int, with_memlab: bool) -> Row:
    row = Row(path=path, file_size=path.stat().st_size)
    python = sys.executable
    me = str(Path(__file__).resolve())
    jobs: list[tuple[str, list[str], dict[str, str] | None]] = [
        ("heapscope-load", [python, me, "--worker", "heapscope-load", str(path)], None),
        ("heapscope-dominators", [python, me, "--worker", "heapscope-dominators", str(path)], None),
        ("orjson", [python, me, "--worker", "orjson", str(path)], None),
    ]
    if with_memlab:
        memlab = ["node", f"--max-old-space-size={NODE_HEAP_MB}", str(BENCH / "memlab_bench.js"), str(path)]
        jobs.append(("memlab", memlab, NO_BROWSER))
    failed: set[str] = set()
    for run in range(runs):
        for tool, argv, env in jobs:
            if tool in failed:
                continue
            try:
                sample = measure(argv, env)
            except RuntimeError as error:  # e.g. the peer runs out of memory on a big file
                print(f"  {path.name} {tool} failed: {str(error)[-300:]}", flush=True)
                row.failures.append(tool)
                failed.add(tool)
                continue
            row.add(tool, sample)
            shown = ", ".join(f"{key} {value:.2f} s" for key, value in sample.seconds.items())
            print(
                f"  {path.name} run {run + 1}/{runs} {tool}: {shown}, "
                f"peak RSS {sample.peak_rss / 1e6:.0f} MB",
                flush=True,
            )
    return row


# ---------------------------------------------------------------- report


def ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or denominator is None or denominator <= 0:
        return "-"
    return f"{numerator / denominator:.1f}x"


def seconds_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def mb_text(value: int | None) -> str:
    return "-" if value is None else f"{value / 1e6:.0f}"


def table(rows: list[Row]) -> str:
    header = [
        "file MB",
        "nodes",
        "edges",
        "hs load s",
        "hs load RSS MB",
        "hs dom s",
        "hs dom RSS MB",
        "orjson s",
        "orjson RSS MB",
        "memlab parse s",
        "memlab dom s",
        "memlab RSS MB",
        "memlab/hs load",
        "orjson/hs load",
        "memlab/hs dom",
        "hs load RSS/file",
        "hs dom RSS/file",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        load = row.median("heapscope-load")
        dominators = row.median("heapscope-dominators")
        orjson_seconds = row.median("orjson")
        memlab_parse = row.median("memlab", "parse")
        memlab_dominators = row.median("memlab", "dominators")
        load_rss = row.rss("heapscope-load")
        dominators_rss = row.rss("heapscope-dominators")
        cells = [
            f"{row.file_size / 1e6:.0f}",
            f"{row.info('nodes'):,}",
            f"{row.info('edges'):,}",
            seconds_text(load),
            mb_text(load_rss),
            seconds_text(dominators),
            mb_text(dominators_rss),
            seconds_text(orjson_seconds),
            mb_text(row.rss("orjson")),
            seconds_text(memlab_parse),
            seconds_text(memlab_dominators),
            mb_text(row.rss("memlab")),
            ratio(memlab_parse, load),
            ratio(orjson_seconds, load),
            ratio(memlab_dominators, dominators),
            "-" if load_rss is None else f"{load_rss / row.file_size:.2f}",
            "-" if dominators_rss is None else f"{dominators_rss / row.file_size:.2f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdicts(rows: list[Row]) -> list[str]:
    found: list[str] = []
    for row in rows:
        name = f"{row.file_size / 1e6:.0f} MB"
        load = row.median("heapscope-load")
        dominators = row.median("heapscope-dominators")
        # (label, measured ratio, target, whether bigger is better)
        checks: list[tuple[str, float | None, float, bool]] = [
            ("load vs memlab parse", _over(row.median("memlab", "parse"), load), LOAD_VS_MEMLAB, True),
            ("load vs orjson.loads", _over(row.median("orjson"), load), LOAD_VS_ORJSON, True),
            (
                "dominators vs memlab",
                _over(row.median("memlab", "dominators"), dominators),
                DOMINATORS_VS_MEMLAB,
                True,
            ),
            (
                "load peak RSS / file size",
                _over(row.rss("heapscope-load"), row.file_size),
                RSS_PER_FILE_BYTE,
                False,
            ),
        ]
        for label, value, target, bigger_is_better in checks:
            if value is None:
                continue
            met = value >= target if bigger_is_better else value <= target
            wanted = f">= {target:g}x" if bigger_is_better else f"<= {target:g}x"
            found.append(f"- {name}: {label}: {value:.2f}x ({wanted}) {'met' if met else 'MISSED'}")
    return found


def _over(numerator: float | None, denominator: float | int | None) -> float | None:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def environment() -> str:
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"Node {node}, {time.strftime('%Y-%m-%d %H:%M')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="50,200,600", help="snapshot sizes in MB, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per tool and file (median is shown)")
    parser.add_argument("--no-memlab", action="store_true", help="skip the memlab peer")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_worker(args.worker[0], args.worker[1])))
        return
    sizes = [int(text) for text in args.sizes.split(",") if text.strip()]
    with_memlab = not args.no_memlab
    if with_memlab:
        ensure_memlab()
    paths = [ensure_snapshot(size) for size in sizes]
    rows = [bench_file(path, max(args.runs, 1), with_memlab) for path in paths]
    report = "\n".join(
        [
            "# Heapscope engine benchmark",
            "",
            environment(),
            f"Medians of {args.runs} runs; peak RSS is the largest of the runs. "
            "hs dom = dominator tree + retained sizes (snapshot.retained_sizes) after a load; "
            "memlab parse = utils.getSnapshotFromFile, memlab dom = calculateAllNodesRetainedSizes; "
            "orjson = read + orjson.loads of the whole file.",
            "",
            table(rows),
            "",
            "Targets:",
            *verdicts(rows),
            *[f"- {row.path.name}: {tool} failed" for row in rows for tool in row.failures],
            "",
        ]
    )
    print()
    print(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.md").write_text(report)


if __name__ == "__main__":
    main()

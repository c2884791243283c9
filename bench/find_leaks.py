"""The whole offline hunt on a real heap: ``heapscope find-leaks`` against ``memlab find-leaks``.

    .venv/bin/python bench/find_leaks.py [--runs 5] [--node PATH] [--trees 1]

The heap is a process holding the TypeScript compiler's syntax tree of typescript.js
itself (~1.9 M nodes, ~250 MB per snapshot) plus an event-listener leak, snapshotted
three times by ``bench/make_ts_heap.js`` (made once, kept in bench/data/ts/). It needs
Node 22 or newer to write: pass ``--node`` or let the script use the one ``make bench``
installs into .node22/. Each tool then runs on the same three files in a fresh process,
alternating, ``--runs`` times: wall time from start to exit and the child's own peak
RSS (wait4), medians of both. A last Heapscope run reports its time per phase.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DATA = BENCH / "data" / "ts"
RESULTS = BENCH / "results"
NODE_HEAP_MB = 16000
NO_BROWSER = {"PUPPETEER_SKIP_DOWNLOAD": "1", "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD": "1"}
SPEED_TARGET = 10.0  # memlab wall / Heapscope wall
RSS_TARGET = 1.0  # Heapscope peak RSS / memlab peak RSS


@dataclass
class Sample:
    seconds: float
    peak_rss: int
    exit_code: int


def run_child(
    argv: list[str], *, ok_codes: tuple[int, ...] = (0,), env: dict[str, str] | None = None
) -> Sample:
    """Run one fresh process to its end; wall time and that child's own peak RSS."""
    started = time.perf_counter()
    process = subprocess.Popen(
        argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
        cwd=BENCH,
    )
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in ok_codes:
        raise RuntimeError(f"{' '.join(argv)} exited {code}: {errors.decode(errors='replace')[-1500:]}")
    return Sample(seconds=seconds, peak_rss=usage.ru_maxrss * 1024, exit_code=code)


def node_major(node: str) -> int:
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    return int(version.strip().lstrip("v").split(".")[0])


def find_node(given: str | None) -> str:
    """A Node 22+ binary: the one given, the one on PATH if new enough, or .node22's."""
    candidates = [given] if given else [shutil.which("node"), str(REPO / ".node22/node_modules/.bin/node")]
    for candidate in candidates:
        if candidate and Path(candidate).exists() and node_major(candidate) >= 22:
            return str(Path(candidate).resolve())  # the children run in bench/
    raise SystemExit(
        "Node 22 or newer is needed to write the TypeScript heap: run `make bench` "
        "(it installs one into .node22/) or pass --node"
    )


def ensure_npm_packages() -> None:
    if (BENCH / "node_modules/@memlab/cli").is_dir() and (BENCH / "node_modules/typescript").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not on PATH; it installs memlab and typescript into bench/node_modules")
    print("installing memlab and typescript into bench/node_modules (no browser download) ...", flush=True)
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"], cwd=BENCH, check=True, env={**os.environ, **NO_BROWSER}
    )


def ensure_snapshots(node: str, trees: int) -> list[Path]:
    paths = [DATA / f"ts-{number}.heapsnapshot" for number in (1, 2, 3)]
    if all(path.exists() for path in paths):
        return paths
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"writing the TypeScript heap three times with {node} ...", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [node, f"--max-old-space-size={NODE_HEAP_MB}", str(BENCH / "make_ts_heap.js"), str(DATA), str(trees)],
        check=True,
    )
    sizes = ", ".join(f"{path.stat().st_size / 1e6:.0f} MB" for path in paths)
    print(f"  {sizes} in {time.perf_counter() - started:.0f} s", flush=True)
    return paths


def phases(paths: list[Path]) -> dict[str, Any]:
    """One more Heapscope run in a fresh process, timed per phase from its progress events."""
    completed = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--phases-worker", *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
        cwd=BENCH,
    )
    result: dict[str, Any] = json.loads(completed.stdout.splitlines()[-1])
    return result


def phases_worker(paths: list[str]) -> None:
    import resource

    from heapscope.analysis import analyze_snapshots
    from heapscope.progress import Progress

    rows: list[tuple[str, float, int]] = []
    started = time.perf_counter()
    state = {"name": "start", "at": started}

    def phase_ends(name: str) -> None:
        now = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        rows.append((str(state["name"]), now - float(state["at"]), peak))
        state.update(name=name, at=now)

    def progress(event: Progress) -> None:
        if event.phase.value != state["name"]:
            phase_ends(event.phase.value)

    analyze_snapshots(paths, progress=progress)
    phase_ends("end")
    print(json.dumps({"total": time.perf_counter() - started, "phases": rows[1:]}))


def compile_heapscope() -> None:
    """Byte-compile the heapscope package once, before the timed runs, as installing a wheel does.

    An editable install (make install) leaves that to the first run, which writes the
    __pycache__ files, unless PYTHONDONTWRITEBYTECODE is set: then every timed run would
    compile the package's modules again from source (0.07 s of CPU on the TypeScript
    triple, most of it before the first snapshot byte is parsed), which no installed copy does.
    """
    import compileall

    import heapscope

    compileall.compile_dir(Path(heapscope.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per tool (medians are shown)")
    parser.add_argument("--node", help="a Node 22+ binary to write the snapshots with (and run memlab)")
    parser.add_argument("--trees", type=int, default=1, help="TypeScript trees the heap holds (default 1)")
    parser.add_argument("--phases-worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phases_worker:
        phases_worker(args.phases_worker)
        return
    node = find_node(args.node)
    ensure_npm_packages()
    paths = ensure_snapshots(node, args.trees)
    compile_heapscope()
    memlab = str(BENCH / "node_modules/@memlab/cli/bin/memlab.js")
    samples: dict[str, list[Sample]] = {"heapscope": [], "memlab": []}
    with tempfile.TemporaryDirectory(prefix="heapscope-bench-") as scratch:
        heapscope_argv = [
            sys.executable, "-m", "heapscope", "find-leaks", *map(str, paths),
            "--format", "json", "--output", str(Path(scratch) / "report.json"),
        ]  # fmt: skip
        memlab_argv = [
            node, f"--max-old-space-size={NODE_HEAP_MB}", memlab, "find-leaks",
            "--baseline", str(paths[0]), "--target", str(paths[1]), "--final", str(paths[2]),
            "--work-dir", str(Path(scratch) / "memlab"),
        ]  # fmt: skip
        for run in range(max(args.runs, 1)):
            for tool, argv, ok, env in (
                ("heapscope", heapscope_argv, (0, 1), None),  # 1: a leak was found
                ("memlab", memlab_argv, (0,), NO_BROWSER),
            ):
                sample = run_child(argv, ok_codes=ok, env=env)
                samples[tool].append(sample)
                print(
                    f"  run {run + 1}/{args.runs} {tool}: {sample.seconds:.2f} s, "
                    f"peak RSS {sample.peak_rss / 1e6:.0f} MB",
                    flush=True,
                )
        findings = json.loads((Path(scratch) / "report.json").read_text())["findings"]
    breakdown = phases(paths)
    report = render(paths, samples, findings, breakdown, node, args.runs)
    print()
    print(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "find-leaks.md").write_text(report)


def render(
    paths: list[Path],
    samples: dict[str, list[Sample]],
    findings: list[dict[str, Any]],
    breakdown: dict[str, Any],
    node: str,
    runs: int,
) -> str:
    wall = {tool: statistics.median(s.seconds for s in got) for tool, got in samples.items()}
    rss = {tool: statistics.median(s.peak_rss for s in got) for tool, got in samples.items()}
    speed = wall["memlab"] / wall["heapscope"]
    memory = rss["heapscope"] / rss["memlab"]
    sizes = ", ".join(f"{path.stat().st_size / 1e6:.0f}" for path in paths)
    lines = [
        "# find-leaks on a real heap (TypeScript ASTs of typescript.js + a listener leak)",
        "",
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, memlab run on Node "
        f"{node_major(node)}, {time.strftime('%Y-%m-%d %H:%M')}; snapshots of {sizes} MB. "
        f"Medians of {runs} fresh-process runs per tool, alternating.",
        "",
        "| | wall (median) | peak RSS (median) |",
        "|---|---|---|",
        f"| `heapscope find-leaks s1 s2 s3` | {wall['heapscope']:.2f} s | {rss['heapscope'] / 1e9:.2f} GB |",
        f"| `memlab find-leaks --baseline s1 --target s2 --final s3` | {wall['memlab']:.2f} s "
        f"| {rss['memlab'] / 1e9:.2f} GB |",
        "",
        f"- Heapscope is {speed:.1f}x faster (target >= {SPEED_TARGET:g}x): "
        f"{'met' if speed >= SPEED_TARGET else 'MISSED'}",
        f"- Heapscope peak RSS is {memory:.2f}x memlab's (target <= {RSS_TARGET:g}x): "
        f"{'met' if memory <= RSS_TARGET else 'MISSED'}",
        f"- Heapscope's findings: {'; '.join(f['message'] for f in findings) or 'none'}",
        "",
        f"Heapscope per phase (one more run, {breakdown['total']:.2f} s in all):",
        "",
        "| phase | s | peak RSS so far |",
        "|---|---|---|",
        *(f"| {name} | {seconds:.2f} | {peak / 1e9:.2f} GB |" for name, seconds, peak in breakdown["phases"]),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

"""Does every leak-corpus program give the same top finding in every run, on every Node?

Runs ``python -m heapscope run --format json`` (the settings tests/leaks/test_corpus.py uses) on
every program of tests/leaks ``--runs`` times (default 5) with each ``--node`` given (default:
the ``node`` on PATH), several programs at once (``--jobs``: they mostly sleep between
snapshots), and prints one row per program and one column per Node: ``k/N`` runs whose top
finding matched the program's ``// LEAK:`` marker (for a clean program: runs without an error
or warning finding), then every distinct top finding seen as ``kind `name` file:line``.

Exits 1 when any program is unstable (more than one distinct top finding) or wrong (k < N),
so it can gate a change. Not part of ``make test``: the whole corpus five times on three Nodes
takes the better part of an hour on two cores. Needs the corpus's npm packages installed
(``npm ci --prefix tests/leaks``); compiles the TypeScript program when its build is missing.
``--programs a,b`` limits the run; ``--json`` writes every run's top finding for comparisons;
``--keep DIR`` keeps the snapshots of wrong runs to analyse again.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.leaks.corpus import CORPUS, NODE_MODULES, Marker, Program, discover  # noqa: E402

WARMUP_SECONDS = "1.5"
INTERVAL_SECONDS = "2.5"
RUN_TIMEOUT_SECONDS = 300
CLEAN = "clean"


@dataclass(frozen=True)
class Top:
    """The top serious finding of one run, as a user would compare two runs."""

    kind: str
    name: str
    path: str
    line: int

    def __str__(self) -> str:
        if self.kind in (CLEAN, "failed"):
            return self.name if self.kind == "failed" else CLEAN
        name = f" `{self.name}`" if self.name else ""
        where = _relative(self.path)
        return f"{self.kind}{name} {where}:{self.line}"

    def matches(self, marker: Marker) -> bool:
        return (self.kind, Path(self.path), self.line) == (marker.kind, marker.path, marker.line)


def _relative(path: str) -> str:
    try:
        return str(Path(path).relative_to(ROOT))
    except ValueError:
        return path


def run_once(program: Program, node: str, keep: Path | None = None) -> Top:
    command = [
        sys.executable, "-m", "heapscope", "run", "--quiet",
        "--warmup", WARMUP_SECONDS, "--interval", INTERVAL_SECONDS, "--format", "json",
        "--", node, str(program.entry),
    ]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="heapscope-stability-") as workspace:
        try:
            completed = subprocess.run(
                command,
                cwd=workspace,
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return Top("failed", f"timed out after {RUN_TIMEOUT_SECONDS} s", "", 0)
        top = top_of(completed)
        if keep is not None and not correct(program, top):
            # The snapshots and report of a wrong run, to analyse again (heapscope find-leaks).
            runs = sorted((Path(workspace) / ".heapscope" / "runs").glob("*"))
            if runs:
                target = keep / f"{program.name.replace('/', '-')}-{Path(node).parent.name}-{runs[-1].name}"
                shutil.move(str(runs[-1]), target)
                (target / "report.json").write_text(completed.stdout)
    return top


def top_of(completed: subprocess.CompletedProcess[str]) -> Top:
    try:
        findings: list[dict[str, Any]] = json.loads(completed.stdout)["findings"]
    except (json.JSONDecodeError, KeyError, TypeError):
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        return Top("failed", f"no report (exit {completed.returncode}: {last[:80]})", "", 0)
    serious = [finding for finding in findings if finding["severity"] in ("error", "warning")]
    if not serious:
        return Top(CLEAN, "", "", 0)
    top = serious[0]
    location = top.get("location") or {}
    name = str((top.get("details") or {}).get("name") or "")
    return Top(str(top["kind"]), name, str(location.get("path") or ""), int(location.get("line") or 0))


def correct(program: Program, top: Top) -> bool:
    if not program.markers:
        return top.kind == CLEAN
    return any(top.matches(marker) for marker in program.markers)


def prepare(programs: list[Program], node: str) -> None:
    """The corpus's packages must be installed; the TypeScript programs are compiled if needed."""
    if not (NODE_MODULES / ".package-lock.json").exists():
        sys.exit(f"the corpus's npm packages are missing: run npm ci --prefix {_relative(str(CORPUS))}")
    compiler = NODE_MODULES / "typescript" / "bin" / "tsc"
    for project in sorted({p.typescript_project for p in programs if p.typescript_project}):
        if not all(p.entry.exists() for p in programs if p.typescript_project == project):
            subprocess.run([node, str(compiler), "-p", str(project)], check=True)


def node_label(node: str) -> str:
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    return f"node {version}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--node", action="append", help="a node executable (repeatable; default: node on PATH)"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs of each program on each node (default 5)")
    parser.add_argument("--jobs", type=int, default=4, help="programs run at once (default 4)")
    parser.add_argument("--programs", help="comma-separated program names (default: every program)")
    parser.add_argument("--json", help="also write every run's top finding to this file")
    parser.add_argument("--keep", type=Path, help="move the snapshots of wrong runs into this directory")
    args = parser.parse_args()
    if args.runs < 1 or args.jobs < 1:
        parser.error("--runs and --jobs must be at least 1")
    nodes = [str(Path(shutil.which(node) or node).absolute()) for node in (args.node or ["node"])]
    wanted = set(args.programs.split(",")) if args.programs else None
    programs = [p for p in discover() if wanted is None or p.name in wanted]
    if wanted is not None and len(programs) != len(wanted):
        unknown = wanted - {p.name for p in programs}
        parser.error(f"no such corpus program: {', '.join(sorted(unknown))}")
    labels = [node_label(node) for node in nodes]
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    prepare(programs, nodes[0])

    jobs = [(program, node, run) for node in nodes for run in range(args.runs) for program in programs]
    tops: dict[tuple[str, str], list[Top]] = {}
    started = time.monotonic()

    def work(job: tuple[Program, str, int]) -> tuple[Program, str, Top]:
        program, node, _ = job
        return program, node, run_once(program, node, args.keep)

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(work, job) for job in jobs]
        for done, future in enumerate(as_completed(futures), start=1):
            program, node, top = future.result()
            tops.setdefault((program.name, node), []).append(top)
            mark = "ok" if correct(program, top) else "WRONG"
            print(
                f"[{done}/{len(jobs)} {time.monotonic() - started:5.0f}s] {labels[nodes.index(node)]} "
                f"{program.name}: {mark} {top}",
                file=sys.stderr,
                flush=True,
            )

    failed = False
    width = max(len(p.name) for p in programs) + 2
    print(f"{'program':{width}}" + "".join(f"{label:>15}" for label in labels) + "  top findings seen")
    for program in programs:
        cells = []
        seen: Counter[str] = Counter()
        for node in nodes:
            runs = tops[(program.name, node)]
            hits = sum(correct(program, top) for top in runs)
            cells.append(f"{hits}/{len(runs)}")
            seen.update(str(top) for top in runs)
            failed |= hits < len(runs) or len({top for top in runs}) > 1
        distinct = "; ".join(f"{text} ×{count}" if len(seen) > 1 else text for text, count in seen.items())
        print(f"{program.name:{width}}" + "".join(f"{cell:>15}" for cell in cells) + f"  {distinct}")
    print(
        f"{len(jobs)} runs in {time.monotonic() - started:.0f} s; "
        + ("UNSTABLE OR WRONG" if failed else "all stable")
    )
    if args.json:
        rows = [
            {"program": name, "node": labels[nodes.index(node)], "tops": [top.__dict__ for top in runs]}
            for (name, node), runs in tops.items()
        ]
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

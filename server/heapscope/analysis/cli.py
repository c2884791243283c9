"""``heapscope diff``, ``heapscope find-leaks`` and ``heapscope run``.

Exit codes: 0 no leak, 1 leak found, 2 error (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ..snapshot import SnapshotError, load_snapshot
from .analyze import AnalysisError, analyze_snapshots
from .diff import diff_snapshots, format_comparison
from .model import LeakReport
from .report import render
from .run import DEFAULT_INTERVAL, DEFAULT_WARMUP, RunError, RunOptions, run_program

FORMATS = ("text", "json", "sarif", "html")


def register(subparsers: Any) -> None:
    diff = subparsers.add_parser("diff", help="per-class comparison of two snapshots of one process")
    diff.add_argument("before", help="the earlier .heapsnapshot")
    diff.add_argument("after", help="the later .heapsnapshot")
    diff.add_argument("--top", type=int, default=30, help="how many classes to list (default 30)")
    diff.set_defaults(func=run_diff)

    find = subparsers.add_parser("find-leaks", help="find leaks in 2 or 3 snapshots of one process")
    find.add_argument("snapshots", nargs="+", metavar="SNAPSHOT", help="BASELINE TARGET [FINAL]")
    _output_options(find)
    find.set_defaults(func=run_find_leaks)

    run = subparsers.add_parser(
        "run",
        help="run a Node program, snapshot it three times and report what leaks",
        usage="heapscope run [options] -- node app.js [args]",
    )
    run.add_argument(
        "--interval",
        type=float,
        default=DEFAULT_INTERVAL,
        help=f"seconds between snapshots (default {DEFAULT_INTERVAL:g})",
    )
    run.add_argument(
        "--warmup",
        type=float,
        default=DEFAULT_WARMUP,
        help=f"seconds before the first snapshot (default {DEFAULT_WARMUP:g})",
    )
    run.add_argument(
        "--track-allocations",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="record allocation stacks after the warm-up to point at the inserting line (default on)",
    )
    run.add_argument(
        "--workspace", help="where .heapscope/ with the snapshots goes (default: current directory)"
    )
    run.add_argument("--quiet", action="store_true", help="do not echo the program's output or progress")
    _output_options(run)
    run.add_argument("program", nargs=argparse.REMAINDER, help="-- node app.js [args]")
    run.set_defaults(func=run_run)


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default text)")
    parser.add_argument("--output", "-o", help="write the report to this file instead of stdout")


def _fail(message: str) -> int:
    print(f"heapscope: {message}", file=sys.stderr)
    return 2


def _emit(report: LeakReport, args: argparse.Namespace) -> int:
    text = render(report, args.format)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            return _fail(f"cannot write {args.output}: {error.strerror}")
        print(f"heapscope: report written to {os.path.abspath(args.output)}", file=sys.stderr)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return 1 if report.has_leak else 0


def run_diff(args: argparse.Namespace) -> int:
    try:
        before = load_snapshot(args.before)
        after = load_snapshot(args.after)
    except SnapshotError as error:
        return _fail(str(error))
    deltas = diff_snapshots(before, after)
    print(f"{args.before} -> {args.after}")
    print(format_comparison(deltas, args.top))
    return 0


def run_find_leaks(args: argparse.Namespace) -> int:
    if len(args.snapshots) not in (2, 3):
        return _fail(
            f"find-leaks needs 2 or 3 snapshots (BASELINE TARGET [FINAL]), got {len(args.snapshots)}"
        )
    try:
        report = analyze_snapshots(args.snapshots)
    except (SnapshotError, AnalysisError) as error:
        return _fail(str(error))
    report.target = {"snapshots": [os.path.abspath(p) for p in args.snapshots]}
    return _emit(report, args)


def run_run(args: argparse.Namespace) -> int:
    program = list(args.program)
    if program and program[0] == "--":
        program = program[1:]
    if not program:
        return _fail("no program given: use heapscope run [options] -- node app.js [args]")

    def status(text: str) -> None:
        if not args.quiet:
            print(f"heapscope: {text}", file=sys.stderr, flush=True)

    options = RunOptions(
        interval=args.interval,
        warmup=args.warmup,
        track_allocations=args.track_allocations,
        workspace=args.workspace,
        program_output=None if args.quiet else sys.stderr,
        status=status,
    )
    try:
        report = run_program(program, options)
    except (RunError, SnapshotError, AnalysisError) as error:
        return _fail(str(error))
    return _emit(report, args)

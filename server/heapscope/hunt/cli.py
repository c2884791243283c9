"""``heapscope run`` and ``heapscope find-leaks``: the hunt from a terminal.

``find-leaks`` takes either two or three snapshot files or one live target (a ws:// URL,
HOST:PORT, a PID or a js-debug proxy address); the live form takes its three snapshots in
one inspector session, the only way their object ids can be matched. Exit codes, as for
every report: 0 no leak, 1 leak found, 2 error (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ..analysis import AnalysisError
from ..analysis.cli import emit, fail, find_leaks_in_files, output_options
from ..inspector import InspectorError, connect
from ..snapshot import SnapshotError
from .errors import RunError
from .live import find_leaks_live
from .program import RunOptions, run_program
from .three import DEFAULT_INTERVAL, DEFAULT_WARMUP, wait

TARGET_HELP = "a ws:// URL, HOST:PORT, the PID of a node process, or a js-debug CDP proxy address"


def register(subparsers: Any) -> None:
    find = subparsers.add_parser(
        "find-leaks",
        help="find leaks in a running node process, or in 2 or 3 snapshots of one process",
        usage="heapscope find-leaks [options] (TARGET | BASELINE TARGET [FINAL])",
    )
    find.add_argument(
        "sources",
        nargs="+",
        metavar="TARGET|SNAPSHOT",
        help=f"a live target ({TARGET_HELP}) or the snapshot files BASELINE TARGET [FINAL]",
    )
    _timing_options(find, warmup=0.0, tracking=False)
    find.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback inspector (it gives full control of that process)",
    )
    find.add_argument("--timeout", type=float, default=5.0, help="seconds to wait when attaching (default 5)")
    find.add_argument("--quiet", action="store_true", help="do not print progress")
    output_options(find)
    find.set_defaults(func=run_find_leaks)

    run = subparsers.add_parser(
        "run",
        help="run a Node program, snapshot it three times and report what leaks",
        usage="heapscope run [options] -- node app.js [args]",
    )
    _timing_options(run, warmup=DEFAULT_WARMUP, tracking=True)
    run.add_argument("--quiet", action="store_true", help="do not echo the program's output or progress")
    output_options(run)
    run.add_argument("program", nargs=argparse.REMAINDER, help="-- node app.js [args]")
    run.set_defaults(func=run_run)


def _timing_options(parser: argparse.ArgumentParser, *, warmup: float, tracking: bool) -> None:
    parser.add_argument(
        "--interval",
        type=float,
        default=DEFAULT_INTERVAL,
        help=f"seconds between snapshots (default {DEFAULT_INTERVAL:g})",
    )
    parser.add_argument(
        "--warmup", type=float, default=warmup, help=f"seconds before the first snapshot (default {warmup:g})"
    )
    parser.add_argument(
        "--track-allocations",
        action=argparse.BooleanOptionalAction,
        default=tracking,
        help="record allocation stacks from the baseline on to point at the inserting line "
        f"(default {'on' if tracking else 'off'}; switched off again afterwards)",
    )
    parser.add_argument(
        "--workspace", help="where .heapscope/ with the snapshots goes (default: current directory)"
    )


def _status_printer(args: argparse.Namespace) -> Any:
    def status(text: str) -> None:
        if not args.quiet:
            print(f"heapscope: {text}", file=sys.stderr, flush=True)

    return status


def is_live_target(sources: list[str]) -> bool:
    """One argument that is not a snapshot file names a running process."""
    only = sources[0] if len(sources) == 1 else ""
    return bool(only) and not only.endswith(".heapsnapshot") and not os.path.isfile(only)


def run_find_leaks(args: argparse.Namespace) -> int:
    if not is_live_target(args.sources):
        return find_leaks_in_files(list(args.sources), args)
    if args.interval <= 0 or args.warmup < 0:
        return fail("--interval must be positive and --warmup not negative")
    status = _status_printer(args)
    try:
        session = connect(args.sources[0], allow_remote=args.allow_remote, timeout=args.timeout)
    except InspectorError as error:
        return fail(str(error))
    last: list[str] = []

    def progress(text: str, _fraction: float) -> None:
        if text.startswith("taking the "):
            status(text)
        elif not last:
            status("analysing")
        last[:] = [text]

    try:
        described = session.target_info.get("pid")
        status(f"attached to {args.sources[0]}" + (f" (pid {described})" if described else ""))
        if args.warmup > 0:
            status(f"warming up for {args.warmup:g} s")
            wait(args.warmup, what="during the warm-up")
        report = find_leaks_live(
            session,
            interval=args.interval,
            workspace=args.workspace,
            track_allocations=args.track_allocations,
            progress=progress,
        )
    except (RunError, InspectorError, SnapshotError, AnalysisError) as error:
        return fail(str(error))
    finally:
        session.close()
    return emit(report, args)


def run_run(args: argparse.Namespace) -> int:
    program = list(args.program)
    if program and program[0] == "--":
        program = program[1:]
    if not program:
        return fail("no program given: use heapscope run [options] -- node app.js [args]")
    options = RunOptions(
        interval=args.interval,
        warmup=args.warmup,
        track_allocations=args.track_allocations,
        workspace=args.workspace,
        program_output=None if args.quiet else sys.stderr,
        status=_status_printer(args),
    )
    try:
        report = run_program(program, options)
    except (RunError, SnapshotError, AnalysisError) as error:
        return fail(str(error))
    return emit(report, args)

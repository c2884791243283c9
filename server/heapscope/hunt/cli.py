"""``run``, ``find-leaks``, ``monitor`` and ``verify``: the hunt from a terminal.

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

import orjson

from .. import limits
from ..analysis import AnalysisError, LeakReport
from ..analysis.cli import emit, fail, find_leaks_in_files, output_options
from ..inspector.cli import add_common, format_sample
from ..inspector.errors import InspectorError
from ..output import print_json
from ..progress import HUNT_PHASES, Phase, ProgressCallback, announce
from ..snapshot import SnapshotError
from ..units import format_bytes
from .defaults import DEFAULT_INTERVAL, DEFAULT_KEEP, DEFAULT_WARMUP, ON_LEAK_ACTIONS, RUNS_KEPT
from .errors import RunError

# The live commands import the inspector, the hunt and their dependencies (websocket,
# psutil, http.client) inside their functions: find-leaks on snapshot files needs none of it.

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
    add_common(find)
    find.add_argument("--quiet", action="store_true", help="do not print progress")
    output_options(find)
    find.set_defaults(func=run_find_leaks)

    run = subparsers.add_parser(
        "run",
        help="run a Node program, snapshot it three times and report what leaks",
        usage="heapscope run [options] -- node app.js [args]",
    )
    _timing_options(run, warmup=DEFAULT_WARMUP, tracking=True)
    run.add_argument(
        "--keep",
        type=limits.whole(limits.COUNT),
        default=RUNS_KEPT,
        metavar="N",
        help=f"runs to keep under .heapscope/runs, the newest first; older ones are deleted "
        f"(default {RUNS_KEPT})",
    )
    run.add_argument("--quiet", action="store_true", help="do not echo the program's output or progress")
    output_options(run)
    run.add_argument("program", nargs=argparse.REMAINDER, help="-- node app.js [args]")
    run.set_defaults(func=run_run)

    monitor = subparsers.add_parser(
        "monitor",
        help="watch a live node process's memory; optionally capture snapshots and hunt when it leaks",
        usage="heapscope monitor [options] (TARGET | -- node app.js [args])",
        description="Watch a live node process's memory. --format json prints one JSON object per "
        "sample and line (JSON Lines), then the report of --on-leak, if any, in JSON.",
    )
    monitor.add_argument(
        "target", nargs="*", metavar="TARGET", help=f"{TARGET_HELP}; or -- node app.js to start one"
    )
    monitor.add_argument(
        "--interval",
        type=limits.seconds(limits.INTERVAL),
        default=2.0,
        help="seconds between samples (default 2)",
    )
    monitor.add_argument(
        "--count",
        type=limits.whole(limits.COUNT),
        default=0,
        help="stop after this many samples (default: never)",
    )
    monitor.add_argument(
        "--snapshot-every",
        type=limits.seconds(limits.INTERVAL),
        metavar="SECONDS",
        help="take a snapshot every SECONDS (default never)",
    )
    monitor.add_argument(
        "--keep",
        type=limits.whole(limits.COUNT),
        default=DEFAULT_KEEP,
        help=f"periodic snapshots to keep (default {DEFAULT_KEEP})",
    )
    monitor.add_argument(
        "--on-leak",
        choices=ON_LEAK_ACTIONS,
        help="when a leak is suspected, hunt with three snapshots and print the report, then stop",
    )
    monitor.add_argument(
        "--hunt-interval",
        type=limits.seconds(limits.INTERVAL),
        default=DEFAULT_INTERVAL,
        help=f"seconds between the hunt's snapshots (default {DEFAULT_INTERVAL:g})",
    )
    monitor.add_argument(
        "--heapsnapshot-near-heap-limit",
        type=limits.whole(limits.COUNT),
        metavar="N",
        help="for a program started here: node writes up to N snapshots as its heap nears the limit",
    )
    monitor.add_argument(
        "--workspace", help="where .heapscope/ with the snapshots goes (default: current directory)"
    )
    add_common(monitor)
    output_options(monitor)
    monitor.set_defaults(func=run_monitor)

    verify = subparsers.add_parser(
        "verify",
        help="hunt again and say, for each leak of an earlier JSON report, whether it is fixed",
        usage="heapscope verify [options] REPORT.json [TARGET | -- node app.js [args]]",
    )
    verify.add_argument("report", metavar="REPORT.json", help="a report of run or find-leaks (--format json)")
    verify.add_argument(
        "target",
        nargs="*",
        metavar="TARGET",
        help=f"{TARGET_HELP}; or -- node app.js (default: the program the report's run started)",
    )
    verify.add_argument(
        "--interval",
        type=limits.seconds(limits.INTERVAL),
        help="seconds between snapshots (default: the report's)",
    )
    verify.add_argument(
        "--warmup",
        type=limits.seconds(limits.WARMUP),
        help="seconds before the first snapshot (default: the report's)",
    )
    verify.add_argument(
        "--workspace", help="where .heapscope/ with the snapshots goes (default: current directory)"
    )
    verify.add_argument("--quiet", action="store_true", help="do not echo the program's output or progress")
    verify.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    add_common(verify)
    verify.set_defaults(func=run_verify)

    clean_parser = subparsers.add_parser(
        "clean", help="delete the snapshots kept under .heapscope/runs (and, with --snapshots, single ones)"
    )
    clean_parser.add_argument(
        "--keep",
        type=limits.whole(limits.COUNT),
        default=0,
        metavar="N",
        help="keep the newest N runs (default 0: none)",
    )
    clean_parser.add_argument(
        "--snapshots", action="store_true", help="also delete the snapshots under .heapscope/snapshots"
    )
    clean_parser.add_argument(
        "--workspace", default=".", help="where .heapscope/ lives (default: current directory)"
    )
    clean_parser.set_defaults(func=run_clean)


def _timing_options(parser: argparse.ArgumentParser, *, warmup: float, tracking: bool) -> None:
    parser.add_argument(
        "--interval",
        type=limits.seconds(limits.INTERVAL),
        default=DEFAULT_INTERVAL,
        help=f"seconds between snapshots (default {DEFAULT_INTERVAL:g})",
    )
    parser.add_argument(
        "--warmup",
        type=limits.seconds(limits.WARMUP),
        default=warmup,
        help=f"seconds before the first snapshot (default {warmup:g})",
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
        if not getattr(args, "quiet", False):
            print(f"heapscope: {text}", file=sys.stderr, flush=True)

    return status


# On a terminal the analysis is one step; the hunt's own steps are each a line.
_ANALYSING = {phase: "analysing" for phase in Phase if phase not in HUNT_PHASES}


def _progress_printer(args: argparse.Namespace) -> ProgressCallback:
    return announce(_status_printer(args), summary=_ANALYSING)


def is_live_target(sources: list[str]) -> bool:
    """One argument that is not a snapshot file names a running process."""
    only = sources[0] if len(sources) == 1 else ""
    return bool(only) and not only.endswith(".heapsnapshot") and not os.path.isfile(only)


def run_find_leaks(args: argparse.Namespace) -> int:
    if not is_live_target(args.sources):
        return find_leaks_in_files(list(args.sources), args)
    from ..inspector import connect
    from .live import find_leaks_live
    from .three import wait

    status = _status_printer(args)
    try:
        session = connect(args.sources[0], allow_remote=args.allow_remote, timeout=args.timeout)
    except InspectorError as error:
        return fail(str(error))
    try:
        described = session.target_info.get("pid")
        status(f"attached to {args.sources[0]}" + (f" (pid {described})" if described else ""))
        progress = _progress_printer(args)
        if args.warmup > 0:
            message = f"warming up for {args.warmup:g} s"
            wait(
                args.warmup, what="during the warm-up", progress=progress, phase=Phase.WARMUP, message=message
            )
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
    from .program import RunOptions, run_program
    from .runs import prune_runs

    program = list(args.program)
    if program and program[0] == "--":
        program = program[1:]
    if not program:
        return fail("no program given: use heapscope run [options] -- node app.js [args]")
    if args.keep < 1:
        return fail(f"--keep must be at least 1 (the run being made), got {args.keep}")
    options = RunOptions(
        interval=args.interval,
        warmup=args.warmup,
        track_allocations=args.track_allocations,
        workspace=args.workspace,
        program_output=None if args.quiet else sys.stderr,
        progress=_progress_printer(args),
    )
    try:
        report = run_program(program, options)
    except (RunError, SnapshotError, AnalysisError) as error:
        return fail(str(error))
    finally:
        removed = prune_runs(args.workspace or os.getcwd(), args.keep)
        if removed.runs:
            _status_printer(args)(
                f"deleted {removed.runs} older run{'s' if removed.runs > 1 else ''} "
                f"({format_bytes(removed.bytes)}); --keep {args.keep}"
            )
    return emit(report, args)


def run_monitor(args: argparse.Namespace) -> int:
    """Samples until Ctrl+C, ``--count`` or a hunt's report; exit 1 if a leak was suspected."""
    from ..inspector import MemoryMonitor, connect, launch_node
    from .watch import Capture, CaptureOptions, near_heap_limit_env

    sources = list(args.target)
    if sources[:1] == ["--"]:
        sources = sources[1:]
    options = CaptureOptions(
        snapshot_every=args.snapshot_every,
        keep=args.keep,
        on_leak=args.on_leak,
        hunt_interval=args.hunt_interval,
        workspace=args.workspace,
    )
    try:
        options.check()
    except ValueError as error:
        return fail(str(error))
    near_limit = args.heapsnapshot_near_heap_limit
    if near_limit is not None and near_limit < 1:
        return fail(f"--heapsnapshot-near-heap-limit must be at least 1, not {near_limit}")
    if not sources:
        return fail(
            "no target given: heapscope monitor TARGET, or heapscope monitor [options] -- node app.js"
        )
    if len(sources) == 1 and near_limit is not None:
        return fail(
            "--heapsnapshot-near-heap-limit works on a program Heapscope starts: "
            "heapscope monitor --heapsnapshot-near-heap-limit N -- node app.js"
        )
    status = _status_printer(args)
    # A report in a machine format on stdout must not be mixed with the sample lines.
    lines = sys.stderr if args.on_leak and args.format != "text" and not args.output else sys.stdout
    node = None
    try:
        if len(sources) > 1:
            environment = near_heap_limit_env(near_limit, args.workspace) if near_limit else None
            node = launch_node(sources, env=environment, echo_stderr=sys.stderr)
        session = connect(
            node.ws_url or "" if node else sources[0], allow_remote=args.allow_remote, timeout=args.timeout
        )
    except InspectorError as error:
        if node is not None:
            node.stop()
        return fail(str(error))
    pid = session.target_info.get("pid", "?")
    # --format json: one JSON object per sample and line (JSON Lines); the greeting then goes
    # to stderr so the sample stream holds nothing else.
    as_json = args.format == "json"
    greeting = f"monitoring process {pid} ({session.target.description}); Ctrl+C to stop"
    print(greeting, file=sys.stderr if as_json else lines, flush=True)
    monitor = MemoryMonitor(session, args.interval)
    suspected = limit_reached = False
    report = None
    taken = 0
    try:
        capture = Capture(session, options, status=status)
        monitor.start()
        for sample in monitor.stream():
            if as_json:
                print_json(
                    {"pid": session.target_info.get("pid"), **sample.to_json()}, one_line=True, file=lines
                )
            else:
                print(format_sample(sample), file=lines, flush=True)
            suspected = suspected or sample.leak_suspected
            for path in capture.heap_limit_snapshots():
                limit_reached = True
                status(f"the heap neared its limit; node wrote {path}")
            report = capture.on_sample(sample)
            taken += 1
            if report is not None or (args.count and taken >= args.count):
                break
    except (InspectorError, RunError) as error:
        return fail(str(error))
    except KeyboardInterrupt:
        pass
    finally:
        monitor.stop()
        session.close()
        if node is not None:
            node.stop()
    for path in capture.heap_limit_snapshots():
        limit_reached = True
        status(f"the heap neared its limit; node wrote {path}")
    if report is not None:
        emit(report, args)
    elif monitor.error is not None:
        print(f"heapscope: {monitor.error}", file=sys.stderr)
        if not (suspected or limit_reached):
            return 2
    return 1 if suspected or limit_reached else 0


def _read_report(path: str) -> dict[str, Any] | str:
    """The earlier report's JSON, or one sentence saying why it cannot be used."""
    try:
        with open(path, "rb") as handle:
            data = orjson.loads(handle.read())
    except OSError as error:
        return f"cannot read {path}: {error.strerror}"
    except orjson.JSONDecodeError:
        return f"{path} is not JSON; write the report with --format json"
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        return f"{path} is not a Heapscope JSON report (no findings list)"
    return data


def run_verify(args: argparse.Namespace) -> int:
    """Exit 0 only when every earlier leak is gone and nothing new appeared; 1 otherwise; 2 on errors."""
    from .program import RunOptions, run_program
    from .verify import to_text as verification_text
    from .verify import verify_report

    before = _read_report(args.report)
    if isinstance(before, str):
        return fail(before)
    earlier = before.get("target") if isinstance(before.get("target"), dict) else {}
    assert isinstance(earlier, dict)
    sources = list(args.target)
    if sources[:1] == ["--"]:
        sources = sources[1:]
    interval = (
        args.interval if args.interval is not None else float(earlier.get("interval") or DEFAULT_INTERVAL)
    )
    tracking = bool(earlier.get("allocation_tracking", False))
    try:
        if len(sources) == 1:
            report = _verify_live(sources[0], args, interval, tracking)
        else:
            # A run report's target is the program it started; a live report's has the inspector "kind".
            argv = sources or ([] if "kind" in earlier else [str(part) for part in earlier.get("argv") or []])
            if not argv:
                return fail(
                    f"{args.report} is a report of a live target: give the target again, "
                    f"heapscope verify {args.report} TARGET"
                )
            warmup = args.warmup if args.warmup is not None else float(earlier.get("warmup", DEFAULT_WARMUP))
            options = RunOptions(
                interval=interval,
                warmup=warmup,
                track_allocations=bool(earlier.get("allocation_tracking", True)),
                workspace=args.workspace,
                cwd=None if sources else earlier.get("cwd"),
                program_output=None if args.quiet else sys.stderr,
                progress=_progress_printer(args),
            )
            report = run_program(argv, options)
    except (RunError, InspectorError, SnapshotError, AnalysisError) as error:
        return fail(str(error))
    verification = verify_report(before, report)
    if args.format == "json":
        sys.stdout.write(orjson.dumps(verification.to_json(), option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        sys.stdout.write(verification_text(verification))
    sys.stdout.flush()
    return 0 if verification.all_fixed else 1


def _verify_live(target: str, args: argparse.Namespace, interval: float, tracking: bool) -> LeakReport:
    from ..inspector import connect
    from .live import find_leaks_live
    from .three import wait

    session = connect(target, allow_remote=args.allow_remote, timeout=args.timeout)
    try:
        warmup = args.warmup or 0.0
        progress = _progress_printer(args)
        if warmup > 0:
            message = f"warming up for {warmup:g} s"
            wait(warmup, what="during the warm-up", progress=progress, phase=Phase.WARMUP, message=message)
        return find_leaks_live(
            session,
            interval=interval,
            workspace=args.workspace,
            track_allocations=tracking,
            progress=progress,
        )
    finally:
        session.close()


def run_clean(args: argparse.Namespace) -> int:
    from .runs import clean

    removed = clean(args.workspace, keep=args.keep, snapshots=args.snapshots)
    what = [f"{removed.runs} run{'' if removed.runs == 1 else 's'}"]
    if args.snapshots:
        what.append(f"{removed.snapshots} snapshot{'' if removed.snapshots == 1 else 's'}")
    print(f"deleted {' and '.join(what)} ({format_bytes(removed.bytes)})")
    return 0

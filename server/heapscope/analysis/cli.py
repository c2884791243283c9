"""``heapscope diff`` and the report output shared by the commands that print a leak report.

Exit codes: 0 no leak, 1 leak found, 2 error (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from .. import limits
from ..output import add_format_option, print_json
from ..snapshot import SnapshotError, load_snapshot
from .analyze import AnalysisError, analyze_snapshots, check_same_process
from .diff import comparison_json, diff_snapshots, format_comparison
from .model import LeakReport

FORMATS = ("text", "json", "sarif", "html")


def register(subparsers: Any) -> None:
    diff = subparsers.add_parser(
        "diff", help="per-class comparison of two snapshots of one process and inspector session"
    )
    diff.add_argument("before", help="the earlier .heapsnapshot")
    diff.add_argument("after", help="the later .heapsnapshot")
    diff.add_argument(
        "--top", type=limits.whole(limits.COUNT), default=30, help="how many classes to list (default 30)"
    )
    add_format_option(diff, "the per-class rows, largest change first")
    diff.set_defaults(func=run_diff)


def output_options(parser: argparse.ArgumentParser) -> None:
    """``--format`` and ``--output``, the same for every command that prints a leak report."""
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default text)")
    parser.add_argument("--output", "-o", help="write the report to this file instead of stdout")


def fail(message: str) -> int:
    """Print one line on stderr; exit code 2."""
    print(f"heapscope: {message}", file=sys.stderr)
    return 2


def emit(report: LeakReport, args: argparse.Namespace) -> int:
    """Write the report in ``args.format`` to ``args.output`` or stdout; 1 if it found a leak, else 0."""
    from .report import render  # imported while the snapshots load (see analyze_snapshots)

    text = render(report, args.format)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            return fail(f"cannot write {args.output}: {error.strerror}")
        print(f"heapscope: report written to {os.path.abspath(args.output)}", file=sys.stderr)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return 1 if report.has_leak else 0


def run_diff(args: argparse.Namespace) -> int:
    try:
        before = load_snapshot(args.before)
        after = load_snapshot(args.after)
        check_same_process([before, after])
    except (SnapshotError, AnalysisError) as error:
        return fail(str(error))
    deltas = diff_snapshots(before, after)
    if args.format == "json":
        print_json(
            {"before": args.before, "after": args.after, "classes": comparison_json(deltas[: args.top])}
        )
        return 0
    print(f"{args.before} -> {args.after}")
    print(format_comparison(deltas, args.top))
    return 0


def find_leaks_in_files(paths: list[str], args: argparse.Namespace) -> int:
    """``heapscope find-leaks BASELINE TARGET [FINAL]``: the analysis of snapshots on disk."""
    if len(paths) not in (2, 3):
        return fail(f"find-leaks needs 2 or 3 snapshots (BASELINE TARGET [FINAL]), got {len(paths)}")
    try:
        report = analyze_snapshots(paths)
    except (SnapshotError, AnalysisError) as error:
        return fail(str(error))
    report.target = {"snapshots": [os.path.abspath(p) for p in paths]}
    return emit(report, args)

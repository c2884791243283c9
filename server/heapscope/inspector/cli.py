"""``heapscope snapshot`` and the monitor's sample lines: the live inspector from a terminal.

``heapscope monitor`` itself is registered by :mod:`heapscope.hunt.cli`, since it can hunt.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .. import limits
from ..output import add_format_option, print_json
from ..progress import Phase, Progress
from .errors import InspectorError

if TYPE_CHECKING:  # the monitor (a queue, its threads) is imported by the commands that watch
    from .monitor import MemorySample

# Each ``snapshot`` call is its own inspector session, and V8 renumbers heap objects per session.
SEPARATE_SESSIONS = (
    "snapshots from separate heapscope snapshot calls cannot be compared (V8 numbers objects anew "
    "in each inspector session); to find leaks in a running process use heapscope find-leaks TARGET"
)


def register(subparsers: Any) -> None:
    target_help = "a ws:// URL, HOST:PORT, the PID of a node process, or a js-debug CDP proxy address"
    snapshot = subparsers.add_parser("snapshot", help="take a heap snapshot of a live node process")
    snapshot.add_argument("target", help=target_help)
    snapshot.add_argument(
        "-o", "--output", help="file to write (default: .heapscope/snapshots/<time>-<label>)"
    )
    snapshot.add_argument("--label", default="snapshot", help="name part of the default file name")
    snapshot.add_argument("--gc", action="store_true", help="collect garbage first, as DevTools does")
    snapshot.add_argument(
        "--workspace", default=".", help="where .heapscope/ lives (default: current directory)"
    )
    add_format_option(snapshot, "the file, its size, the time taken and the process")
    add_common(snapshot)
    snapshot.set_defaults(func=run_snapshot)


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback inspector (it gives full control of that process)",
    )
    parser.add_argument(
        "--timeout",
        type=limits.seconds(limits.TIMEOUT),
        default=5.0,
        help="seconds to wait when attaching (default 5)",
    )


def _mb(size: float | None) -> str:
    return "-" if size is None else f"{size / 1e6:,.1f} MB"


def format_sample(sample: MemorySample) -> str:
    """One line per sample; the verdict last, since it is what the user is waiting for."""
    trend = sample.trend_bytes_per_second
    trend_text = "-" if trend is None else f"{trend / 1e3:+,.1f} kB/s"
    clock = time.strftime("%H:%M:%S", time.localtime(sample.timestamp))
    return (
        f"{clock}  rss {_mb(sample.rss):>10}  heapUsed {_mb(sample.heap_used):>10}  "
        f"after GC {_mb(sample.after_gc):>10}  trend {trend_text:>12}  GCs {sample.gc_count:>3}  "
        f"{sample.verdict}"
    )


class ProgressBar:
    """A one-line bar on a terminal; silent when stderr is a pipe, so logs stay clean."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self._lock = threading.Lock()
        self._last = 0.0

    def __call__(self, event: Progress) -> None:
        if event.phase is Phase.SNAPSHOT_BUILD:
            fraction = event.fraction or 0.0
            filled = int(fraction * 30)
            self._draw(
                f"building snapshot [{'#' * filled}{'.' * (30 - filled)}] {fraction:4.0%}", fraction >= 1
            )
        elif event.phase is Phase.SNAPSHOT_TRANSFER:
            self._draw(f"writing snapshot  {event.done / 1e6:,.1f} MB", False)

    def _draw(self, text: str, force: bool) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        with self._lock:
            if not force and now - self._last < 0.1:
                return
            self._last = now
            self.stream.write(f"\r{text:<60}")
            self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


def run_snapshot(args: argparse.Namespace) -> int:
    from .client import connect  # websocket: loaded only by the commands that attach

    try:
        session = connect(args.target, allow_remote=args.allow_remote, timeout=args.timeout)
    except InspectorError as error:
        print(f"heapscope: {error}", file=sys.stderr)
        return 2
    bar = ProgressBar(sys.stderr)
    cancel = threading.Event()
    try:
        saved = session.take_snapshot(
            workspace=args.workspace,
            dest=args.output,
            label=args.label,
            gc=args.gc,
            progress=bar,
            cancel=cancel,
        )
    except InspectorError as error:
        bar.finish()
        print(f"heapscope: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        cancel.set()
        bar.finish()
        print("heapscope: interrupted; no snapshot was written", file=sys.stderr)
        return 130
    finally:
        session.close()
    bar.finish()
    if args.format == "json":
        print_json(
            {
                "path": str(Path(saved.path).resolve()),
                "size": saved.size,
                "seconds": saved.seconds,
                "pid": session.target_info.get("pid"),
                "nodeVersion": session.target_info.get("nodeVersion"),
            }
        )
    else:
        print(f"{saved.path}  ({saved.size / 1e6:,.1f} MB in {saved.seconds:.1f} s)")
    print(f"heapscope: {SEPARATE_SESSIONS}", file=sys.stderr)
    return 0

"""Live analysis: three snapshots of a running process, ``interval`` seconds apart.

``find_leaks_live`` works on an attached session (the language server's "find leaks");
``run_program`` is ``heapscope run``: it starts the program under the inspector on a
loopback port, lets it warm up, turns on allocation tracking, takes the three snapshots,
stops the program and analyses. The inspector package is imported lazily so the offline
analysis never loads websocket code.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .analyze import AnalysisError, analyze_snapshots
from .model import LeakReport

if TYPE_CHECKING:
    from ..inspector import InspectorSession, NodeProcess

# A leak of ~1 MB/s grows 3 MB per interval: far above the noise of a small program's
# heap (a few hundred kB of JIT and inline-cache churn), while warm-up plus three
# snapshots stay around 12 s. Three seconds of warm-up let module loading, the JIT and
# start-up caches settle; a cache that fills once during start-up and stops is then
# either complete in the baseline or shows no growth between target and final (and a
# cache still filling slows down visibly, which the analysis reports as information).
DEFAULT_INTERVAL = 3.0
DEFAULT_WARMUP = 3.0
_POLL = 0.1

StatusCallback = Callable[[str], None]


class RunError(Exception):
    """``heapscope run`` could not complete; ``str()`` is one line for the user."""


class Cancelled(RunError):
    pass


@dataclass
class RunOptions:
    interval: float = DEFAULT_INTERVAL
    warmup: float = DEFAULT_WARMUP
    track_allocations: bool = True
    workspace: str | None = None
    """Where ``.heapscope/`` (snapshots) goes; the current directory by default."""
    cwd: str | None = None
    program_output: IO[str] | None = None
    """Where the program's stdout/stderr are echoed (None: discarded)."""
    sample_interval: float = 0.5
    status: StatusCallback | None = None
    env: dict[str, str] | None = field(default=None)


_KEEP_RUNNING = (
    "heapscope run needs a program that keeps running while it is measured "
    "(a server, a worker loop, a setInterval)"
)
_FINISHED_CHECK = 0.5


def program_finished(session: InspectorSession) -> bool:
    """True once the program's main context is gone (its script ended) while node waits for us.

    Node keeps a process alive after its script finishes as long as a debugger is attached,
    so the exit code alone cannot tell a finished program from a running one.
    """
    from ..inspector import InspectorError

    try:
        session.evaluate_fixed("1", timeout=5.0)
    except InspectorError as error:
        return "context" in str(error).lower()
    return False


_ERROR_LINE = re.compile(r"^(\w*Error|Uncaught)\b|^Error:")


def _finished_message(node: NodeProcess, what: str, session: InspectorSession | None) -> str:
    """Why the program stopped: its error (a crash, a syntax error) if it had one.

    While a debugger is attached Node neither exits nor prints an uncaught error, so we
    detach first and let it finish: its exit code and stderr then tell a crash from an end.
    """
    if session is not None:
        with contextlib.suppress(Exception):
            session.close()
    with contextlib.suppress(subprocess.TimeoutExpired):
        node.wait(3.0)
    code = node.poll()
    lines = [line.strip() for line in node.stderr_tail().splitlines() if line.strip()]
    errors = [line for line in lines if _ERROR_LINE.match(line)]
    if code not in (None, 0) or errors:
        reason = f": {errors[-1]}" if errors else f" (exit code {code})"
        return f"the program stopped with an error {what}{reason}"
    return f"the program finished {what}; {_KEEP_RUNNING}"


def _wait(
    seconds: float,
    *,
    node: NodeProcess | None = None,
    session: InspectorSession | None = None,
    cancel: threading.Event | None = None,
    what: str,
) -> None:
    deadline = time.monotonic() + seconds
    next_check = time.monotonic()
    while True:
        if node is not None:
            code = node.poll()
            if code is not None:
                failure = node.failure()
                reason = str(failure).partition(" before it could be attached")[2] if failure else ""
                raise RunError(f"the program exited with code {code} {what}{reason}; {_KEEP_RUNNING}")
            if session is not None and time.monotonic() >= next_check:
                next_check = time.monotonic() + _FINISHED_CHECK
                if program_finished(session):
                    raise RunError(_finished_message(node, what, session))
        if cancel is not None and cancel.is_set():
            raise Cancelled("cancelled")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        time.sleep(min(_POLL, remaining))


def _run_directory(workspace: str | os.PathLike[str]) -> Path:
    from ..inspector import heapscope_dir

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")[:-3]
    directory = heapscope_dir(workspace) / "runs" / stamp
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def take_three(
    session: InspectorSession,
    directory: Path,
    *,
    interval: float,
    node: NodeProcess | None = None,
    cancel: threading.Event | None = None,
    status: StatusCallback | None = None,
) -> tuple[list[str], list[float]]:
    """Baseline, target and final snapshots ``interval`` seconds apart; (paths, wall-clock times)."""
    from ..inspector import InspectorError

    paths: list[str] = []
    times: list[float] = []
    for index, label in enumerate(("baseline", "target", "final")):
        if index:
            _wait(interval, node=node, session=session, cancel=cancel, what=f"before the {label} snapshot")
        if status:
            status(f"taking the {label} snapshot")
        times.append(time.time())
        try:
            saved = session.take_snapshot(
                dest=directory / f"{index + 1}-{label}.heapsnapshot", label=label, cancel=cancel
            )
        except InspectorError as error:
            if cancel is not None and cancel.is_set():
                raise Cancelled("cancelled") from None
            if node is not None and node.poll() is not None:
                raise RunError(
                    f"the program exited (code {node.poll()}) during the {label} snapshot"
                ) from None
            raise RunError(f"{label} snapshot failed: {error}") from None
        if cancel is not None and cancel.is_set():
            raise Cancelled("cancelled")
        paths.append(str(saved.path))
    return paths, times


def find_leaks_live(
    session: InspectorSession,
    *,
    interval: float = DEFAULT_INTERVAL,
    workspace: str | os.PathLike[str] | None = None,
    track_allocations: bool = False,
    progress: Callable[[str, float], None] | None = None,
    cancel: threading.Event | None = None,
) -> LeakReport:
    """Three snapshots of an attached process, then the analysis. Raises :class:`RunError`."""
    if interval <= 0:
        raise RunError(f"the interval must be positive, not {interval:g}")
    directory = _run_directory(workspace or os.getcwd())

    def status(text: str) -> None:
        if progress:
            progress(text, 0.0)

    tracking = False
    try:
        if track_allocations:
            session.start_allocation_tracking()
            tracking = True
        paths, times = take_three(session, directory, interval=interval, cancel=cancel, status=status)
    finally:
        if tracking:
            with contextlib.suppress(Exception):
                session.stop_allocation_tracking()
    report = analyze_snapshots(paths, progress=progress)
    report.target = dict(getattr(session, "target_info", {}) or {})
    report.snapshot_times = times
    return report


def run_program(argv: Sequence[str], options: RunOptions | None = None) -> LeakReport:
    """``heapscope run``: start, warm up, snapshot three times, stop, analyse. Raises :class:`RunError`."""
    from ..inspector import InspectorError, MemoryMonitor, MemorySample, connect, launch_node

    options = options or RunOptions()
    if not argv:
        raise RunError("no program given: use heapscope run -- node app.js")
    if options.interval <= 0 or options.warmup < 0:
        raise RunError("--interval must be positive and --warmup not negative")
    status = options.status or (lambda _text: None)
    workspace = options.workspace or options.cwd or os.getcwd()
    directory = _run_directory(workspace)
    output: Any = subprocess.DEVNULL
    if options.program_output is not None:
        try:
            options.program_output.fileno()
            output = options.program_output
        except (OSError, ValueError, AttributeError):
            output = subprocess.DEVNULL
    samples: list[dict[str, Any]] = []
    status(f"starting {shlex.join(argv)}")
    try:
        node = launch_node(
            list(argv), cwd=options.cwd, env=options.env, stdout=output, echo_stderr=options.program_output
        )
    except InspectorError as error:
        raise RunError(str(error)) from None
    session = None
    monitor = None
    try:
        try:
            session = connect(node.ws_url or "", timeout=10.0)
        except InspectorError as error:
            with contextlib.suppress(subprocess.TimeoutExpired):
                node.wait(1.0)  # a program that crashed on start is exiting now
            failure = node.failure()
            if failure is not None:
                raise RunError(str(failure)) from None
            if "context" in str(error).lower():
                raise RunError(_finished_message(node, "before it could be measured", None)) from None
            raise RunError(f"cannot attach to the program: {error}") from None

        def on_sample(sample: MemorySample) -> None:
            samples.append(sample.to_json())

        with contextlib.suppress(InspectorError):
            monitor = MemoryMonitor(session, options.sample_interval, on_sample)
            monitor.start()
        status(f"warming up for {options.warmup:g} s")
        _wait(
            options.warmup,
            node=node,
            session=session,
            what="during the warm-up, before the first snapshot",
        )
        if options.track_allocations:
            try:
                session.start_allocation_tracking()
            except InspectorError as error:
                raise RunError(f"cannot turn on allocation tracking: {error}") from None
        paths, times = take_three(session, directory, interval=options.interval, node=node, status=status)
        if program_finished(session):
            raise RunError(_finished_message(node, "while it was measured", session))
    finally:
        if monitor is not None:
            with contextlib.suppress(Exception):
                monitor.stop()
        node.stop()
        if session is not None:
            with contextlib.suppress(Exception):
                session.close()
    status("analysing")
    try:
        report = analyze_snapshots(paths)
    except AnalysisError as error:
        raise RunError(str(error)) from None
    report.target = {
        "argv": list(argv),
        "cwd": os.path.abspath(options.cwd or os.getcwd()),
        "pid": node.pid,
        "interval": options.interval,
        "warmup": options.warmup,
        "allocation_tracking": options.track_allocations,
    }
    report.samples = samples
    report.snapshot_times = times
    return report

"""The three snapshots of a hunt: baseline, target and final, ``interval`` seconds apart, in one session.

One inspector session takes all three because V8 forgets the heap object ids it handed
out once a session's HeapProfiler is disabled: only snapshots from one session can be
matched object by object (the three-snapshot rule). While it waits, a hunt on a program
Heapscope started watches that program, so a crash or an early exit becomes one sentence
instead of a failed snapshot.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ..inspector import InspectorError, InspectorErrorKind, InspectorSession, NodeProcess
from ..progress import SNAPSHOT_PHASES, Phase, Progress, ProgressCallback
from ..snapshot_files import hunt_snapshot_name
from .errors import Cancelled, RunError, RunErrorKind
from .isolates import WorkerHunt

SNAPSHOT_LABELS = ("baseline", "target", "final")
_POLL = 0.1

KEEP_RUNNING = (
    "heapscope run needs a program that keeps running while it is measured "
    "(a server, a worker loop, a setInterval)"
)
_FINISHED_CHECK = 0.5


def program_finished(session: InspectorSession) -> bool:
    """True once the program's main context is gone (its script ended) while node waits for us.

    Node keeps a process alive after its script finishes as long as a debugger is attached,
    so the exit code alone cannot tell a finished program from a running one.
    """
    try:
        session.evaluate_fixed("1", timeout=5.0)
    except InspectorError as error:
        return error.kind is InspectorErrorKind.NO_CONTEXT
    return False


_ERROR_LINE = re.compile(r"^(\w*Error|Uncaught)\b|^Error:")


def finished_error(node: NodeProcess, what: str, session: InspectorSession | None) -> RunError:
    """Why the program stopped: its error (a crash, a syntax error) if it had one, else its end.

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
        return RunError(f"the program stopped with an error {what}{reason}", kind=RunErrorKind.PROGRAM_EXITED)
    return RunError(f"the program finished {what}; {KEEP_RUNNING}", kind=RunErrorKind.PROGRAM_FINISHED)


def wait(
    seconds: float,
    *,
    node: NodeProcess | None = None,
    session: InspectorSession | None = None,
    cancel: threading.Event | None = None,
    what: str,
    progress: ProgressCallback | None = None,
    phase: Phase = Phase.INTERVAL,
    message: str = "",
) -> None:
    """Sleep ``seconds``, raising :class:`RunError` as soon as the program ends or the user cancels.

    ``progress`` hears ``phase`` with the seconds waited so far of ``seconds``.
    """
    started = time.monotonic()
    deadline = started + seconds
    next_check = started
    while True:
        if progress is not None:
            progress(Progress(phase, min(time.monotonic() - started, seconds), seconds, message))
        if node is not None:
            code = node.poll()
            if code is not None:
                failure = node.failure()
                reason = f": {failure.reason}" if failure is not None and failure.reason else ""
                raise RunError(
                    f"the program exited with code {code} {what}{reason}; {KEEP_RUNNING}",
                    kind=RunErrorKind.PROGRAM_EXITED,
                )
            if session is not None and time.monotonic() >= next_check:
                next_check = time.monotonic() + _FINISHED_CHECK
                if program_finished(session):
                    raise finished_error(node, what, session)
        if cancel is not None and cancel.is_set():
            raise Cancelled("cancelled")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            if progress is not None:
                progress(Progress(phase, seconds, seconds, message))
            return
        time.sleep(min(_POLL, remaining))


def take_three(
    session: InspectorSession,
    directory: Path,
    *,
    interval: float,
    node: NodeProcess | None = None,
    cancel: threading.Event | None = None,
    progress: ProgressCallback | None = None,
    workers: Sequence[WorkerHunt] = (),
    on_saved: Callable[[str], None] | None = None,
) -> tuple[list[str], list[float]]:
    """Baseline, target and final snapshots ``interval`` seconds apart; (paths, wall-clock times).

    Each worker thread's snapshot follows the main thread's at every step (into the
    worker's :class:`WorkerHunt`). ``on_saved`` hears of each main-thread file as soon as
    it is complete, so its analysis can start while the next one is taken. ``progress``
    hears :attr:`Phase.INTERVAL` while it waits and the snapshot's own phase (with V8's
    object count) while it takes one.
    """
    paths: list[str] = []
    times: list[float] = []
    for index, (label, phase) in enumerate(zip(SNAPSHOT_LABELS, SNAPSHOT_PHASES, strict=True)):
        if index:
            wait(
                interval,
                node=node,
                session=session,
                cancel=cancel,
                what=f"before the {label} snapshot",
                progress=progress,
                message=f"waiting {interval:g} s before the {label} snapshot",
            )
        times.append(time.time())
        try:
            saved = session.take_snapshot(
                dest=directory / hunt_snapshot_name(index, label),
                label=label,
                cancel=cancel,
                progress=_as_phase(phase, progress),
            )
        except InspectorError as error:
            if cancel is not None and cancel.is_set():
                raise Cancelled("cancelled") from None
            if node is not None and node.poll() is not None:
                raise RunError(
                    f"the program exited (code {node.poll()}) during the {label} snapshot",
                    kind=RunErrorKind.PROGRAM_EXITED,
                    inspector_kind=error.kind,
                ) from None
            raise RunError(
                f"{label} snapshot failed: {error}", kind=RunErrorKind.SNAPSHOT, inspector_kind=error.kind
            ) from None
        if cancel is not None and cancel.is_set():
            raise Cancelled("cancelled")
        if progress is not None:
            progress(Progress(phase, 1, 1))
        paths.append(str(saved.path))
        if on_saved:
            on_saved(str(saved.path))
        for number, worker in enumerate(workers):
            if progress is not None:
                message = f"taking the {label} snapshot of {worker.worker.label}"
                progress(Progress(Phase.WORKER_SNAPSHOTS, number, len(workers), message))
            worker.snapshot(directory, index, label)
            if cancel is not None and cancel.is_set():
                raise Cancelled("cancelled")
    return paths, times


def _as_phase(phase: Phase, progress: ProgressCallback | None) -> ProgressCallback | None:
    """The inspector's count of objects walked, reported as the hunt's ``phase`` (one of its snapshots)."""
    if progress is None:
        return None
    report = progress
    report(Progress(phase, 0, None))

    def forward(event: Progress) -> None:
        if event.phase is Phase.SNAPSHOT_BUILD:
            report(Progress(phase, event.done, event.total))

    return forward

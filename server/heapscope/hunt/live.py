"""The hunt on a process that is already running: attach, three snapshots, analyse, leave it as it was."""

from __future__ import annotations

import contextlib
import os
import threading

from ..analysis import AnalysisError, BackgroundLoads, LeakReport, analyze_loaded
from ..inspector import InspectorSession, attach_workers
from ..progress import ProgressCallback
from ..snapshot_files import interval_cpu_seconds
from .defaults import DEFAULT_INTERVAL
from .errors import RunError, RunErrorKind
from .isolates import WorkerHunt, add_worker_findings
from .runs import run_directory
from .three import take_three


def find_leaks_live(
    session: InspectorSession,
    *,
    interval: float = DEFAULT_INTERVAL,
    workspace: str | os.PathLike[str] | None = None,
    track_allocations: bool = False,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    workers: bool = True,
) -> LeakReport:
    """Three snapshots of an attached process and of each of its worker threads, then the analysis.

    Allocation tracking, when asked for, is switched on before the baseline (only objects
    allocated while it runs carry a stack) and off again before returning, whatever
    happens; the workers are detached again too. Raises :class:`RunError`.
    """
    if interval <= 0:
        raise RunError(f"the interval must be positive, not {interval:g}", kind=RunErrorKind.INVALID)
    directory = run_directory(workspace or os.getcwd())
    tracking = False
    group = attach_workers(session) if workers else None
    hunts = [WorkerHunt(info, worker) for info, worker in (group.workers if group else [])]
    loads = BackgroundLoads()  # each snapshot is parsed while the next one is taken
    try:
        if track_allocations:
            session.start_allocation_tracking()
            tracking = True
            for hunt in hunts:
                hunt.start_tracking()
        paths, times = take_three(
            session,
            directory,
            interval=interval,
            cancel=cancel,
            progress=progress,
            workers=hunts,
            on_saved=loads.add,
        )
    except BaseException:
        loads.close()
        raise
    finally:
        if tracking:
            with contextlib.suppress(Exception):
                session.stop_allocation_tracking()
        if group is not None:
            group.close()  # stops the workers' allocation tracking, then NodeWorker.disable
    try:
        report = analyze_loaded(loads.snapshots(progress), progress=progress)
    except AnalysisError as error:
        raise RunError(str(error), kind=RunErrorKind.ANALYSIS) from None
    finally:
        loads.close()
    report.target = {
        **(getattr(session, "target_info", {}) or {}),
        "interval": interval,
        "allocation_tracking": track_allocations,
        "interval_cpu_seconds": interval_cpu_seconds(paths),
    }
    add_worker_findings(report, hunts, progress)
    report.snapshot_times = times
    return report

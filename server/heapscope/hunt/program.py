"""``heapscope run``: start a program under the inspector, warm up, three snapshots, stop, analyse."""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from ..analysis import AnalysisError, BackgroundLoads, LeakReport, analyze_loaded
from ..analysis.project_files import ProjectFiles
from ..inspector import (
    InspectorError,
    InspectorErrorKind,
    MemoryMonitor,
    MemorySample,
    WorkerGroup,
    attach_workers,
    connect,
    launch_node,
)
from ..progress import Phase, Progress, ProgressCallback, ignore
from ..snapshot_files import interval_cpu_seconds
from .defaults import DEFAULT_INTERVAL, DEFAULT_WARMUP
from .errors import RunError, RunErrorKind
from .isolates import WorkerHunt, add_worker_findings
from .runs import run_directory
from .three import (
    finished_error,
    program_finished,
    take_three,
    wait,
)


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
    progress: ProgressCallback | None = None
    env: dict[str, str] | None = field(default=None)


def run_program(argv: Sequence[str], options: RunOptions | None = None) -> LeakReport:
    """``heapscope run``: start, warm up, snapshot three times, stop, analyse. Raises :class:`RunError`."""
    options = options or RunOptions()
    if not argv:
        raise RunError("no program given: use heapscope run -- node app.js", kind=RunErrorKind.INVALID)
    if options.interval <= 0 or options.warmup < 0:
        raise RunError("--interval must be positive and --warmup not negative", kind=RunErrorKind.INVALID)
    progress = options.progress or ignore
    workspace = options.workspace or options.cwd or os.getcwd()
    directory = run_directory(workspace)
    output: Any = subprocess.DEVNULL
    if options.program_output is not None:
        try:
            options.program_output.fileno()
            output = options.program_output
        except (OSError, ValueError, AttributeError):
            output = subprocess.DEVNULL
    samples: list[dict[str, Any]] = []
    progress(Progress(Phase.START, 0, 1, f"starting {shlex.join(argv)}"))
    try:
        node = launch_node(
            list(argv), cwd=options.cwd, env=options.env, stdout=output, echo_stderr=options.program_output
        )
    except InspectorError as error:
        raise RunError(str(error), kind=RunErrorKind.LAUNCH, inspector_kind=error.kind) from None
    session = None
    monitor = None
    group: WorkerGroup | None = None
    children: list[tuple[int, list[str]]] = []
    hunts: list[WorkerHunt] = []
    loads = BackgroundLoads()  # each snapshot is parsed while the next one is taken
    try:
        try:
            session = connect(node.ws_url or "", timeout=10.0)
        except InspectorError as error:
            with contextlib.suppress(subprocess.TimeoutExpired):
                node.wait(1.0)  # a program that crashed on start is exiting now
            failure = node.failure()
            if failure is not None:
                raise RunError(str(failure), kind=RunErrorKind.LAUNCH, inspector_kind=failure.kind) from None
            if error.kind is InspectorErrorKind.NO_CONTEXT:
                raise finished_error(node, "before it could be measured", None) from None
            raise RunError(
                f"cannot attach to the program: {error}", kind=RunErrorKind.ATTACH, inspector_kind=error.kind
            ) from None

        def on_sample(sample: MemorySample) -> None:
            samples.append(sample.to_json())

        with contextlib.suppress(InspectorError):
            monitor = MemoryMonitor(session, options.sample_interval, on_sample)
            monitor.start()
        progress(Progress(Phase.START, 1, 1, f"starting {shlex.join(argv)}"))
        wait(
            options.warmup,
            node=node,
            session=session,
            what="during the warm-up, before the first snapshot",
            progress=progress,
            phase=Phase.WARMUP,
            message=f"warming up for {options.warmup:g} s",
        )
        group = attach_workers(session)
        hunts = [WorkerHunt(info, worker) for info, worker in group.workers]
        if hunts:
            workers = ", ".join(h.worker.label for h in hunts)
            message = f"also hunting in {len(hunts)} worker thread(s): {workers}"
            progress(Progress(Phase.WORKER_SNAPSHOTS, 0, len(hunts), message))
        if options.track_allocations:
            try:
                session.start_allocation_tracking()
            except InspectorError as error:
                raise RunError(
                    f"cannot turn on allocation tracking: {error}",
                    kind=RunErrorKind.INSPECTOR,
                    inspector_kind=error.kind,
                ) from None
            for hunt in hunts:
                hunt.start_tracking()
        paths, times = take_three(
            session,
            directory,
            interval=options.interval,
            node=node,
            progress=progress,
            workers=hunts,
            on_saved=loads.add,
        )
        if program_finished(session):
            raise finished_error(node, "while it was measured", session)
        progress(Progress(Phase.STOP, 0, 1))
        children = node.node_children()
        for pid, command_line in children:
            progress(
                Progress(Phase.STOP, 0, 1, f"not hunted: child process {pid} ({shlex.join(command_line)})")
            )
    except BaseException:
        loads.close()
        raise
    finally:
        if monitor is not None:
            with contextlib.suppress(Exception):
                monitor.stop()
        if group is not None:
            group.close()
        node.stop()
        if session is not None:
            with contextlib.suppress(Exception):
                session.close()
    # Sources are read in the projects of the workspace, the working directory and the
    # files the command line names (the program's script), nowhere else.
    cwd = options.cwd or os.getcwd()
    named = [os.path.join(cwd, arg) for arg in argv[1:] if os.path.isfile(os.path.join(cwd, arg))]
    try:
        report = analyze_loaded(
            loads.snapshots(progress),
            project=ProjectFiles.around([workspace, cwd, *named]),
            progress=progress,
        )
    except AnalysisError as error:
        raise RunError(str(error), kind=RunErrorKind.ANALYSIS) from None
    finally:
        loads.close()
    report.target = {
        "argv": list(argv),
        "cwd": os.path.abspath(options.cwd or os.getcwd()),
        "pid": node.pid,
        "interval": options.interval,
        "warmup": options.warmup,
        "allocation_tracking": options.track_allocations,
        "interval_cpu_seconds": interval_cpu_seconds(paths),
    }
    report.target["processes"] = describe_processes(node.pid, argv, children)
    if children:
        report.notes.append(children_note(node.pid, children))
    add_worker_findings(report, hunts, progress)
    report.samples = samples
    report.snapshot_times = times
    return report


def describe_processes(
    pid: int, argv: Sequence[str], children: list[tuple[int, list[str]]]
) -> list[dict[str, Any]]:
    """Which processes the hunt measured (the one it started) and which it did not (its children)."""
    return [
        {"pid": pid, "commandLine": list(argv), "hunted": True},
        *({"pid": child, "commandLine": command, "hunted": False} for child, command in children),
    ]


def children_note(pid: int, children: list[tuple[int, list[str]]]) -> str:
    """One line for the report: a forked child's heap is its own and was not looked at."""
    listed = ", ".join(f"{child} ({shlex.join(command)})" for child, command in children)
    return (
        f"hunted process {pid} only; its child process(es) {listed} were not hunted "
        "(each has a heap of its own: run heapscope find-leaks PID on one while it runs)"
    )

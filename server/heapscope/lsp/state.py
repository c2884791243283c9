"""What one editor session holds: the attached target, its snapshots, the latest report, the monitor.

Everything here is blocking and LSP-free: the server runs these methods in worker
threads and turns their results into LSP messages. A :class:`UserError` carries the
one sentence the user sees; inspector, engine and analysis errors already have
one-line messages and are shown as they are.

Only one long step runs against the target at a time (the inspector streams one
snapshot at a time); a second one is refused with a clear message instead of queueing
silently behind a snapshot the user may be about to cancel.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..snapshot import load_snapshot
from ..snapshot.classes import summarize
from ..snapshot_files import safe_label, snapshot_name
from .options import HeapscopeOptions
from .progress import ANALYSIS_STEPS, HUNT_STEPS, OPEN_STEPS, SNAPSHOT_STEPS, Cancelled, ProgressTracker

if TYPE_CHECKING:
    from ..analysis import ClosureSite, Finding, LeakReport
    from ..inspector import InspectorSession, MemoryMonitor, MemorySample


def describe_target(info: Mapping[str, Any]) -> str:
    """``emitter-leak.js (process 4242)``: what the user knows the process by, not its inspector URL.

    From the process's own ``argv`` (the script it runs) and ``pid``; a js-debug proxy
    address or a websocket URL means nothing to the person who pressed F5.
    """
    pid = info.get("pid")
    argv = info.get("argv")
    script = next(
        (str(arg) for arg in (argv[1:] if isinstance(argv, list) else []) if not str(arg).startswith("-")),
        "",
    )
    name = Path(script).name if script else str(info.get("title") or "Node.js")
    if isinstance(pid, int):
        return f"{name} (process {pid})"
    return name if script or info.get("title") else str(info.get("target") or "the Node.js process")


class UserError(Exception):
    """A problem the user can act on; ``str()`` is the sentence to show."""


@dataclass
class SnapshotRecord:
    """A snapshot this session knows about: taken from the target, or opened from disk."""

    id: str
    path: Path
    label: str
    created: float
    taken_here: bool
    """Taken by this session (so it may be deleted when more than ``maxSnapshots`` exist)."""
    summary: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": str(self.path),
            "label": self.label,
            "created": self.created,
            "takenHere": self.taken_here,
            **({"summary": self.summary} if self.summary else {}),
        }


SampleSink = Callable[[dict[str, Any]], None]
TargetLost = Callable[[str, bool], None]
"""(one sentence, whether a long step was running and will report the failure itself)."""


MEMORY_HISTORY = 3600
"""Monitor samples kept for the chart: an hour at the default one a second."""


class Session:
    """State of one language-server session; safe to use from several threads."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._busy = threading.Lock()
        self._ids = itertools.count(1)
        self.options = HeapscopeOptions()
        self.workspace_root: Path | None = None
        self.inspector: InspectorSession | None = None
        self.target: str | None = None
        self.target_info: dict[str, Any] = {}
        self.snapshots: list[SnapshotRecord] = []
        self.report: LeakReport | None = None
        """The latest analysis, as the analysis returned it."""
        self.closures: list[ClosureSite] = []
        """Function literals with many closures alive: the latest report's, or the opened snapshot's."""
        self.monitor: MemoryMonitor | None = None
        self.memory: collections.deque[dict[str, Any]] = collections.deque(maxlen=MEMORY_HISTORY)
        """The monitor's samples of the attached target, for the memory chart; emptied on detach."""
        self.on_target_lost: TargetLost | None = None
        """Called (from the inspector's reader thread) with one sentence when the target goes away."""

    # ------------------------------------------------------------ helpers

    @contextlib.contextmanager
    def exclusive(self, what: str) -> Iterator[None]:
        """Run one long step against the target at a time."""
        if not self._busy.acquire(blocking=False):
            raise UserError(f"Heapscope is busy with another step; wait for it or cancel it before {what}.")
        try:
            yield
        finally:
            self._busy.release()

    def require_target(self) -> InspectorSession:
        with self._lock:
            if self.inspector is None:
                raise UserError("No Node.js process is attached; run 'Heapscope: Attach' first.")
            return self.inspector

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {
                "attached": self.inspector is not None,
                "target": self.target,
                "description": describe_target(self.target_info) if self.inspector is not None else None,
            }

    @property
    def findings(self) -> list[Finding]:
        """The latest report's findings, most severe first."""
        report = self.report
        return report.findings if report is not None else []

    def finding(self, finding_id: str) -> Finding:
        with self._lock:
            for finding in self.findings:
                if finding.id == finding_id:
                    return finding
        raise UserError(f"There is no finding {finding_id!r} in the latest analysis; run 'Find Leaks' again.")

    def _snapshot_dir(self) -> Path | None:
        return self.options.snapshot_directory(self.workspace_root)

    # ------------------------------------------------------------ attach

    def attach(self, target: str) -> dict[str, Any]:
        from ..inspector import connect

        target = target.strip()
        if not target:
            raise UserError("Give a target to attach to: a ws:// URL, HOST:PORT or a process id.")
        with self.exclusive("attaching"):
            self.detach()
            session = connect(target, allow_remote=self.options.allow_remote_hosts)
            with self._lock:
                self.inspector = session
                self.target = target
                self.target_info = dict(session.target_info or {})
            session.connection.on_close(lambda error: self._lost(session, target, error))
            return {
                "attached": True,
                "target": target,
                "description": describe_target(self.target_info),
                "targetInfo": self.target_info,
            }

    def list_targets(self, exclude: Sequence[int]) -> dict[str, Any]:
        """Node.js processes to offer in "Pick a Node process"; ``exclude`` the editor's own."""
        from ..inspector import list_node_processes

        return {"processes": [process.to_json() for process in list_node_processes(exclude=exclude)]}

    def _lost(self, session: InspectorSession, target: str, error: BaseException) -> None:
        """The connection ended; if it was not us detaching, forget the target and say so."""
        with self._lock:
            if self.inspector is not session:
                return
            description = describe_target(self.target_info)
        during_step = self._busy.locked()
        self.detach()
        if self.on_target_lost is not None:
            self.on_target_lost(f"Heapscope lost the connection to {description}: {error}", during_step)

    def detach(self) -> dict[str, Any]:
        self.stop_monitor()
        with self._lock:
            session, self.inspector = self.inspector, None
            self.target = None
            self.target_info = {}
            self.memory.clear()  # the chart shows one target's memory
        if session is not None:
            with contextlib.suppress(Exception):
                session.close()
        return {"attached": False}

    def forget_dead_target(self) -> bool:
        """After an inspector error: drop the session if the target is gone. True if it was dropped."""
        with self._lock:
            session = self.inspector
        if session is None:
            return False
        if not session.closed:
            try:
                session.call("Runtime.getHeapUsage", timeout=2.0)
                return False
            except Exception:
                pass
        self.detach()
        return True

    # ------------------------------------------------------------ snapshots

    def _add_snapshot(
        self, path: Path, label: str, *, taken_here: bool, summary: dict[str, Any] | None = None
    ) -> SnapshotRecord:
        with self._lock:
            for record in self.snapshots:
                if record.path == path:
                    if summary:
                        record.summary = summary
                    return record
            record = SnapshotRecord(
                id=f"s{next(self._ids)}",
                path=path,
                label=label,
                created=time.time(),
                taken_here=taken_here,
                summary=summary or {},
            )
            self.snapshots.append(record)
            self._prune()
            return record

    def _prune(self) -> None:
        """Delete the oldest snapshots this session took beyond ``maxSnapshots`` (with their sidecars)."""
        from ..hunt.runs import discard_snapshot

        taken = [record for record in self.snapshots if record.taken_here]
        excess = len(taken) - self.options.max_snapshots
        for record in taken[: max(excess, 0)]:
            discard_snapshot(record.path)
            self.snapshots.remove(record)

    def resolve_snapshot(self, reference: str) -> Path:
        """A snapshot id of this session (``s3``) or a file path -> an existing file."""
        with self._lock:
            for record in self.snapshots:
                if reference == record.id:
                    return record.path
        path = Path(reference).expanduser()
        if not path.is_absolute() and self.workspace_root is not None:
            path = self.workspace_root / path
        if not path.is_file():
            raise UserError(f"Snapshot {reference!r} is neither a snapshot id of this session nor a file.")
        return path

    def list_snapshots(self) -> list[dict[str, Any]]:
        with self._lock:
            return [record.to_json() for record in self.snapshots]

    def take_snapshot(self, label: str, progress: ProgressTracker) -> SnapshotRecord:
        session = self.require_target()
        with self.exclusive("taking a snapshot"):
            folder = self._snapshot_dir()
            dest = None
            if folder is not None:
                folder.mkdir(parents=True, exist_ok=True)
                dest = folder / snapshot_name(label)
            progress.phase(0.0, 1.0, "Taking heap snapshot")
            saved = session.take_snapshot(
                workspace=self.workspace_root,
                dest=dest,
                label=safe_label(label),
                progress=progress.follow(SNAPSHOT_STEPS),
                cancel=progress.cancel,
            )
            progress.check()
            return self._add_snapshot(Path(saved.path), label, taken_here=True)

    def open_snapshot(self, reference: str, progress: ProgressTracker) -> SnapshotRecord:
        path = self.resolve_snapshot(reference)
        progress.phase(0.0, 0.9, "Reading snapshot")
        follow = progress.follow(OPEN_STEPS, 0.0, 0.9)
        snapshot = load_snapshot(path, progress=follow)
        progress.check()
        snapshot.initialize(progress=follow)
        progress.check()
        progress.phase(0.9, 1.0, "Counting live closures")
        from ..analysis.census import closure_census

        summary = summarize(snapshot)
        closures = closure_census(snapshot)
        with self._lock:
            self.closures = closures
        return self._add_snapshot(path, path.stem, taken_here=False, summary=summary)

    # ------------------------------------------------------------ analysis

    def compare(self, references: Sequence[str], progress: ProgressTracker) -> LeakReport:
        from ..analysis import analyze_snapshots

        paths = [self.resolve_snapshot(reference) for reference in references]
        progress.phase(0.0, 1.0, "Comparing snapshots")
        report = analyze_snapshots([str(path) for path in paths], progress=progress.follow(ANALYSIS_STEPS))
        progress.check()
        return self._accept_report(report)

    def verify_fix(self, finding_id: str, progress: ProgressTracker) -> tuple[dict[str, Any], LeakReport]:
        """Hunt again as the report of ``finding_id`` was made; the verdict on it, and the new report."""
        from ..hunt.verify import compare

        earlier = {**self.finding(finding_id).to_json(), "severity": "warning"}
        with self._lock:
            target = dict(self.report.target) if self.report is not None else {}
        interval = target.get("interval")
        report = self.find_leaks(
            float(interval) if isinstance(interval, int | float) else None,
            bool(target.get("allocation_tracking", False)),
            progress,
        )
        (verdict,) = compare([earlier], [finding.to_json() for finding in report.findings]).verdicts
        return {"findingId": finding_id, **verdict.to_json()}, report

    def find_leaks(
        self, interval: float | None, track_allocations: bool, progress: ProgressTracker
    ) -> LeakReport:
        from ..hunt import find_leaks_live

        session = self.require_target()
        seconds = interval if interval is not None else self.options.default_interval
        with self.exclusive("finding leaks"):
            report = find_leaks_live(
                session,
                interval=seconds,
                workspace=self.workspace_root,
                track_allocations=track_allocations,
                progress=progress.follow(HUNT_STEPS),
                cancel=progress.cancel,
            )
            progress.check()
            for path in report.snapshots:
                self._add_snapshot(Path(path), Path(path).stem, taken_here=True)
            return self._accept_report(report)

    def _accept_report(self, report: LeakReport) -> LeakReport:
        report.sort()
        with self._lock:
            self.report = report
            self.closures = list(report.closures)
        return report

    def clear(self) -> None:
        with self._lock:
            self.report = None
            self.closures = []
            self.memory.clear()

    # ------------------------------------------------------------ memory monitor

    def start_monitor(
        self,
        interval: float | None,
        sink: SampleSink,
        *,
        on_alarm: Callable[[str], None] | None = None,
        snapshot_every: float | None = None,
        keep: int | None = None,
        on_leak: str | None = None,
    ) -> dict[str, Any]:
        """Sample the target; optionally snapshot every ``snapshot_every`` s and call ``on_alarm`` once.

        ``on_alarm(verdict)`` runs (in the monitor's thread) the first time the monitor
        suspects a leak while ``on_leak`` is ``"find-leaks"``; the server then runs Find
        Leaks. Periodic snapshots are skipped while another long step holds the target.
        """
        from ..hunt.watch import Capture, CaptureOptions, OptionError
        from ..inspector import MemoryMonitor

        session = self.require_target()
        self.stop_monitor()
        seconds = interval if interval is not None else self.options.monitor_interval
        every = snapshot_every if snapshot_every is not None else self.options.monitor_snapshot_every
        action = on_leak if on_leak is not None else self.options.monitor_on_leak
        if action not in ("none", "find-leaks"):
            raise UserError(f"onLeak must be none or find-leaks, not {action!r}.")
        try:
            capture = Capture(
                session,
                CaptureOptions(
                    snapshot_every=every or None,
                    keep=keep if keep is not None else self.options.monitor_keep,
                    workspace=self.workspace_root,
                ),
            )
        except OptionError as error:
            first, *rest = error.option.split("_")
            raise UserError(f"{first}{''.join(word.title() for word in rest)} {error.problem}") from None
        alarmed = threading.Event()

        def on_sample(sample: MemorySample) -> None:
            data = sample_json(sample)
            with self._lock:
                self.memory.append(data)
            sink(data)
            if capture.options.snapshot_every is not None and self._busy.acquire(blocking=False):
                try:
                    capture.on_sample(sample)
                except Exception:  # a periodic snapshot that fails must not stop the samples
                    pass
                finally:
                    self._busy.release()
            if action == "find-leaks" and sample.leak_suspected and not alarmed.is_set():
                alarmed.set()
                if on_alarm is not None:
                    on_alarm(sample.verdict)

        monitor = MemoryMonitor(session, seconds, on_sample, on_error=lambda error: self._monitor_ended())
        monitor.start()
        with self._lock:
            self.monitor = monitor
        return {
            "monitoring": True,
            "interval": seconds,
            **({"snapshotEvery": every, "keep": capture.options.keep} if every else {}),
            **({"onLeak": action} if action != "none" else {}),
        }

    def _monitor_ended(self) -> None:
        """The monitor stopped itself (target gone); the connection's close callback tells the user."""
        self.stop_monitor()

    def memory_chart(self) -> dict[str, Any]:
        """The memory chart of the attached target's samples (one renderer with the HTML report)."""
        from ..analysis import memory_chart

        with self._lock:
            samples = list(self.memory)
        if self.monitor is not None:
            waiting = "Waiting for the first memory sample…"
        else:
            waiting = "Start the memory monitor to see samples here."
        return {"svg": memory_chart.render(samples, empty=waiting), "samples": len(samples)}

    def stop_monitor(self) -> dict[str, Any]:
        with self._lock:
            monitor, self.monitor = self.monitor, None
        if monitor is not None:
            with contextlib.suppress(Exception):
                monitor.stop()
        return {"monitoring": False}

    def shutdown(self) -> None:
        self.detach()


def sample_json(sample: Any) -> dict[str, Any]:
    """A monitor sample in the ``heapscope/memory`` notification's shape (the inspector defines it)."""
    data = sample.to_json() if hasattr(sample, "to_json") else sample
    return dict(data) if isinstance(data, Mapping) else {}


__all__ = ["Cancelled", "SnapshotRecord", "UserError"]

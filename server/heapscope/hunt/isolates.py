"""Worker threads in a hunt: each worker's isolate is snapshotted beside the main thread's and analysed alone.

Every worker has a heap of its own, with its own object ids, so its three snapshots form
a hunt of their own. Its findings join the main report labelled with the worker (thread
id and script), in the message a reader sees and in ``details["worker"]``. A worker that
exits during the hunt costs its own analysis only: the report says so in one note.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from ..analysis import AnalysisError, LeakReport, analyze_snapshots
from ..inspector import InspectorError, InspectorSession, WorkerInfo
from ..progress import Phase, Progress, ProgressCallback
from ..snapshot import SnapshotError
from ..snapshot_files import hunt_snapshot_name


@dataclass
class WorkerHunt:
    """One worker thread's part of a hunt: its session, its snapshots, or why it dropped out."""

    worker: WorkerInfo
    session: InspectorSession
    paths: list[str] = field(default_factory=list)
    lost: str | None = None

    def snapshot(self, directory: Path, index: int, label: str) -> None:
        """Take this worker's ``label`` snapshot; a worker that is gone is noted, not raised."""
        if self.lost is not None:
            return
        destination = directory / hunt_snapshot_name(index, label, worker=self.worker.thread_id)
        try:
            saved = self.session.take_snapshot(
                dest=destination, label=f"{label} worker {self.worker.thread_id}"
            )
        except InspectorError as error:
            if self.session.closed:
                self.lost = f"{self.worker.label} exited before its {label} snapshot; it was not analysed"
            else:
                self.lost = f"{self.worker.label}: the {label} snapshot failed ({error}); it was not analysed"
            return
        self.paths.append(str(saved.path))

    def start_tracking(self) -> None:
        with contextlib.suppress(InspectorError):
            self.session.start_allocation_tracking()

    def stop_tracking(self) -> None:
        with contextlib.suppress(Exception):
            self.session.stop_allocation_tracking()


def label_findings(report: LeakReport, worker: WorkerInfo) -> None:
    """Say in every finding of a worker's report which worker it comes from."""
    for finding in report.findings:
        finding.details["worker"] = worker.to_json()
        finding.message = f"In {worker.label}: {finding.message}"
        finding.title = f"worker {worker.thread_id}: {finding.title}" if finding.title else finding.title


def add_worker_findings(
    report: LeakReport,
    workers: list[WorkerHunt],
    progress: ProgressCallback | None = None,
) -> None:
    """Analyse each worker's three snapshots and merge the labelled findings into ``report``."""
    described = []
    for number, hunt in enumerate(workers):
        entry = {**hunt.worker.to_json(), "snapshots": list(hunt.paths)}
        if hunt.lost is None and len(hunt.paths) == 3:
            if progress:
                progress(
                    Progress(Phase.WORKER_ANALYSIS, number, len(workers), f"analysing {hunt.worker.label}")
                )
            try:
                found = analyze_snapshots(hunt.paths)
            except (AnalysisError, SnapshotError) as error:
                hunt.lost = f"{hunt.worker.label} could not be analysed: {error}"
            else:
                label_findings(found, hunt.worker)
                report.findings.extend(found.findings)
                report.notes.extend(f"{hunt.worker.label}: {note}" for note in found.notes)
        entry["status"] = "hunted" if hunt.lost is None else "not hunted"
        if hunt.lost is not None:
            report.notes.append(hunt.lost)
        described.append(entry)
    if described and progress:
        progress(Progress(Phase.WORKER_ANALYSIS, len(workers), len(workers)))
    if described:
        report.target["workers"] = described
    report.sort()

"""Work-done progress and cancellation for long steps that run in worker threads.

Snapshots, loads and analyses run in a thread so the server keeps answering (hovers,
lenses, the cancel itself). They report :class:`~heapscope.progress.Progress` events in
that thread, often thousands of times (one per snapshot chunk), while LSP messages must
be written from the event loop. A :class:`ProgressTracker` therefore throttles them to
whole percent steps, keeps the percentage monotonic across phases, and hands each report
to the loop. :meth:`ProgressTracker.follow` lays a command's expected phases out on the
bar (each a share of it) and moves through them as events arrive: the phase places the
bar, ``done``/``total`` fill the phase's share, and the event's message is shown. The
tracker also owns the ``threading.Event`` that the inspector and the analysis poll to
stop early, set both by the client's "cancel" button (``window/workDoneProgress/cancel``)
and by ``$/cancelRequest`` for the command.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from ..progress import Phase, Progress, ProgressCallback

Sender = Callable[[str | None, int | None], None]
"""Deliver one report (message, percentage) to the client; must be safe to call from any thread."""

Step = tuple[Phase, float]
"""A phase a command is expected to go through and its weight (share of the bar)."""

# Where the time goes, roughly, in each kind of step (weights, not seconds).
SNAPSHOT_STEPS: tuple[Step, ...] = ((Phase.SNAPSHOT_BUILD, 6), (Phase.SNAPSHOT_TRANSFER, 4))
OPEN_STEPS: tuple[Step, ...] = (
    (Phase.PARSE, 40),
    (Phase.COLUMNS, 10),
    (Phase.RETAINERS, 5),
    (Phase.DISTANCES, 5),
    (Phase.DOMINATORS, 20),
    (Phase.RETAINED_SIZES, 5),
    (Phase.CLASSES, 5),
)
ANALYSIS_STEPS: tuple[Step, ...] = (
    (Phase.LOAD, 20),
    (Phase.MATCH, 2),
    (Phase.SURVIVORS, 6),
    (Phase.GROUP, 6),
    (Phase.MEASURE, 6),
    (Phase.COMPARE, 3),
    (Phase.CLASSIFY, 15),
)
HUNT_STEPS: tuple[Step, ...] = (
    (Phase.BASELINE, 6),
    (Phase.WORKER_SNAPSHOTS, 1),
    (Phase.INTERVAL, 14),
    (Phase.TARGET, 6),
    (Phase.WORKER_SNAPSHOTS, 1),
    (Phase.INTERVAL, 14),
    (Phase.FINAL, 6),
    (Phase.WORKER_SNAPSHOTS, 1),
    *ANALYSIS_STEPS,
    (Phase.WORKER_ANALYSIS, 4),
)


class Cancelled(Exception):
    """The user cancelled a long step; not an error worth a warning."""


class ProgressTracker:
    """Turns fractional progress of sub-steps into throttled, monotonic LSP percentages."""

    def __init__(self, send: Sender, cancel: threading.Event | None = None) -> None:
        self._send = send
        self.cancel = cancel or threading.Event()
        self._lock = threading.Lock()
        self._percent = 0
        self._message: str | None = None
        self._start = 0.0
        self._end = 1.0

    def phase(self, start: float, end: float, message: str | None = None) -> ProgressTracker:
        """Map the next step's 0..1 onto ``start..end`` of the whole command."""
        with self._lock:
            self._start, self._end = start, max(end, start)
        self.report(0.0, message)
        return self

    def report(self, fraction: float, message: str | None = None) -> None:
        """Report ``fraction`` (0..1) of the current phase; cheap when nothing visible changes."""
        fraction = min(max(fraction, 0.0), 1.0)
        with self._lock:
            percent = round(100 * (self._start + (self._end - self._start) * fraction))
            percent = max(percent, self._percent)
            if percent == self._percent and (message is None or message == self._message):
                return
            self._percent = percent
            if message is not None:
                self._message = message
        self._send(message, percent)

    def finish(self) -> None:
        """The whole command is done: the bar at 100 %, whichever phases ran (workers may be none)."""
        self.phase(1.0, 1.0)

    def follow(self, steps: Sequence[Step], start: float = 0.0, end: float = 1.0) -> ProgressCallback:
        """A callback that maps the events of ``steps`` (in that order) onto ``start..end`` of the bar."""
        return _PlanFollower(self, steps, start, end)

    def check(self) -> None:
        """Raise :class:`Cancelled` if the user asked to stop; call between steps."""
        if self.cancel.is_set():
            raise Cancelled

    @property
    def percent(self) -> int:
        return self._percent


class _PlanFollower:
    """Moves a tracker through a plan of phases as :class:`Progress` events arrive.

    An event of the next expected phase (repeated phases such as the waits of a hunt
    are matched in order) starts that phase's share of the bar; its ``done``/``total``
    fill the share. An event of a phase the plan does not expect only changes the
    message: the bar never moves back.
    """

    def __init__(self, tracker: ProgressTracker, steps: Sequence[Step], start: float, end: float) -> None:
        self.tracker = tracker
        weight = sum(share for _, share in steps) or 1.0
        self.slices: list[tuple[Phase, float, float]] = []
        at = start
        for phase, share in steps:
            width = (end - start) * share / weight
            self.slices.append((phase, at, at + width))
            at += width
        self.index = -1
        self.lock = threading.Lock()

    def __call__(self, event: Progress) -> None:
        message = event.message[:1].upper() + event.message[1:]
        with self.lock:
            current = self.slices[self.index][0] if self.index >= 0 else None
            if event.phase is not current:
                following = range(self.index + 1, len(self.slices))
                found = next((i for i in following if self.slices[i][0] is event.phase), None)
                if found is not None:
                    self.index = found
                    _, start, end = self.slices[found]
                    self.tracker.phase(start, end, message)
        fraction = event.fraction
        self.tracker.report(fraction if fraction is not None else 0.0, message)

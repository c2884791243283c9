"""Work-done progress and cancellation for long steps that run in worker threads.

Snapshots, loads and analyses run in a thread so the server keeps answering (hovers,
lenses, the cancel itself). Their progress callbacks fire in that thread, often
thousands of times (one per snapshot chunk), while LSP messages must be written from
the event loop. A :class:`ProgressTracker` therefore throttles the callbacks to whole
percent steps, keeps the percentage monotonic across phases, and hands each report to
the loop. It also owns the ``threading.Event`` that the inspector and the analysis poll
to stop early, set both by the client's "cancel" button (``window/workDoneProgress/cancel``)
and by ``$/cancelRequest`` for the command.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable, Iterator

Sender = Callable[[str | None, int | None], None]
"""Deliver one report (message, percentage) to the client; must be safe to call from any thread."""


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
        self._phase_started = time.monotonic()
        self._expected: float | None = None

    def phase(
        self, start: float, end: float, message: str | None = None, *, expected_seconds: float | None = None
    ) -> ProgressTracker:
        """Map the next step's 0..1 onto ``start..end`` of the whole command.

        ``expected_seconds`` is for steps that report nothing while they run (a wait, a
        snapshot of unknown length): :meth:`ticking` then moves the bar towards the end
        of the phase on a curve that slows down and never reaches it, so the bar stays
        honest when the step takes longer than expected.
        """
        with self._lock:
            self._start, self._end = start, max(end, start)
            self._phase_started = time.monotonic()
            self._expected = expected_seconds
        self.report(0.0, message)
        return self

    @contextlib.contextmanager
    def ticking(self, period: float = 0.25) -> Iterator[None]:
        """While inside, advance phases that have ``expected_seconds`` every ``period`` seconds."""
        stop = threading.Event()

        def tick() -> None:
            while not stop.wait(period):
                with self._lock:
                    expected, started = self._expected, self._phase_started
                if expected:
                    self.report(1.0 - math.exp(-(time.monotonic() - started) / expected))

        thread = threading.Thread(target=tick, name="heapscope-progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

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

    def step(self, message: str, fraction: float) -> None:
        """Adapter for the engine's ``Progress`` signature ``(phase name, fraction)``."""
        self.report(fraction, message)

    def counts(self, done: int, total: int) -> None:
        """Adapter for ``(done, total)`` callbacks such as the inspector's snapshot chunks."""
        self.report(done / total if total > 0 else 0.0)

    def check(self) -> None:
        """Raise :class:`Cancelled` if the user asked to stop; call between steps."""
        if self.cancel.is_set():
            raise Cancelled

    @property
    def percent(self) -> int:
        return self._percent

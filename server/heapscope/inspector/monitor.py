"""Watch a live target's memory: periodic samples, observed GCs and a memwatch-style verdict.

Garbage collections are seen from inside the target: a fixed expression installs one
``perf_hooks`` observer for ``gc`` entries, which reports each full (mark-sweep-compact)
collection with the heap size measured right after it through ``Runtime.addBinding``.
Nothing is polled for GCs and no GC is forced. Several monitors on one process share the
observer (reference counted); the last one to stop disconnects it. If Heapscope dies
without stopping, the observer keeps calling a binding nobody listens to, which is a
no-op.

The leak rule (memwatch's): the heap measured after a full GC grew at each of
``LEAK_STREAK`` = 5 consecutive full GCs. One GC that frees more than the program
allocated since the previous one breaks the streak. A program that never needs a full
GC gets no verdict beyond "no full GC yet": growth between GCs is just allocation.
"Stable" needs at least ``MIN_GCS_FOR_VERDICT`` full GCs and an after-GC heap that is
not climbing over the recent GCs: one GC that brings the heap down says nothing about
a heap whose floor keeps rising.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from .errors import InspectorError, InspectorErrorKind

LEAK_STREAK = 5
MIN_GCS_FOR_VERDICT = 3
# The after-GC floor "climbs" when its trend over the window adds more than this share of it.
CLIMB_SHARE = 0.05
# After-GC points used for the trend (least squares slope, bytes per second).
TREND_WINDOW = 10
GC_BINDING = "__heapscopeGc"

_INSTALL_GC_OBSERVER = """(() => {
  const key = Symbol.for('heapscope.gcObserver');
  const present = globalThis[key];
  if (present) { present.users += 1; return present.users; }
  const { PerformanceObserver, constants } = require('perf_hooks');
  const v8 = require('v8');
  const state = { users: 1, minor: 0, observer: null };
  state.observer = new PerformanceObserver((list) => {
    const report = globalThis.__heapscopeGc;
    for (const entry of list.getEntries()) {
      const kind = entry.detail ? entry.detail.kind : entry.kind;
      if (kind !== constants.NODE_PERFORMANCE_GC_MAJOR) { state.minor += 1; continue; }
      if (typeof report !== 'function') continue;
      try {
        report(JSON.stringify({ heapAfterGc: v8.getHeapStatistics().used_heap_size,
          duration: entry.duration, minorSince: state.minor, time: Date.now() }));
      } catch (error) { /* the binding went away with its session */ }
      state.minor = 0;
    }
  });
  state.observer.observe({ entryTypes: ['gc'] });
  Object.defineProperty(globalThis, key, { value: state, configurable: true, enumerable: false });
  return state.users;
})()"""

_REMOVE_GC_OBSERVER = """(() => {
  const key = Symbol.for('heapscope.gcObserver');
  const state = globalThis[key];
  if (!state) return 0;
  state.users -= 1;
  if (state.users <= 0) { state.observer.disconnect(); delete globalThis[key]; }
  return Math.max(state.users, 0);
})()"""


class MonitoredSession(Protocol):
    """What a monitor needs from :class:`~heapscope.inspector.client.InspectorSession`."""

    @property
    def closed(self) -> bool: ...

    def call(
        self, method: str, params: dict[str, Any] | None = None, timeout: float | None = None
    ) -> dict[str, Any]: ...

    def subscribe(self, event: str, callback: Callable[[dict[str, Any]], None]) -> Callable[[], None]: ...

    def evaluate_fixed(self, expression: str, timeout: float | None = None) -> Any: ...

    def memory_usage(self, timeout: float | None = None) -> dict[str, int]: ...


@dataclass(frozen=True)
class MemorySample:
    """One reading. Sizes in bytes; ``after_gc`` is the heap after the latest full GC seen."""

    timestamp: float
    rss: int
    heap_total: int
    heap_used: int
    external: int
    array_buffers: int
    after_gc: int | None
    gc_count: int
    trend_bytes_per_second: float | None
    leak_suspected: bool
    verdict: str

    def to_json(self) -> dict[str, Any]:
        """The ``heapscope/memory`` notification's shape (see docs/ARCHITECTURE.md)."""
        return {
            "timestamp": self.timestamp,
            "rss": self.rss,
            "heapTotal": self.heap_total,
            "heapUsed": self.heap_used,
            "external": self.external,
            "arrayBuffers": self.array_buffers,
            "afterGc": self.after_gc,
            "gcCount": self.gc_count,
            "trendBytesPerSecond": self.trend_bytes_per_second,
            "leakSuspected": self.leak_suspected,
            "verdict": self.verdict,
        }


class LeakHeuristic:
    """The memwatch rule over after-GC heap sizes; pure, so it is testable without a process."""

    def __init__(self, streak_needed: int = LEAK_STREAK) -> None:
        self.streak_needed = streak_needed
        self.points: deque[tuple[float, int]] = deque(maxlen=max(TREND_WINDOW, streak_needed + 1))
        self.streak = 0  # consecutive full GCs with a larger after-GC heap than the one before
        self.streak_start: int | None = None
        self.gc_count = 0

    def add(self, timestamp: float, heap_after_gc: int) -> None:
        if self.points and heap_after_gc > self.points[-1][1]:
            if self.streak == 0:
                self.streak_start = self.points[-1][1]
            self.streak += 1
        else:
            self.streak = 0
            self.streak_start = None
        self.points.append((timestamp, heap_after_gc))
        self.gc_count += 1

    @property
    def after_gc(self) -> int | None:
        return self.points[-1][1] if self.points else None

    @property
    def leak_suspected(self) -> bool:
        return self.streak >= self.streak_needed

    @property
    def trend(self) -> float | None:
        """Least squares slope of after-GC heap over time, bytes per second."""
        points = list(self.points)[-TREND_WINDOW:]
        if len(points) < 2:
            return None
        mean_t = sum(t for t, _ in points) / len(points)
        mean_h = sum(h for _, h in points) / len(points)
        spread = sum((t - mean_t) ** 2 for t, _ in points)
        if spread <= 0:
            return None
        return sum((t - mean_t) * (h - mean_h) for t, h in points) / spread

    @property
    def climbing(self) -> bool:
        """The after-GC heap's trend over the recent full GCs rises by a noticeable share of it."""
        trend = self.trend
        points = list(self.points)[-TREND_WINDOW:]
        if trend is None or trend <= 0:
            return False
        span = points[-1][0] - points[0][0]
        mean = sum(h for _, h in points) / len(points)
        return trend * span > CLIMB_SHARE * mean

    @property
    def verdict(self) -> str:
        if not self.points:
            return "no full GC observed yet"
        if self.leak_suspected:
            assert self.streak_start is not None and self.after_gc is not None
            growth = (self.after_gc - self.streak_start) / 1e6
            return (
                f"leak suspected: heap after GC grew at {self.streak} consecutive full GCs (+{growth:.1f} MB)"
            )
        if self.gc_count < MIN_GCS_FOR_VERDICT:
            return f"{self.gc_count} full GC(s) observed; watching (a verdict needs {MIN_GCS_FOR_VERDICT})"
        if self.streak:
            return f"heap after GC grew at {self.streak} consecutive full GC(s); watching"
        if self.climbing:
            per_minute = (self.trend or 0.0) * 60 / 1e6
            return f"heap after GC is climbing ({per_minute:+.1f} MB/min over the last full GCs); watching"
        return "stable: the heap after GC is flat over the last full GCs"


class MemoryMonitor:
    """Samples a session every ``interval`` seconds and calls ``on_sample`` (in its own thread).

    ``on_error`` gets the one :class:`InspectorError` that ends the monitor (the target
    went away); the monitor stops itself then. A reading that times out while the
    connection is still open (the target is busy building a snapshot) is skipped.
    :meth:`stream` yields the same samples.
    """

    def __init__(
        self,
        session: MonitoredSession,
        interval: float = 2.0,
        on_sample: Callable[[MemorySample], None] | None = None,
        *,
        on_error: Callable[[InspectorError], None] | None = None,
        streak_needed: int = LEAK_STREAK,
    ) -> None:
        if interval <= 0:
            raise InspectorError(
                f"the sampling interval must be positive, not {interval:g}", kind=InspectorErrorKind.INVALID
            )
        self.session = session
        self.interval = interval
        self.on_sample = on_sample
        self.on_error = on_error
        self.heuristic = LeakHeuristic(streak_needed)
        self.error: InspectorError | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._observer_installed = False
        self._listeners: list[queue.Queue[MemorySample | None]] = []

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Install the GC observer and start sampling; raises if the target cannot be reached."""
        if self._thread is not None:
            return
        self._unsubscribe = self.session.subscribe("Runtime.bindingCalled", self._on_binding)
        self.session.call("Runtime.addBinding", {"name": GC_BINDING})
        try:
            self.session.evaluate_fixed(_INSTALL_GC_OBSERVER)
            self._observer_installed = True
        except InspectorError:
            # Samples still work without GC events (e.g. a runtime without perf_hooks).
            if self.session.closed:
                raise
        self._thread = threading.Thread(target=self._run, name="heapscope-monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling and remove what ``start`` installed (only that). Idempotent."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=self.interval + 15.0)
        self._uninstall()
        self._end_streams()

    def _uninstall(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self.session.closed:
            return
        with contextlib.suppress(InspectorError):
            if self._observer_installed:
                self.session.evaluate_fixed(_REMOVE_GC_OBSERVER)
            self.session.call("Runtime.removeBinding", {"name": GC_BINDING})
        self._observer_installed = False

    def __enter__(self) -> MemoryMonitor:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- data ---------------------------------------------------------------------------------

    def stream(self) -> Iterator[MemorySample]:
        """Yield samples as they are taken, until the monitor stops or the target goes away."""
        inbox: queue.Queue[MemorySample | None] = queue.Queue()
        with self._lock:
            self._listeners.append(inbox)
        try:
            while True:
                sample = inbox.get()
                if sample is None:
                    return
                yield sample
        finally:
            with self._lock:
                if inbox in self._listeners:
                    self._listeners.remove(inbox)

    def _on_binding(self, params: dict[str, Any]) -> None:
        if params.get("name") != GC_BINDING:
            return
        try:
            report = orjson.loads(params.get("payload", ""))
            heap_after_gc = int(report["heapAfterGc"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return
        with self._lock:
            self.heuristic.add(time.time(), heap_after_gc)

    def sample(self) -> MemorySample:
        """Take one reading now (also used by the sampling thread)."""
        usage = self.session.memory_usage()
        with self._lock:
            heuristic = self.heuristic
            return MemorySample(
                timestamp=time.time(),
                rss=usage.get("rss", 0),
                heap_total=usage.get("heapTotal", usage.get("totalSize", 0)),
                heap_used=usage.get("heapUsed", usage.get("usedSize", 0)),
                external=usage.get("external", 0),
                array_buffers=usage.get("arrayBuffers", 0),
                after_gc=heuristic.after_gc,
                gc_count=heuristic.gc_count,
                trend_bytes_per_second=heuristic.trend,
                leak_suspected=heuristic.leak_suspected,
                verdict=heuristic.verdict,
            )

    def _run(self) -> None:
        next_time = time.monotonic()
        while not self._stop.is_set():
            try:
                sample = self.sample()
            except InspectorError as error:
                if self._stop.is_set():
                    break
                if not self.session.closed:
                    # Busy, not gone (a snapshot of a big heap holds V8 for a while): skip a sample.
                    next_time = time.monotonic() + self.interval
                    self._stop.wait(self.interval)
                    continue
                self.error = error
                self._stop.set()
                if self.on_error is not None:
                    self.on_error(error)
                break
            if self.on_sample is not None:
                self.on_sample(sample)
            with self._lock:
                listeners = list(self._listeners)
            for inbox in listeners:
                inbox.put(sample)
            next_time += self.interval
            self._stop.wait(max(0.0, next_time - time.monotonic()))
        self._end_streams()

    def _end_streams(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for inbox in listeners:
            inbox.put(None)

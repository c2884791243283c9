"""The one progress event every layer reports with: :class:`Progress` (phase, done, total, message).

Long steps run in layers that know nothing of each other: the snapshot loader, the
analysis, the inspector's snapshot transfer and the live hunt. Each of them takes one
optional callback, :data:`ProgressCallback`, and calls it with a :class:`Progress`
event; the language server turns the events into ``$/progress`` percentages and the CLI
into lines on stderr. The phase says *where* a step is, ``done``/``total`` how far
(``total`` is None when nobody knows the size yet, e.g. the bytes of a snapshot still
streaming), and ``message`` is a short lower-case clause for people. Consumers decide
by the phase and the counts alone; the message is only ever shown, never read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum


class Phase(Enum):
    """Every named step that reports progress, in the order a live hunt meets them.

    The value is a stable identifier (logs, tests); :attr:`label` is what a person reads
    when an event carries no message of its own.
    """

    # The live hunt (hunt/): start or attach, warm up, three snapshots with waits between.
    START = "start"
    WARMUP = "warm-up"
    BASELINE = "baseline"
    INTERVAL = "interval"
    TARGET = "target"
    FINAL = "final"
    WORKER_SNAPSHOTS = "worker-snapshots"
    STOP = "stop"
    # One snapshot taken over the inspector (inspector/): V8 walks the heap, then streams it.
    SNAPSHOT_BUILD = "snapshot-build"
    SNAPSHOT_TRANSFER = "snapshot-transfer"
    # One snapshot file read into memory and indexed (snapshot/).
    PARSE = "parse"
    COLUMNS = "columns"
    RETAINERS = "retainers"
    DISTANCES = "distances"
    DOMINATORS = "dominators"
    RETAINED_SIZES = "retained-sizes"
    CLASSES = "classes"
    # The analysis of two or three snapshots (analysis/).
    LOAD = "load"
    MATCH = "match"
    SURVIVORS = "survivors"
    GROUP = "group"
    MEASURE = "measure"
    COMPARE = "compare"
    CLASSIFY = "classify"
    WORKER_ANALYSIS = "worker-analysis"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Phase.START: "starting the program",
    Phase.WARMUP: "warming up",
    Phase.BASELINE: "taking the baseline snapshot",
    Phase.INTERVAL: "waiting for the next snapshot",
    Phase.TARGET: "taking the target snapshot",
    Phase.FINAL: "taking the final snapshot",
    Phase.WORKER_SNAPSHOTS: "taking the worker threads' snapshots",
    Phase.STOP: "stopping the program",
    Phase.SNAPSHOT_BUILD: "building the snapshot",
    Phase.SNAPSHOT_TRANSFER: "writing the snapshot",
    Phase.PARSE: "parsing the snapshot",
    Phase.COLUMNS: "building node and edge columns",
    Phase.RETAINERS: "indexing retainers",
    Phase.DISTANCES: "computing distances",
    Phase.DOMINATORS: "computing dominators",
    Phase.RETAINED_SIZES: "computing retained sizes",
    Phase.CLASSES: "indexing classes",
    Phase.LOAD: "loading the snapshots",
    Phase.MATCH: "checking the snapshots belong together",
    Phase.SURVIVORS: "finding the objects that survived (three-snapshot rule)",
    Phase.GROUP: "grouping survivors by holder",
    Phase.MEASURE: "measuring containers in every snapshot",
    Phase.COMPARE: "comparing classes",
    Phase.CLASSIFY: "classifying and locating the growing groups",
    Phase.WORKER_ANALYSIS: "analysing the worker threads",
}

# The snapshot a hunt takes at each of its three steps.
SNAPSHOT_PHASES = (Phase.BASELINE, Phase.TARGET, Phase.FINAL)
# The steps of a hunt itself, as opposed to the loading and analysis inside it.
HUNT_PHASES = frozenset(
    {
        Phase.START,
        Phase.WARMUP,
        *SNAPSHOT_PHASES,
        Phase.INTERVAL,
        Phase.WORKER_SNAPSHOTS,
        Phase.STOP,
        Phase.WORKER_ANALYSIS,
    }
)


@dataclass(frozen=True)
class Progress:
    """How far one phase has got: ``done`` of ``total`` units (objects, bytes, seconds, files).

    ``done <= total`` whenever ``total`` is known; ``message`` defaults to the phase's label.
    """

    phase: Phase
    done: float = 0
    total: float | None = None
    message: str = ""

    def __post_init__(self) -> None:
        if not self.message:
            object.__setattr__(self, "message", self.phase.label)
        if self.total is not None and self.done > self.total:
            object.__setattr__(self, "done", self.total)

    @property
    def fraction(self) -> float | None:
        """``done / total`` in 0..1, or None while the total is unknown."""
        if self.total is None:
            return None
        if self.total <= 0:
            return 1.0
        return min(max(self.done / self.total, 0.0), 1.0)


ProgressCallback = Callable[[Progress], None]
"""Called with each event, in the thread that does the work; must be cheap and must not raise."""


def ignore(_event: Progress) -> None:
    """The callback for callers that did not ask for progress."""


def announce(say: Callable[[str], None], *, summary: Mapping[Phase, str] | None = None) -> ProgressCallback:
    """A callback that says each step once, for a log or a terminal: one line per new phase or message.

    A phase in ``summary`` is said as its summary line instead, once for a run of such
    phases (e.g. every analysis phase as one "analysing").
    """
    last: list[object] = [None]

    def progress(event: Progress) -> None:
        line = summary.get(event.phase) if summary else None
        key: object = line if line is not None else (event.phase, event.message)
        if key != last[0]:
            last[0] = key
            say(line if line is not None else event.message)

    return progress


__all__ = ["HUNT_PHASES", "SNAPSHOT_PHASES", "Phase", "Progress", "ProgressCallback", "announce", "ignore"]

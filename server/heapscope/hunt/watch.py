"""What a monitor captures by itself: periodic snapshots, a hunt when the alarm fires, heap-limit files.

All of it is off by default. :class:`Capture` is fed the monitor's samples (by the CLI's
``monitor`` and by the language server's monitor) and decides when to act:

- ``snapshot_every`` seconds it takes a snapshot into ``.heapscope/snapshots`` and keeps
  the last ``keep`` of them (older ones it took are deleted with their sidecars);
- when the memwatch alarm fires and ``on_leak`` is ``"find-leaks"``, it runs the
  three-snapshot hunt once in the monitor's session and hands back the report;
- for a program Heapscope starts, :func:`near_heap_limit_env` asks Node itself to write
  snapshots as the heap nears its limit (``--heapsnapshot-near-heap-limit``), and
  :meth:`Capture.heap_limit_snapshots` notices the files Node wrote.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..analysis import LeakReport
from ..inspector import InspectorSession, MemorySample, default_snapshot_path
from ..inspector.snapshots import snapshot_directory
from ..progress import SNAPSHOT_PHASES, announce
from ..snapshot_files import remove_snapshot
from .defaults import DEFAULT_INTERVAL, DEFAULT_KEEP, ON_LEAK_ACTIONS
from .live import find_leaks_live

_HEAP_LIMIT_PATTERN = "Heap.*.heapsnapshot"


@dataclass
class CaptureOptions:
    snapshot_every: float | None = None
    """Seconds between periodic snapshots; None: none."""
    keep: int = DEFAULT_KEEP
    """How many periodic snapshots to keep."""
    on_leak: str | None = None
    """``"find-leaks"``: run the three-snapshot hunt when the alarm fires; None: only say so."""
    hunt_interval: float = DEFAULT_INTERVAL
    workspace: str | os.PathLike[str] | None = None

    def check(self) -> None:
        """Raise :class:`OptionError` naming the first option that cannot work."""
        if self.snapshot_every is not None and self.snapshot_every <= 0:
            raise OptionError("snapshot_every", f"must be positive, not {self.snapshot_every:g}")
        if self.keep < 1:
            raise OptionError("keep", f"must be at least 1, not {self.keep}")
        if self.on_leak is not None and self.on_leak not in ON_LEAK_ACTIONS:
            raise OptionError("on_leak", f"must be one of {', '.join(ON_LEAK_ACTIONS)}, not {self.on_leak!r}")
        if self.hunt_interval <= 0:
            raise OptionError("hunt_interval", f"must be positive, not {self.hunt_interval:g}")


class OptionError(ValueError):
    """A :class:`CaptureOptions` field that cannot work: ``option`` (the field's name) and ``problem``.

    ``str()`` names the option as the command line spells it; other front ends (the
    language server's settings) spell it their way from ``option``.
    """

    def __init__(self, option: str, problem: str) -> None:
        super().__init__(f"--{option.replace('_', '-')} {problem}")
        self.option = option
        self.problem = problem


def near_heap_limit_env(
    count: int, workspace: str | os.PathLike[str] | None, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Environment for a started program that writes up to ``count`` snapshots near its heap limit.

    Through ``NODE_OPTIONS``, so it reaches the Node process whatever launches it (npm, a
    shell script); the files go to ``.heapscope/snapshots`` (``--diagnostic-dir``).
    """
    environment = dict(os.environ if base is None else base)
    directory = snapshot_directory(workspace or os.getcwd())
    flags = f"--heapsnapshot-near-heap-limit={count} --diagnostic-dir={directory}"
    environment["NODE_OPTIONS"] = " ".join(part for part in (environment.get("NODE_OPTIONS"), flags) if part)
    return environment


class Capture:
    """Acts on a monitor's samples as :class:`CaptureOptions` says; see the module docstring."""

    def __init__(
        self,
        session: InspectorSession,
        options: CaptureOptions,
        *,
        status: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        options.check()
        self.session = session
        self.options = options
        self.status = status or (lambda _text: None)
        self.cancel = cancel
        self.kept: deque[Path] = deque()
        self.hunted = False
        self._next_snapshot = (
            time.monotonic() + options.snapshot_every if options.snapshot_every is not None else None
        )
        self._heap_limit_seen: set[Path] = set(self._heap_limit_files())

    def on_sample(self, sample: MemorySample) -> LeakReport | None:
        """Take a due periodic snapshot; run the hunt once when the alarm fires (its report, else None)."""
        if self._next_snapshot is not None and time.monotonic() >= self._next_snapshot:
            self.periodic_snapshot()
            assert self.options.snapshot_every is not None
            self._next_snapshot = time.monotonic() + self.options.snapshot_every
        if sample.leak_suspected and self.options.on_leak == "find-leaks" and not self.hunted:
            self.hunted = True
            self.status(
                f"{sample.verdict}; hunting with three snapshots {self.options.hunt_interval:g} s apart"
            )
            say = announce(self.status)
            return find_leaks_live(
                self.session,
                interval=self.options.hunt_interval,
                workspace=self.options.workspace,
                progress=lambda event: say(event) if event.phase in SNAPSHOT_PHASES else None,
                cancel=self.cancel,
            )
        return None

    def periodic_snapshot(self) -> Path:
        """One snapshot into ``.heapscope/snapshots``; the oldest beyond ``keep`` are deleted."""
        destination = default_snapshot_path(self.options.workspace or os.getcwd(), "monitor")
        saved = self.session.take_snapshot(dest=destination, label="monitor", cancel=self.cancel)
        self.kept.append(saved.path)
        while len(self.kept) > self.options.keep:
            remove_snapshot(self.kept.popleft())
        self.status(f"snapshot {saved.path} ({saved.size / 1e6:,.1f} MB)")
        return saved.path

    def _heap_limit_files(self) -> list[Path]:
        return sorted(snapshot_directory(self.options.workspace or os.getcwd()).glob(_HEAP_LIMIT_PATTERN))

    def heap_limit_snapshots(self) -> list[Path]:
        """Snapshots Node wrote near its heap limit since the last call."""
        new = [path for path in self._heap_limit_files() if path not in self._heap_limit_seen]
        self._heap_limit_seen.update(new)
        return new

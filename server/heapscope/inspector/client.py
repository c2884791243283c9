"""The live-target API the rest of Heapscope uses: :func:`connect` and :class:`InspectorSession`.

A session is a guest in someone else's process, often next to VS Code's debugger. It
never pauses, resumes or sets breakpoints, never changes pause-on-exception state,
evaluates only fixed expressions written here (``silent`` so an exception cannot trigger
anybody's pause-on-exception), and on close turns off only what it turned on.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..progress import ProgressCallback
from ..snapshot_files import sidecar_document
from .errors import InspectorError, InspectorErrorKind
from .scripts import ScriptInfo, ScriptRecorder, scripts_to_json
from .session import CdpConnection, EventCallback, PendingReply
from .snapshots import (
    SavedSnapshot,
    default_snapshot_path,
    stream_snapshot,
    write_sidecar,
)
from .targets import ResolvedTarget, check_host_allowed, resolve_target

# Fixed expressions evaluated in the target. Never build these from user input.
_TARGET_INFO_EXPRESSION = (
    "(() => ({pid: process.pid, nodeVersion: process.version, platform: process.platform, "
    "title: process.title, cwd: process.cwd(), argv: process.argv, execArgv: process.execArgv}))()"
)
# What a process reports once Node's bootstrap has finished; probed again until it does.
_PROCESS_INFO_KEYS = ("pid", "argv", "execArgv", "title")
_TARGET_INFO_RETRY = 0.02
_MEMORY_USAGE_EXPRESSION = "process.memoryUsage()"
_CPU_USAGE_EXPRESSION = "process.cpuUsage()"
# ``require`` comes from Node's command line API (includeCommandLineAPI), not from the page.
_INSPECTOR_URL_EXPRESSION = (
    "(() => { try { return require('inspector').url() || null; } catch { return null; } })()"
)

# How long to let a cancelled snapshot's remaining chunks drain before the next one.
_DRAIN_TIMEOUT = 600.0


def connect(target: str, *, allow_remote: bool = False, timeout: float = 5.0) -> InspectorSession:
    """Attach to a live Node process; raises :class:`InspectorError` with one sentence on failure."""
    resolved = resolve_target(target, allow_remote=allow_remote, timeout=timeout)
    # /json/list may name another host than the one asked for; check the URL actually opened.
    _check_url_host(resolved.ws_url, allow_remote)
    connection = CdpConnection(resolved.ws_url, timeout=timeout, name=resolved.description)
    session = InspectorSession(connection, resolved, allow_remote=allow_remote, timeout=timeout)
    try:
        session.refresh_target_info(timeout)
    except InspectorError:
        session.close()
        raise
    return session


class InspectorSession:
    """One attachment to one target. Thread-safe: the LSP and a monitor may share it."""

    def __init__(
        self,
        connection: CdpConnection,
        target: ResolvedTarget,
        *,
        allow_remote: bool = False,
        timeout: float = 5.0,
    ) -> None:
        self.connection = connection
        self.target = target
        self.allow_remote = allow_remote
        self.timeout = timeout
        self.target_info: dict[str, Any] = {
            "target": target.description,
            "kind": target.kind,
            "webSocketDebuggerUrl": target.ws_url,
            **{
                key: value
                for key, value in target.info.items()
                if key in ("id", "title", "url", "type", "pid")
            },
        }
        self._scripts = ScriptRecorder(connection)
        self._snapshot_lock = threading.Lock()
        self._snapshot_request: PendingReply | None = None
        self._tracking_allocations = False
        self._closed = False
        if target.via_proxy:
            # js-debug's proxy forwards events only for subscribed patterns; harmless elsewhere.
            with contextlib.suppress(InspectorError):
                connection.call(
                    "JsDebug.subscribe",
                    {"events": ["HeapProfiler.*", "Runtime.bindingCalled", "NodeWorker.*"]},
                    timeout=timeout,
                )

    # -- plain protocol access ----------------------------------------------------------------

    def call(
        self, method: str, params: dict[str, Any] | None = None, timeout: float | None = None
    ) -> dict[str, Any]:
        return self.connection.call(method, params, timeout)

    def subscribe(self, event: str, callback: EventCallback) -> Callable[[], None]:
        return self.connection.subscribe(event, callback)

    def evaluate_fixed(self, expression: str, timeout: float | None = None) -> Any:
        """Evaluate one of this package's fixed expressions and return its JSON value.

        ``silent`` keeps an exception from pausing the target under another debugger's
        pause-on-exceptions setting.
        """
        reply = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "silent": True, "includeCommandLineAPI": True},
            timeout,
        )
        if "exceptionDetails" in reply:
            details = reply["exceptionDetails"]
            text = (details.get("exception") or {}).get("description") or details.get("text") or "exception"
            raise InspectorError(
                f"the target could not evaluate a Heapscope probe: {text.splitlines()[0]}",
                kind=InspectorErrorKind.EVALUATION,
                target=self.target.description,
            )
        return (reply.get("result") or {}).get("value")

    @property
    def closed(self) -> bool:
        return self._closed or self.connection.closed

    # -- target facts -------------------------------------------------------------------------

    def refresh_target_info(self, timeout: float | None = None) -> dict[str, Any]:
        """Ask the process who it is (pid, version, argv, cwd); also proves the session works.

        A process attached to right after it opened its inspector may still be in Node's
        bootstrap: ``process.version`` is there but ``pid``, ``argv``, ``execArgv`` and
        ``title`` are not defined yet (they come back missing from the JSON). So the probe
        is repeated until the process reports all of them or ``timeout`` runs out (each
        probe may take ``timeout`` to answer, so a stopped process fails as before);
        after the deadline whatever the process reported is kept, since a session that
        answers is usable even if it never says who it is.
        """
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            info = self.evaluate_fixed(_TARGET_INFO_EXPRESSION, timeout)
            if isinstance(info, dict):
                self.target_info.update(info)
            if all(key in self.target_info for key in _PROCESS_INFO_KEYS) or time.monotonic() >= deadline:
                return self.target_info
            time.sleep(_TARGET_INFO_RETRY)

    def memory_usage(self, timeout: float | None = None) -> dict[str, int]:
        """``process.memoryUsage()`` plus V8's own ``usedSize``/``totalSize``, in bytes."""
        heap = self.call("Runtime.getHeapUsage", timeout=timeout)
        usage = self.evaluate_fixed(_MEMORY_USAGE_EXPRESSION, timeout)
        result = {key: int(value) for key, value in (usage or {}).items() if isinstance(value, int | float)}
        result["usedSize"] = int(heap.get("usedSize", 0))
        result["totalSize"] = int(heap.get("totalSize", 0))
        return result

    def cpu_seconds(self, timeout: float | None = None) -> float | None:
        """CPU time the process has used so far (user + system, all its threads), in seconds;
        None when it cannot say (a runtime without ``process.cpuUsage``)."""
        try:
            usage = self.evaluate_fixed(_CPU_USAGE_EXPRESSION, timeout)
        except InspectorError:
            return None
        if not isinstance(usage, dict):
            return None
        user, system = usage.get("user"), usage.get("system")
        if not isinstance(user, int | float) or not isinstance(system, int | float):
            return None
        return (user + system) / 1e6

    # -- scripts ------------------------------------------------------------------------------

    def script_map(self) -> dict[str, ScriptInfo]:
        """Script id → URL and source map URL for every script the target has parsed.

        See :mod:`heapscope.inspector.scripts` for why this is safe next to VS Code's
        debugger and why the js-debug proxy needs a second, direct session.
        """
        return self._collect_scripts().scripts

    def _collect_scripts(self) -> _ScriptReplay:
        if not self.target.via_proxy:
            scripts = self._scripts.refresh(max(self.timeout, 10.0))
            return _ScriptReplay("debugger", scripts, self._scripts.target_paused)
        direct_url = self.evaluate_fixed(_INSPECTOR_URL_EXPRESSION)
        if not isinstance(direct_url, str) or not direct_url.startswith("ws"):
            return _ScriptReplay("none", {}, False)
        _check_url_host(direct_url, self.allow_remote)
        side = CdpConnection(direct_url, timeout=self.timeout, name=f"{self.target.description} (direct)")
        recorder = ScriptRecorder(side)
        try:
            scripts = recorder.refresh(max(self.timeout, 10.0))
            return _ScriptReplay("debugger", scripts, recorder.target_paused)
        finally:
            recorder.close()
            side.close()

    # -- snapshots ----------------------------------------------------------------------------

    def take_snapshot(
        self,
        *,
        workspace: str | os.PathLike[str] | None = None,
        dest: str | os.PathLike[str] | None = None,
        label: str = "snapshot",
        gc: bool = True,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        scripts: bool = True,
    ) -> SavedSnapshot:
        """Take a heap snapshot and save it with its sidecar; see :mod:`heapscope.inspector.snapshots`.

        ``dest`` wins over ``workspace``; with neither, the current directory is the
        workspace. ``progress`` follows V8's object count while it builds the snapshot,
        then the bytes written while it streams (see :func:`.snapshots.stream_snapshot`).
        """
        destination = (
            Path(dest) if dest is not None else default_snapshot_path(workspace or Path.cwd(), label)
        )
        destination = destination.absolute()
        if dest is not None:
            try:
                destination.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise InspectorError(
                    f"cannot create the directory {destination.parent}: {error.strerror}",
                    kind=InspectorErrorKind.FILE,
                ) from None
        with self._snapshot_lock:
            self._drain_previous_snapshot()
            replay = _ScriptReplay("none", {}, False)
            if scripts or gc:
                try:
                    replay = self._collect_scripts()
                except InspectorError:
                    if self.connection.closed:
                        raise
                    # A script map is a convenience: the snapshot maps closures to scripts itself.
            script_source, script_map = (replay.source, replay.scripts) if scripts else ("none", {})
            # A GC request waits for a paused debugger to resume (see snapshots._collect_garbage).
            gc = gc and not replay.target_paused
            # The program's CPU time around the snapshot: what it ran between two snapshots
            # tells the analysis whether it got its share of a busy machine (not when paused).
            probe = not replay.target_paused
            cpu_before = self.cpu_seconds() if probe else None
            started = time.monotonic()
            size = stream_snapshot(
                self.connection,
                destination,
                gc=gc,
                progress=progress,
                cancel=cancel,
                on_request=self._remember_snapshot_request,
            )
            seconds = time.monotonic() - started
            cpu_after = self.cpu_seconds() if probe else None
        document = sidecar_document(
            destination,
            target=self.target_info,
            scripts=scripts_to_json(script_map),
            script_source=script_source,
            label=label,
            gc=gc,
            size=size,
            seconds=seconds,
            allocation_tracking=self._tracking_allocations,
            cpu_seconds=(cpu_before, cpu_after),
        )
        sidecar = write_sidecar(destination, document)
        return SavedSnapshot(destination, sidecar, size, seconds)

    def _remember_snapshot_request(self, request: PendingReply) -> None:
        self._snapshot_request = request

    def _drain_previous_snapshot(self) -> None:
        """After a cancel, V8 is still streaming the old snapshot: wait until it is through."""
        request = self._snapshot_request
        if request is not None and not request.wait_done(_DRAIN_TIMEOUT):
            raise InspectorError(
                "the target is still sending a cancelled snapshot; try again later",
                kind=InspectorErrorKind.BUSY,
                target=self.target.description,
            )
        self._snapshot_request = None

    # -- allocation tracking -----------------------------------------------------------------

    def start_allocation_tracking(self) -> None:
        """Record an allocation stack for every new object, so snapshots say where objects were made.

        It slows the target noticeably; stop it when done.
        """
        self.call("HeapProfiler.startTrackingHeapObjects", {"trackAllocations": True})
        self._tracking_allocations = True

    def stop_allocation_tracking(self) -> None:
        """Stop tracking. V8 answers with a full snapshot's worth of chunks, which we drop."""
        if not self._tracking_allocations:
            return
        with self._snapshot_lock:
            self._drain_previous_snapshot()
            request = self.connection.send("HeapProfiler.stopTrackingHeapObjects", {"reportProgress": False})
            self._snapshot_request = request
            self._tracking_allocations = False
            request.wait(_DRAIN_TIMEOUT)

    # -- end ---------------------------------------------------------------------------------

    def close(self) -> None:
        """Turn off what we turned on (allocation tracking), then close the socket. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if not self.connection.closed and self._tracking_allocations:
            with contextlib.suppress(InspectorError):
                self.stop_allocation_tracking()
        self._scripts.close()
        self.connection.close()

    def __enter__(self) -> InspectorSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@dataclass(frozen=True)
class _ScriptReplay:
    source: str  # "debugger" or "none" (see the sidecar's scriptSource)
    scripts: dict[str, ScriptInfo]
    target_paused: bool  # another debugger holds the target paused


def _check_url_host(url: str, allow_remote: bool) -> None:
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    check_host_allowed(host, allow_remote)

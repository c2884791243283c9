"""The target's worker threads: each one's isolate as an :class:`InspectorSession` of its own.

``NodeWorker.enable`` makes Node announce every running worker (``attachedToWorker``,
before it answers) and open a session with it; messages to and from that session travel
inside the main connection (see :class:`~heapscope.inspector.session.WorkerConnection`).
Workers are attached with ``waitForDebuggerOnStart: false``, so no worker ever waits for
Heapscope, and :meth:`WorkerGroup.close` detaches them again with ``NodeWorker.disable``:
the target's inspector state is what it was before.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from typing import Any

from ..script_urls import file_url_to_path, is_file_url
from .client import InspectorSession
from .errors import InspectorError
from .session import WorkerConnection
from .targets import ResolvedTarget

# Node announces the running workers before it answers NodeWorker.enable; a short grace
# period covers proxies that forward the events a little later.
_ANNOUNCE_GRACE = 0.2
# A fixed expression; ``require`` comes from the command line API in the worker too.
_THREAD_ID_EXPRESSION = "require('node:worker_threads').threadId"


@dataclass(frozen=True)
class WorkerInfo:
    """One worker thread as the user knows it: its thread id and the script it runs."""

    thread_id: str
    script: str
    """A path for a file script (``file://`` URLs decoded), otherwise the URL or title."""
    session_id: str

    @property
    def label(self) -> str:
        return f"worker {self.thread_id} ({self.script})"

    def to_json(self) -> dict[str, Any]:
        return {"threadId": self.thread_id, "script": self.script}


def _script_of(info: dict[str, Any]) -> str:
    url = str(info.get("url") or "")
    return (file_url_to_path(url) if is_file_url(url) else url) or str(info.get("title") or "")


class WorkerGroup:
    """The workers running when :func:`attach_workers` was called, each with its own session."""

    def __init__(self, session: InspectorSession) -> None:
        self.session = session
        self.workers: list[tuple[WorkerInfo, InspectorSession]] = []
        self._lock = threading.Lock()
        self._enabled = False

    def _announced(self, params: dict[str, Any]) -> None:
        info = params.get("workerInfo") or {}
        session_id = str(params.get("sessionId") or "")
        if not session_id:
            return
        worker = WorkerInfo(str(info.get("workerId") or session_id), _script_of(info), session_id)
        connection = WorkerConnection(self.session.connection, session_id, name=worker.label)
        target = ResolvedTarget(
            self.session.target.ws_url,
            "worker",
            worker.label,
            {"pid": self.session.target_info.get("pid"), "type": "worker"},
        )
        worker_session = InspectorSession(connection, target, timeout=self.session.timeout)
        worker_session.target_info["worker"] = worker.to_json()
        with self._lock:
            self.workers.append((worker, worker_session))

    def attach(self, timeout: float | None = None) -> list[tuple[WorkerInfo, InspectorSession]]:
        unsubscribe = self.session.subscribe("NodeWorker.attachedToWorker", self._announced)
        try:
            self.session.call("NodeWorker.enable", {"waitForDebuggerOnStart": False}, timeout)
            self._enabled = True
            time.sleep(_ANNOUNCE_GRACE)
        finally:
            unsubscribe()  # workers started from now on are not part of this hunt
        with self._lock:
            announced = list(self.workers)
        named = [
            (self._with_thread_id(worker, worker_session), worker_session)
            for worker, worker_session in announced
        ]
        with self._lock:
            self.workers = named
            return list(named)

    @staticmethod
    def _with_thread_id(worker: WorkerInfo, worker_session: InspectorSession) -> WorkerInfo:
        """The worker's ``threadId`` as its own code sees it (the inspector numbers workers itself)."""
        try:
            thread_id = worker_session.evaluate_fixed(_THREAD_ID_EXPRESSION)
        except InspectorError:
            return worker
        if not isinstance(thread_id, int):
            return worker
        named = WorkerInfo(str(thread_id), worker.script, worker.session_id)
        worker_session.connection.name = named.label
        worker_session.target_info["worker"] = named.to_json()
        return named

    def close(self) -> None:
        """Close every worker session (turning off what each turned on), then ``NodeWorker.disable``."""
        with self._lock:
            workers, self.workers = self.workers, []
        for _worker, worker_session in workers:
            with contextlib.suppress(Exception):
                worker_session.close()
        if self._enabled and not self.session.closed:
            with contextlib.suppress(InspectorError):
                self.session.call("NodeWorker.disable")
        self._enabled = False

    def __enter__(self) -> WorkerGroup:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def attach_workers(session: InspectorSession, timeout: float | None = None) -> WorkerGroup:
    """Attach to every worker thread the target runs now; close the group to detach.

    A runtime without the ``NodeWorker`` domain (an old Node, a browser) has no workers to
    offer: the group is then empty rather than an error.
    """
    group = WorkerGroup(session)
    try:
        group.attach(timeout)
    except InspectorError:
        if session.closed:
            raise
    return group

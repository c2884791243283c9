"""One websocket session with a V8 inspector: requests, replies and events.

A reader thread owns the receiving side of the socket. Each request gets an id and a
waiter; the reader hands the matching reply to that waiter and every event to the
subscribers of its method, in the reader thread, in arrival order (the snapshot writer
relies on that order). When the socket closes or breaks, every waiter, present and
future, gets the same :class:`InspectorError`, so no caller ever hangs on a dead target.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable
from typing import Any

import orjson
import websocket

from .errors import InspectorError, InspectorErrorKind

EventCallback = Callable[[dict[str, Any]], None]

# Requests that wait longer than this (seconds) fail; snapshots use their own inactivity rule.
DEFAULT_REQUEST_TIMEOUT = 10.0
# The JSON-RPC code of V8's own "server error" replies.
_SERVER_ERROR = -32000


class PendingReply:
    """A request in flight; :meth:`wait` returns its result or raises its error."""

    def __init__(self, method: str, target: str | None = None) -> None:
        self.method = method
        self.target = target
        self._done = threading.Event()
        self._result: dict[str, Any] | None = None
        self._error: InspectorError | None = None

    def resolve(self, result: dict[str, Any]) -> None:
        self._result = result
        self._done.set()

    def fail(self, error: InspectorError) -> None:
        if not self._done.is_set():
            self._error = error
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait_done(self, timeout: float | None) -> bool:
        """Wait without raising; True once a reply or an error is there."""
        return self._done.wait(timeout)

    def wait(self, timeout: float | None) -> dict[str, Any]:
        """Block until the reply arrives; ``timeout`` None waits as long as the socket lives."""
        if not self._done.wait(timeout):
            raise InspectorError(
                f"the inspector did not answer {self.method} within {timeout:g} s "
                "(the target may be busy or stopped)",
                kind=InspectorErrorKind.TIMEOUT,
                target=self.target,
            )
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


class CdpConnection:
    """The transport: ids, replies, subscribers, close. Knows nothing about heap snapshots."""

    def __init__(self, ws_url: str, *, timeout: float = 5.0, name: str | None = None) -> None:
        self.ws_url = ws_url
        self.name = name or ws_url
        self.request_timeout = DEFAULT_REQUEST_TIMEOUT
        try:
            # No Origin header: Node does not need one and some proxies reject unknown origins.
            self._ws = websocket.create_connection(
                ws_url,
                timeout=timeout,
                suppress_origin=True,
                enable_multithread=True,
                # orjson validates the UTF-8 anyway; websocket-client does it in pure Python (slow).
                skip_utf8_validation=True,
            )
        except websocket.WebSocketBadStatusException as error:
            raise InspectorError(
                f"{ws_url} refused the websocket handshake (HTTP {error.status_code}); "
                "it is not an inspector endpoint or the target id is stale",
                kind=InspectorErrorKind.NOT_INSPECTOR,
                target=self.name,
            ) from None
        except ConnectionRefusedError:
            raise InspectorError(
                f"nothing is listening at {ws_url} (connection refused)",
                kind=InspectorErrorKind.NOT_LISTENING,
                target=self.name,
            ) from None
        except (TimeoutError, websocket.WebSocketTimeoutException):
            raise InspectorError(
                f"{ws_url} did not complete the websocket handshake within {timeout:g} s",
                kind=InspectorErrorKind.TIMEOUT,
                target=self.name,
            ) from None
        except (OSError, websocket.WebSocketException) as error:
            raise InspectorError(
                f"cannot open {ws_url}: {describe_os_error(error)}",
                kind=InspectorErrorKind.UNREACHABLE,
                target=self.name,
            ) from None
        # The reader blocks on recv; closing the socket from close() wakes it.
        self._ws.settimeout(None)
        self._init_state()
        self._reader: threading.Thread | None = threading.Thread(
            target=self._read_loop, name=f"heapscope-cdp-{self.name}", daemon=True
        )
        self._reader.start()

    def _init_state(self) -> None:
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._pending: dict[int, PendingReply] = {}
        self._subscribers: dict[str, list[EventCallback]] = {}
        self._close_callbacks: list[Callable[[InspectorError], None]] = []
        self._closed: InspectorError | None = None
        self._closing = False

    def _transmit(self, text: str) -> None:
        """Put one protocol message on the wire (here: the websocket)."""
        self._ws.send(text)

    def _shut_transport(self) -> None:
        with contextlib.suppress(OSError, websocket.WebSocketException):
            self._ws.send_close()
        with contextlib.suppress(OSError, websocket.WebSocketException):
            self._ws.shutdown()  # type: ignore[no-untyped-call]

    # -- requests -----------------------------------------------------------------------------

    def send(self, method: str, params: dict[str, Any] | None = None) -> PendingReply:
        """Send a request without waiting; the caller waits on the returned reply."""
        pending = PendingReply(method, self.name)
        with self._lock:
            if self._closed is not None:
                raise self._closed
            request_id = next(self._ids)
            self._pending[request_id] = pending
        message: dict[str, Any] = {"id": request_id, "method": method}
        if params:
            message["params"] = params
        try:
            self._transmit(orjson.dumps(message).decode())
        except (OSError, websocket.WebSocketException, InspectorError):
            error = self._connection_lost()
            pending.fail(error)
        return pending

    def call(
        self, method: str, params: dict[str, Any] | None = None, timeout: float | None = None
    ) -> dict[str, Any]:
        """Send a request and return its ``result``; a protocol error becomes :class:`InspectorError`."""
        return self.send(method, params).wait(self.request_timeout if timeout is None else timeout)

    # -- events -------------------------------------------------------------------------------

    def subscribe(self, event: str, callback: EventCallback) -> Callable[[], None]:
        """Call ``callback(params)`` in the reader thread for each ``event``; returns the unsubscriber."""
        with self._lock:
            self._subscribers.setdefault(event, []).append(callback)

        def unsubscribe() -> None:
            with self._lock:
                callbacks = self._subscribers.get(event, [])
                if callback in callbacks:
                    callbacks.remove(callback)

        return unsubscribe

    def on_close(self, callback: Callable[[InspectorError], None]) -> None:
        """Call ``callback(error)`` once when the connection ends (also after :meth:`close`)."""
        with self._lock:
            if self._closed is None:
                self._close_callbacks.append(callback)
                return
            error = self._closed
        callback(error)

    @property
    def closed(self) -> bool:
        return self._closed is not None

    # -- life cycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the socket; waiters still pending get an error saying the session was closed."""
        with self._lock:
            if self._closed is not None:
                return
            self._closing = True
        self._shut_transport()
        self._finish(self._closed_error())
        if self._reader is not None and threading.current_thread() is not self._reader:
            self._reader.join(timeout=2.0)

    def _read_loop(self) -> None:
        while True:
            try:
                frame = self._ws.recv()
            except (OSError, websocket.WebSocketException, ValueError):
                break
            if not frame:  # empty read: the peer closed
                break
            try:
                message = orjson.loads(frame)
            except orjson.JSONDecodeError:
                continue
            self._dispatch(message)
        self._connection_lost()

    def _dispatch(self, message: dict[str, Any]) -> None:
        request_id = message.get("id")
        if request_id is not None:
            with self._lock:
                pending = self._pending.pop(request_id, None)
            if pending is None:
                return
            if "error" in message:
                pending.fail(self._protocol_error(pending.method, message["error"]))
            else:
                pending.resolve(message.get("result") or {})
            return
        method = message.get("method")
        if not method:
            return
        with self._lock:
            callbacks = list(self._subscribers.get(method, ()))
        params = message.get("params") or {}
        for callback in callbacks:
            try:
                callback(params)
            except Exception:  # a subscriber's bug must not stop replies to everyone else
                continue

    def _connection_lost(self) -> InspectorError:
        with self._lock:
            closing = self._closing
        if closing:
            error = self._closed_error()
        else:
            error = InspectorError(
                f"the connection to {self.name} was lost "
                "(the target exited or another tool closed the inspector)",
                kind=InspectorErrorKind.TARGET_EXITED,
                target=self.name,
            )
        return self._finish(error)

    def _closed_error(self) -> InspectorError:
        return InspectorError(
            f"the inspector session with {self.name} was closed",
            kind=InspectorErrorKind.CLOSED,
            target=self.name,
        )

    def _protocol_error(self, method: str, error: Any) -> InspectorError:
        """The inspector's error reply to ``method`` as an :class:`InspectorError`.

        ``Runtime.evaluate`` without a context id fails with V8's server error
        (-32000) only when there is no default context to evaluate in: the program's
        script has ended while node waits for its debugger to leave. That is
        :attr:`InspectorErrorKind.NO_CONTEXT`; every other error reply is ``PROTOCOL``.
        """
        problem = error.get("message", "unknown error") if isinstance(error, dict) else "unknown error"
        code = error.get("code") if isinstance(error, dict) else None
        kind = InspectorErrorKind.PROTOCOL
        if method == "Runtime.evaluate" and code == _SERVER_ERROR:
            kind = InspectorErrorKind.NO_CONTEXT
        return InspectorError(f"{method} failed: {problem}", kind=kind, target=self.name)

    def _finish(self, error: InspectorError) -> InspectorError:
        with self._lock:
            if self._closed is not None:
                return self._closed
            self._closed = error
            pending = list(self._pending.values())
            self._pending.clear()
            callbacks = list(self._close_callbacks)
            self._close_callbacks.clear()
        for waiter in pending:
            waiter.fail(error)
        for callback in callbacks:
            callback(error)
        return error


def describe_os_error(error: BaseException) -> str:
    """A short lower-case reason from an OS or websocket error, without errno noise."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


class WorkerConnection(CdpConnection):
    """A session with one worker thread's isolate, carried inside the main target's connection.

    Node's ``NodeWorker`` domain wraps each protocol message for the worker in
    ``NodeWorker.sendMessageToWorker`` and hands its replies and events back as
    ``NodeWorker.receivedMessageFromWorker``; this class unwraps them, so everything built
    on a connection (snapshots, allocation tracking, the script map) works on a worker as
    it does on the main thread. Messages arrive in the main connection's reader thread, in
    order. The connection ends when the worker exits (``detachedFromWorker``) or the main
    connection does.
    """

    def __init__(self, parent: CdpConnection, session_id: str, *, name: str) -> None:
        self.ws_url = parent.ws_url
        self.name = name
        self.request_timeout = parent.request_timeout
        self._init_state()
        self._reader = None
        self._parent = parent
        self._session_id = session_id
        self._unsubscribers = [
            parent.subscribe("NodeWorker.receivedMessageFromWorker", self._on_message),
            parent.subscribe("NodeWorker.detachedFromWorker", self._on_detached),
        ]
        parent.on_close(self._parent_closed)

    def _transmit(self, text: str) -> None:
        self._parent.send("NodeWorker.sendMessageToWorker", {"sessionId": self._session_id, "message": text})

    def _shut_transport(self) -> None:
        for unsubscribe in self._unsubscribers:
            unsubscribe()

    def _on_message(self, params: dict[str, Any]) -> None:
        if params.get("sessionId") != self._session_id:
            return
        try:
            message = orjson.loads(params.get("message") or "")
        except orjson.JSONDecodeError:
            return
        if isinstance(message, dict):
            self._dispatch(message)

    def _parent_closed(self, error: InspectorError) -> None:
        self._finish(error)

    def _on_detached(self, params: dict[str, Any]) -> None:
        if params.get("sessionId") == self._session_id:
            self._shut_transport()
            self._finish(
                InspectorError(f"{self.name} exited", kind=InspectorErrorKind.TARGET_EXITED, target=self.name)
            )

"""The Heapscope language server: LSP handlers that delegate to :mod:`.state` and :mod:`.translate`.

Handlers stay thin: parse the command's arguments, run the blocking step in a worker
thread with progress and cancellation, publish what :mod:`.translate` makes of the
result. Every handler is guarded: whatever goes wrong becomes one sentence in
``window/showMessage`` (details in ``window/logMessage``) and a ``null`` result, never
an exception that would take the server down or leave the editor with a stack trace.

Long steps are ``async`` handlers that hand the blocking work to the server's thread
pool rather than ``@server.thread()`` handlers: all LSP writes (progress, diagnostics,
the response) then happen on the event loop, in order, which is also what the TCP
transport requires (asyncio stream writers are not thread-safe).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import sys
import threading
import traceback
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from .. import __version__, limits
from ..analysis.model import KIND_WORDS, Finding, LeakReport, Location
from ..snapshot import SnapshotError
from . import framing, translate
from .options import SETTINGS_SECTION, parse_options
from .progress import Cancelled, ProgressTracker
from .state import Session, UserError

T = TypeVar("T")
log = logging.getLogger(__name__)

MEMORY_NOTIFICATION = "heapscope/memory"
FINDINGS_NOTIFICATION = "heapscope/findings"
STATUS_NOTIFICATION = "heapscope/status"
# Messages to the user and the log are cut here: an argument of megabytes must not come
# back in them (the client already has it).
_MESSAGE_LIMIT = 400
# How long shutdown waits for a running step (a snapshot being written) to stop.
_SHUTDOWN_WAIT = 30.0


def _clip(text: str) -> str:
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"


def kinds_json() -> dict[str, dict[str, str]]:
    """What the client calls each leak kind (``label``) and what it counts (``singular``, ``plural``)."""
    return {kind: words.to_json() for kind, words in KIND_WORDS.items()}


class HeapscopeProtocol(LanguageServerProtocol):
    """pygls' protocol, with a shutdown that survives requests finishing while it runs.

    Its initialize result also tells the client the words for each leak kind
    (``capabilities.experimental.heapscope.kinds``), so the client names kinds as the server does.
    """

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Any:
        result = yield from super().lsp_initialize(params)
        result.capabilities.experimental = {"heapscope": {"kinds": kinds_json()}}
        return result

    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args: Any) -> Any:
        if (user_handler := self.fm.features.get(types.SHUTDOWN)) is not None:
            yield user_handler, args, None
        current = self.msg_id
        # A copy: cancelling a future runs callbacks that remove it from the mapping.
        for message_id, future in list(self._request_futures.items()):
            if message_id != current and not future.done():
                future.cancel()
        self._shutdown = True
        return None


def _expected_errors() -> tuple[type[BaseException], ...]:
    """Errors whose ``str()`` is already the one sentence to show the user."""
    errors: list[type[BaseException]] = [UserError, SnapshotError]
    with contextlib.suppress(ImportError):
        from ..inspector import InspectorError

        errors.append(InspectorError)
    with contextlib.suppress(ImportError):
        from .. import analysis, hunt

        errors += [analysis.AnalysisError, hunt.RunError]
    return tuple(errors)


class HeapscopeServer(LanguageServer):
    """A language server with one Heapscope session."""

    def __init__(self) -> None:
        super().__init__("heapscope", __version__, max_workers=8, protocol_cls=HeapscopeProtocol)
        self.session = Session()
        # Running steps, so that shutdown can cancel them and wait for them to stop.
        self.in_flight: dict[ProgressTracker, concurrent.futures.Future[Any]] = {}
        # Set when the client's byte stream stopped being LSP framing and the server quit.
        self.framing_failed = False
        self.loop: asyncio.AbstractEventLoop | None = None
        self.published_uris: set[str] = set()
        self.background: set[asyncio.Future[Any]] = set()
        """Steps the server started by itself (a hunt on the monitor's alarm), kept until done."""
        self.session.on_target_lost = lambda message, quiet: self.call_soon(self.target_lost, message, quiet)

    # ------------------------------------------------------------ messages to the client

    def show(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=_clip(message)))

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        # A traceback keeps its lines (each cut to the limit); anything else is cut as a whole.
        lines = message.splitlines() if "Traceback" in message else [message]
        text = "\n".join(_clip(line) for line in lines[:200])
        self.window_log_message(types.LogMessageParams(type=kind, message=text))

    # ------------------------------------------------------------ transports

    def start_io(self, stdin: Any = None, stdout: Any = None) -> None:
        """stdio, read with strict framing (see :mod:`.framing`)."""
        self._stop_event = threading.Event()
        reader = framing.StdinReader(stdin or sys.stdin.buffer, self.thread_pool)
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        try:
            self.framing_failed = not asyncio.run(framing.serve(self._stop_event, reader, self.protocol))
        except BrokenPipeError:
            log.error("The connection to the client is lost; shutting down.")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()  # type: ignore[no-untyped-call]

    def start_tcp(self, host: str, port: int) -> None:
        """One TCP client, read with strict framing; OSError if the address cannot be bound."""
        self._stop_event = stop = threading.Event()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.protocol.set_writer(writer)
            self.framing_failed = not await framing.serve(stop, framing.StreamReader(reader), self.protocol)
            self.shutdown()  # type: ignore[no-untyped-call]

        async def listen() -> None:
            self._server = await asyncio.start_server(connection, host, port)
            async with self._server:
                await self._server.serve_forever()

        with contextlib.suppress(asyncio.CancelledError, KeyboardInterrupt):
            asyncio.run(listen())

    async def cancel_in_flight(self) -> None:
        """Ask every running step to stop and wait (bounded) until they have."""
        pending = list(self.in_flight.items())
        for tracker, _ in pending:
            tracker.cancel.set()
        if pending:
            waiting = [asyncio.wrap_future(future) for _, future in pending]
            await asyncio.wait(waiting, timeout=_SHUTDOWN_WAIT)
            for waited in waiting:  # their errors are run_step's to report, not the loop's
                if waited.done() and not waited.cancelled():
                    waited.exception()
        # Let the requests those steps belonged to send their responses.
        for _ in range(5):
            await asyncio.sleep(0)

    def call_soon(self, callback: Callable[..., Any], *args: Any) -> None:
        """Run ``callback`` on the event loop (from any thread): the one place LSP writes happen."""
        if self.loop is None or _running_loop() is self.loop:
            callback(*args)
        else:
            self.loop.call_soon_threadsafe(callback, *args)

    def report_failure(self, what: str, error: BaseException) -> None:
        """One sentence to the user; the traceback only to the log, and only for unexpected errors.

        Our own :class:`UserError` is already a full sentence. Engine, inspector and
        analysis errors are one-line clauses (made to follow ``heapscope:`` on a
        terminal), so they get the failed action in front of them.
        """
        text = str(error).strip()
        detail = text.splitlines()[0] if text else type(error).__name__
        if isinstance(error, UserError):
            message = detail
        else:
            message = f"Heapscope could not {what}: {detail}"
            if not isinstance(error, _expected_errors()):
                self.log("".join(traceback.format_exception(error)), types.MessageType.Error)
        self.log(message, types.MessageType.Error)
        self.show(message)

    def target_lost(self, message: str, quiet: bool) -> None:
        """The target exited or closed the connection; ``quiet`` when a running step reports it."""
        self.log(message, types.MessageType.Warning)
        if not quiet:
            self.show(message, types.MessageType.Warning)
        self.send_status()

    def send_status(self) -> None:
        self.protocol.notify(STATUS_NOTIFICATION, self.session.status())

    def supports_progress(self) -> bool:
        window = self.client_capabilities.window
        return bool(window and window.work_done_progress)

    def refresh_code_lenses(self) -> None:
        workspace = self.client_capabilities.workspace
        if workspace and workspace.code_lens and workspace.code_lens.refresh_support:
            self.workspace_code_lens_refresh(None)

    # ------------------------------------------------------------ long steps

    async def run_step(
        self,
        title: str,
        what: str,
        work: Callable[[ProgressTracker], T],
        outcome_of: Callable[[T], str] | None = None,
    ) -> T | None:
        """Run ``work`` in a worker thread with cancellable work-done progress; None if it failed.

        The progress ends with ``outcome_of(result)`` (what the step found), else "Done".
        """
        token: str | None = None
        if self.supports_progress():
            token = f"heapscope-{uuid.uuid4()}"
            try:
                await self.work_done_progress.create_async(token)
            except Exception:  # the client refused; carry on without a progress bar
                token = None
        tracker = ProgressTracker(self._progress_sender(token))
        if token is not None:
            self.work_done_progress.begin(
                token, types.WorkDoneProgressBegin(title=title, cancellable=True, percentage=0)
            )
            cancel_future = self.work_done_progress.tokens.get(token)
            if cancel_future is not None:
                cancel_future.add_done_callback(
                    lambda future: tracker.cancel.set() if future.cancelled() else None
                )
        outcome = "Done"
        future: concurrent.futures.Future[T] = self.thread_pool.submit(work, tracker)
        self.in_flight[tracker] = future
        future.add_done_callback(lambda _: self.in_flight.pop(tracker, None))
        try:
            result = await asyncio.shield(asyncio.wrap_future(future))
            tracker.finish()
            if outcome_of is not None:
                outcome = outcome_of(result)
            return result
        except asyncio.CancelledError:
            tracker.cancel.set()
            outcome = "Cancelled"
            with contextlib.suppress(BaseException):
                await asyncio.wrap_future(future)
            raise
        except Exception as error:
            if tracker.cancel.is_set() or isinstance(error, Cancelled):
                outcome = "Cancelled"
                self.show(f"{title} cancelled.", types.MessageType.Info)
            else:
                outcome = "Failed"
                self.report_failure(what, error)
                if await asyncio.to_thread(self.session.forget_dead_target):
                    self.send_status()
            return None
        finally:
            if token is not None:
                self.work_done_progress.end(token, types.WorkDoneProgressEnd(message=outcome))
                self.work_done_progress.tokens.pop(token, None)

    def _progress_sender(self, token: str | None) -> Callable[[str | None, int | None], None]:
        def send(message: str | None, percent: int | None) -> None:
            if token is None:
                return
            value = types.WorkDoneProgressReport(message=message, percentage=percent, cancellable=True)
            self.call_soon(self.work_done_progress.report, token, value)

        return send

    async def run_quick(self, what: str, work: Callable[[], T]) -> T | None:
        """Run a short blocking step (attach, detach) off the event loop; None if it failed."""
        try:
            return await asyncio.to_thread(work)
        except Exception as error:
            self.report_failure(what, error)
            return None

    # ------------------------------------------------------------ findings -> editor

    def shown_findings(self) -> list[Finding]:
        """Findings at or above the user's severity threshold (diagnostics, lenses and hovers alike)."""
        shows = self.session.options.shows
        return [finding for finding in self.session.findings if shows(finding.severity)]

    def publish_findings(self) -> None:
        """Replace every Heapscope diagnostic with those of the current findings; refresh lenses."""
        session = self.session
        new = translate.diagnostics_by_uri(
            session.findings, shows=session.options.shows, read_line=self.read_line
        )
        for uri in self.published_uris - new.keys():
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        for uri, diagnostics in new.items():
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
            )
        self.published_uris = set(new)
        self.refresh_code_lenses()

    def read_line(self, path: str, line: int) -> str | None:
        """The text of a 1-based line: from the open document if any, else from disk."""
        uri = translate.path_uri(path)
        document = self.workspace.text_documents.get(uri)
        if document is not None:
            lines = document.lines
        else:
            try:
                lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                return None
        return lines[line - 1] if 0 < line <= len(lines) else None

    async def load_settings(self) -> None:
        """Fetch the ``heapscope`` section (pull model); report values that had to be ignored."""
        workspace = self.client_capabilities.workspace
        if not (workspace and workspace.configuration):
            return
        try:
            values = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SETTINGS_SECTION)])
            )
        except Exception as error:
            self.log(f"Could not read the heapscope settings: {error}", types.MessageType.Warning)
            return
        self.apply_settings(values[0] if values else None)

    def apply_settings(self, raw: Any) -> None:
        options = parse_options(raw)
        self.session.options = options
        for warning in options.warnings:
            self.show(warning, types.MessageType.Warning)


server = HeapscopeServer()


# ---------------------------------------------------------------- argument parsing


def _argument(args: tuple[Any, ...], key: str, *, required: bool = False) -> Any:
    """Commands take one object (``{target: ...}``); a bare value as first argument is accepted too."""
    first = args[0] if args else None
    value = first.get(key) if isinstance(first, Mapping) else first if key in _POSITIONAL_KEYS else None
    if required and (value is None or value == ""):
        raise UserError(f"This command needs a {key!r} argument.")
    return value


_POSITIONAL_KEYS = {"target", "path", "label", "findingId", "interval"}


def _whole(value: Any, name: str) -> int | None:
    """A count argument within :data:`limits.COUNT` (None: the default)."""
    if value is None:
        return None
    try:
        return limits.check_int(value, f"The {name!r} argument", limits.COUNT)
    except limits.NumberError as error:
        raise UserError(f"{error}.") from None


def _seconds(value: Any, name: str) -> float | None:
    """An interval argument within :data:`limits.INTERVAL` (None: the configured default)."""
    if value is None:
        return None
    try:
        return limits.check(value, f"The {name!r} argument", limits.INTERVAL)
    except limits.NumberError as error:
        raise UserError(f"{error}.") from None


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise UserError(f"The {name!r} argument must be a string.")
    return str(value)


async def _guard(ls: HeapscopeServer, what: str, body: Callable[[], Any]) -> Any:
    """Run a handler body; turn any failure into one showMessage sentence and a null result."""
    try:
        result = body()
        if asyncio.iscoroutine(result):
            result = await result
        return result
    except asyncio.CancelledError:
        raise
    except Exception as error:
        ls.report_failure(what, error)
        return None


# ---------------------------------------------------------------- lifecycle


@server.feature(types.INITIALIZE)
def on_initialize(ls: HeapscopeServer, params: types.InitializeParams) -> None:
    ls.loop = _running_loop()
    root = ls.workspace.root_path
    ls.session.workspace_root = Path(root) if root else None
    options = params.initialization_options
    if isinstance(options, Mapping):
        ls.apply_settings(options.get(SETTINGS_SECTION, options))


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


@server.feature(types.INITIALIZED)
async def on_initialized(ls: HeapscopeServer, params: types.InitializedParams) -> None:
    ls.loop = asyncio.get_running_loop()
    await ls.load_settings()
    ls.log(f"Heapscope {__version__} ready (workspace: {ls.session.workspace_root or 'none'}).")


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def on_configuration_changed(ls: HeapscopeServer, params: types.DidChangeConfigurationParams) -> None:
    async def body() -> None:
        settings = params.settings
        if isinstance(settings, Mapping) and isinstance(settings.get(SETTINGS_SECTION), Mapping):
            ls.apply_settings(settings[SETTINGS_SECTION])
        else:
            await ls.load_settings()
        ls.publish_findings()

    await _guard(ls, "apply the new settings", body)


@server.feature(types.SHUTDOWN)
async def on_shutdown(ls: HeapscopeServer, params: None) -> None:
    """Stop what is running (a snapshot half written is removed), then detach."""
    try:
        await ls.cancel_in_flight()
        await asyncio.to_thread(ls.session.shutdown)
    except Exception as error:  # shutdown must answer; the details go to the log
        log.warning("While shutting down: %s", error)


# ---------------------------------------------------------------- editor features


@server.feature(types.TEXT_DOCUMENT_CODE_LENS)
def on_code_lens(ls: HeapscopeServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    try:
        return translate.code_lenses(
            params.text_document.uri,
            ls.shown_findings(),
            ls.session.closures,
            verify=ls.session.status()["attached"],
        )
    except Exception as error:
        ls.report_failure("compute code lenses", error)
        return []


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: HeapscopeServer, params: types.HoverParams) -> types.Hover | None:
    try:
        return translate.hover(params.text_document.uri, params.position, ls.shown_findings())
    except Exception as error:
        ls.report_failure("show the hover", error)
        return None


# ---------------------------------------------------------------- commands: target


@server.command("heapscope.attach")
async def attach(ls: HeapscopeServer, *args: Any) -> Any:
    async def body() -> Any:
        target = _text(_argument(args, "target", required=True), "target")
        first = args[0] if args else None
        # A client that just asked the user ("Attach to the debug session?") says announce: false.
        announce = not (isinstance(first, Mapping) and first.get("announce") is False)
        result = await ls.run_quick(f"attach to {target}", lambda: ls.session.attach(target))
        ls.send_status()
        if result is not None:
            message = f"Heapscope attached to {result['description']}."
            ls.log(f"{message} ({target})", types.MessageType.Info)
            if announce:
                ls.show(message, types.MessageType.Info)
        return result

    return await _guard(ls, "attach", body)


@server.command("heapscope.listTargets")
async def list_targets(ls: HeapscopeServer, *args: Any) -> Any:
    """Node.js processes on this machine for "Pick a Node process" (psutil, every platform)."""

    async def body() -> Any:
        first = args[0] if args else None
        exclude = first.get("exclude") if isinstance(first, Mapping) else None
        pids = [pid for pid in exclude or [] if isinstance(pid, int) and not isinstance(pid, bool)]
        return await ls.run_quick("list the Node.js processes", lambda: ls.session.list_targets(pids))

    return await _guard(ls, "list the Node.js processes", body)


@server.command("heapscope.detach")
async def detach(ls: HeapscopeServer, *args: Any) -> Any:
    async def body() -> Any:
        result = await ls.run_quick("detach", ls.session.detach)
        ls.send_status()
        return result

    return await _guard(ls, "detach", body)


# ---------------------------------------------------------------- commands: snapshots


@server.command("heapscope.takeSnapshot")
async def take_snapshot(ls: HeapscopeServer, *args: Any) -> Any:
    async def body() -> Any:
        label = _text(_argument(args, "label") or "snapshot", "label")
        ls.session.require_target()
        record = await ls.run_step(
            "Heapscope: taking heap snapshot", "take a snapshot", lambda p: ls.session.take_snapshot(label, p)
        )
        if record is None:
            return None
        ls.log(f"Snapshot {record.id} saved to {record.path}", types.MessageType.Info)
        return record.to_json()

    return await _guard(ls, "take a snapshot", body)


@server.command("heapscope.openSnapshot")
async def open_snapshot(ls: HeapscopeServer, *args: Any) -> Any:
    async def body() -> Any:
        reference = _text(_argument(args, "path", required=True), "path")
        # The user watches the load's progress, which ends with the summary; the client's
        # status bar repeats it and the log keeps it, so no notification.
        record = await ls.run_step(
            "Heapscope: loading snapshot",
            "open the snapshot",
            lambda p: ls.session.open_snapshot(reference, p),
            lambda opened: translate.summary_sentence(opened.path, opened.summary),
        )
        if record is None:
            return None
        sentence = translate.summary_sentence(record.path, record.summary)
        ls.log(f"Heapscope: {sentence}", types.MessageType.Info)
        ls.refresh_code_lenses()
        return record.to_json()

    return await _guard(ls, "open the snapshot", body)


@server.command("heapscope.listSnapshots")
async def list_snapshots(ls: HeapscopeServer, *args: Any) -> Any:
    return await _guard(ls, "list snapshots", ls.session.list_snapshots)


# ---------------------------------------------------------------- commands: analysis


def _findings_sentence(ls: HeapscopeServer) -> str:
    findings = ls.session.findings
    if not findings:
        return "No leak found: nothing kept growing across the snapshots."
    more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
    plural = "s" if len(findings) > 1 else ""
    return f"Found {len(findings)} leak{plural}: {translate.leak_summary(findings[0])}{more}"


def _announce(ls: HeapscopeServer, report: LeakReport, *, notify: bool = False) -> dict[str, Any]:
    """Publish a new report: diagnostics, lenses and the client's Leaks view show it; its JSON.

    The user who asked for the analysis watches its progress, which ends with the same
    sentence, so it only goes to the log; a notification is for a hunt nobody asked for
    (the monitor's alarm), whose findings would otherwise arrive unnoticed.
    """
    data = report.to_json()
    ls.publish_findings()
    ls.protocol.notify(FINDINGS_NOTIFICATION, {"report": data})
    sentence = f"Heapscope: {_findings_sentence(ls)}"
    ls.log(sentence, types.MessageType.Info)
    if notify:
        findings = report.findings
        kind = translate.message_type(findings[0].severity) if findings else types.MessageType.Info
        ls.show(sentence, kind)
    return data


@server.command("heapscope.compareSnapshots")
async def compare_snapshots(ls: HeapscopeServer, *args: Any) -> Any:
    async def body() -> Any:
        references = [_text(_argument(args, "baseline", required=True), "baseline")]
        references.append(_text(_argument(args, "target", required=True), "target"))
        final = _argument(args, "final")
        if final is not None:
            references.append(_text(final, "final"))
        report = await ls.run_step(
            "Heapscope: comparing snapshots",
            "compare the snapshots",
            lambda p: ls.session.compare(references, p),
            lambda _: _findings_sentence(ls),
        )
        return _announce(ls, report) if report is not None else None

    return await _guard(ls, "compare the snapshots", body)


@server.command("heapscope.findLeaks")
async def find_leaks(ls: HeapscopeServer, *args: Any) -> Any:
    return await _find_leaks(ls, args, notify=False)


async def _find_leaks(ls: HeapscopeServer, args: tuple[Any, ...], *, notify: bool) -> Any:
    async def body() -> Any:
        interval = _seconds(_argument(args, "interval"), "interval")
        first = args[0] if args else None
        track = bool(first.get("trackAllocations")) if isinstance(first, Mapping) else False
        ls.session.require_target()
        report = await ls.run_step(
            "Heapscope: finding leaks",
            "find leaks",
            lambda p: ls.session.find_leaks(interval, track, p),
            lambda _: _findings_sentence(ls),
        )
        return _announce(ls, report, notify=notify) if report is not None else None

    return await _guard(ls, "find leaks", body)


@server.command("heapscope.verifyFix")
async def verify_fix(ls: HeapscopeServer, *args: Any) -> Any:
    async def body() -> Any:
        finding_id = _text(_argument(args, "findingId", required=True), "findingId")
        earlier = ls.session.finding(finding_id)
        ls.session.require_target()
        result = await ls.run_step(
            "Heapscope: verifying the fix", "verify the fix", lambda p: ls.session.verify_fix(finding_id, p)
        )
        if result is None:
            return None
        verdict, report = result
        data = report.to_json()
        ls.publish_findings()
        ls.protocol.notify(FINDINGS_NOTIFICATION, {"report": data})
        summary = translate.leak_summary(earlier)
        if verdict["status"] == "fixed":
            ls.show(f"Fixed: {summary} no longer grows.", types.MessageType.Info)
        else:
            growth = translate.verify_growth(verdict["growthBefore"], verdict["growthNow"])
            ls.show(f"Still leaking: {summary} ({growth}).", types.MessageType.Warning)
        return {**verdict, "report": data}

    return await _guard(ls, "verify the fix", body)


@server.command("heapscope.clear")
async def clear(ls: HeapscopeServer, *args: Any) -> Any:
    def body() -> Any:
        ls.session.clear()
        ls.publish_findings()
        return {"cleared": True}

    return await _guard(ls, "clear the findings", body)


# ---------------------------------------------------------------- commands: navigation


async def _show(ls: HeapscopeServer, location: Location) -> bool:
    result = await ls.window_show_document_async(translate.show_document_params(location))
    return bool(result and result.success)


@server.command("heapscope.showRetainers")
async def show_retainers(ls: HeapscopeServer, *args: Any) -> Any:
    async def body() -> Any:
        first = args[0] if args else None
        if isinstance(first, Mapping) and "findingId" not in first and "path" in first:
            return await _show_closure_site(ls, first)
        finding = ls.session.finding(_text(_argument(args, "findingId", required=True), "findingId"))
        target = translate.first_source_hop(finding)
        opened = await _show(ls, target) if target is not None else False
        return {
            "findingId": finding.id,
            "retainerPath": [hop.to_json() for hop in finding.retainer_path],
            "opened": target.to_json() if target is not None and opened else None,
        }

    return await _guard(ls, "show the retainers", body)


async def _show_closure_site(ls: HeapscopeServer, spot: Mapping[str, Any]) -> Any:
    """The lens above a function with many live closures: open it and say how many are alive."""
    location = Location(str(spot["path"]), int(spot.get("line", 1)), int(spot.get("column", 1)))
    for site in ls.session.closures:
        if (site.location.path, site.location.line) == (location.path, location.line):
            await _show(ls, location)
            return {
                "closures": site.count,
                "retainedBytes": site.retained_bytes,
                "location": location.to_json(),
            }
    raise UserError("That function has no live-closure count in the latest snapshot any more.")


@server.command("heapscope.goToLeak")
async def go_to_leak(ls: HeapscopeServer, *args: Any) -> Any:
    async def body() -> Any:
        finding = ls.session.finding(_text(_argument(args, "findingId", required=True), "findingId"))
        location = finding.location
        if location is None:
            raise UserError(f"Finding {finding.id} has no source location to go to.")
        opened = await _show(ls, location)
        return {"findingId": finding.id, "location": location.to_json(), "opened": opened}

    return await _guard(ls, "go to the leak", body)


# ---------------------------------------------------------------- commands: memory monitor


@server.command("heapscope.startMonitor")
async def start_monitor(ls: HeapscopeServer, *args: Any) -> Any:
    async def body() -> Any:
        interval = _seconds(_argument(args, "interval"), "interval")
        every = _seconds(_argument(args, "snapshotEvery"), "snapshotEvery")
        keep = _whole(_argument(args, "keep"), "keep")
        on_leak = _argument(args, "onLeak")

        def on_sample(sample: dict[str, Any]) -> None:
            ls.call_soon(ls.protocol.notify, MEMORY_NOTIFICATION, sample)

        def on_alarm(verdict: str) -> None:
            ls.call_soon(_hunt_on_alarm, ls, verdict)

        return await ls.run_quick(
            "start the memory monitor",
            lambda: ls.session.start_monitor(
                interval,
                on_sample,
                on_alarm=on_alarm,
                snapshot_every=every,
                keep=int(keep) if keep is not None else None,
                on_leak=_text(on_leak, "onLeak") if on_leak is not None else None,
            ),
        )

    return await _guard(ls, "start the memory monitor", body)


def _hunt_on_alarm(ls: HeapscopeServer, verdict: str) -> None:
    """The monitor suspects a leak and the user asked for a hunt then: run Find Leaks by itself."""
    ls.show(f"Heapscope: {verdict}; finding leaks with three snapshots.", types.MessageType.Info)
    task = asyncio.ensure_future(_find_leaks(ls, (), notify=True))
    ls.background.add(task)
    task.add_done_callback(ls.background.discard)


@server.command("heapscope.memoryChart")
async def memory_chart(ls: HeapscopeServer, *args: Any) -> Any:
    """The memory chart as SVG, ``{svg, samples}``: the client's memory view only shows it."""
    return await _guard(ls, "draw the memory chart", ls.session.memory_chart)


@server.command("heapscope.stopMonitor")
async def stop_monitor(ls: HeapscopeServer, *args: Any) -> Any:
    return await _guard(
        ls,
        "stop the memory monitor",
        lambda: ls.run_quick("stop the memory monitor", ls.session.stop_monitor),
    )

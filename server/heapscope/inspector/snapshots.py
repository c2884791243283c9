"""Stream a heap snapshot from the inspector straight to disk, then write its sidecar.

V8 sends the snapshot as ``HeapProfiler.addHeapSnapshotChunk`` events before it answers
``takeHeapSnapshot``. Each chunk is written as it arrives (in the connection's reader
thread, so in order) to a temporary file beside the destination; only a complete
snapshot is fsynced and renamed into place, so a crash, a dead target, a full disk or a
cancel never leaves a partial ``.heapsnapshot`` and never touches earlier ones. The
bytes are exactly what the inspector sent, so Chrome DevTools' Memory tab opens them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from ..progress import Phase, Progress, ProgressCallback
from ..snapshot_files import (
    SNAPSHOTS_DIRECTORY,
    STATE_DIRECTORY,
    sidecar_path,
    snapshot_name,
)
from .errors import InspectorError, InspectorErrorKind
from .session import CdpConnection, PendingReply, describe_os_error

log = logging.getLogger(__name__)

# Fail when the target sends nothing (no progress, no chunk) for this long (seconds).
STALL_TIMEOUT = 120.0
# Longest wait for an explicit GC before the snapshot (whose own GC then has to do).
GC_TIMEOUT = 30.0
_WRITE_BUFFER = 1 << 20


@dataclass(frozen=True)
class SavedSnapshot:
    """A complete snapshot on disk and the sidecar JSON describing where it came from."""

    path: Path
    sidecar: Path
    size: int = 0
    seconds: float = 0.0


def heapscope_dir(workspace: str | os.PathLike[str]) -> Path:
    """``<workspace>/.heapscope``, private (0700), with a ``.gitignore`` that ignores everything in it.

    Snapshots hold the program's secrets: a directory found readable by others is made
    private (with a warning), and no symbolic link inside it is followed.
    """
    directory = Path(workspace) / STATE_DIRECTORY
    if directory.is_symlink():
        raise InspectorError(
            f"{directory} is a symbolic link; snapshots are kept only in a real directory",
            kind=InspectorErrorKind.FILE,
        )
    directory.parent.mkdir(parents=True, exist_ok=True)
    private_directory(directory)
    _write_gitignore(directory / ".gitignore")
    return directory


def private_directory(directory: Path) -> Path:
    """Create ``directory`` (mode 0700) or make an existing one private; never through a link."""
    if directory.is_symlink():
        raise InspectorError(
            f"{directory} is a symbolic link; heapscope does not write through links",
            kind=InspectorErrorKind.FILE,
        )
    directory.mkdir(mode=0o700, exist_ok=True)
    mode = stat.S_IMODE(directory.stat().st_mode)
    if mode & 0o077:
        os.chmod(directory, 0o700)
        log.warning("%s was open to other users (mode %03o); made it private (0700)", directory, mode)
    return directory


def _write_gitignore(ignore: Path) -> None:
    """``*`` in ``.heapscope/.gitignore``; a link there (even a dangling one) is replaced, not followed."""
    if ignore.is_symlink():
        ignore.unlink()
    elif ignore.exists():
        return
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with contextlib.suppress(FileExistsError):
        descriptor = os.open(ignore, flags, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write("*\n")


def default_snapshot_path(
    workspace: str | os.PathLike[str], label: str, when: datetime | None = None
) -> Path:
    """``<workspace>/.heapscope/snapshots/<timestamp>-<label>.heapsnapshot``; sortable by name."""
    return snapshot_directory(workspace) / snapshot_name(label, when)


def snapshot_directory(workspace: str | os.PathLike[str]) -> Path:
    """``<workspace>/.heapscope/snapshots``, private: where single snapshots go."""
    return private_directory(heapscope_dir(workspace) / SNAPSHOTS_DIRECTORY)


def _collect_garbage(connection: CdpConnection) -> None:
    """Ask for a full GC, but never let it block the snapshot.

    V8 runs ``collectGarbage`` as a task once the JavaScript stack is empty, so while
    another debugger holds the target paused the reply only comes after it resumes. The
    snapshot itself starts with a full GC, so going on without the reply loses little.
    """
    reply = connection.send("HeapProfiler.collectGarbage")
    if not reply.wait_done(GC_TIMEOUT):
        return
    reply.wait(0)


class _ChunkWriter:
    """Appends chunks to a private temporary file; remembers the first write error instead of raising.

    It runs in the reader thread, where raising would lose the error; the snapshot call
    checks :attr:`error` once the inspector has answered.
    """

    def __init__(self, destination: Path) -> None:
        self.destination = destination
        self.temporary = destination.with_name(f".{destination.name}.{secrets.token_hex(4)}.part")
        self.error: OSError | None = None
        self.bytes_written = 0
        self.stopped = False
        self.lock = threading.Lock()
        descriptor = os.open(self.temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(descriptor, "wb", buffering=_WRITE_BUFFER)

    def write(self, chunk: str) -> None:
        with self.lock:
            if self.stopped or self.error is not None:
                return
            data = chunk.encode()
            try:
                self._file.write(data)
            except OSError as error:
                self.error = error
                return
            self.bytes_written += len(data)

    def commit(self) -> None:
        """Flush, fsync and rename into place (atomic on one file system)."""
        with self.lock:
            self.stopped = True
            try:
                self._file.flush()
                os.fsync(self._file.fileno())
                self._file.close()
                os.replace(self.temporary, self.destination)
            except OSError as error:
                self.error = error
                raise
        _fsync_directory(self.destination.parent)

    def discard(self) -> None:
        with self.lock:
            self.stopped = True
            with contextlib.suppress(OSError):
                self._file.close()
            with contextlib.suppress(OSError):
                self.temporary.unlink()


def stream_snapshot(
    connection: CdpConnection,
    destination: Path,
    *,
    gc: bool,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
    on_request: Callable[[PendingReply], None] | None = None,
    stall_timeout: float = STALL_TIMEOUT,
) -> int:
    """Take one snapshot into ``destination``; returns the bytes written.

    ``progress`` hears :attr:`Phase.SNAPSHOT_BUILD` (V8's count of objects walked, of
    all) while V8 builds the snapshot and :attr:`Phase.SNAPSHOT_TRANSFER` (bytes written
    so far; the total is unknown until the end) while it streams, in the reader thread.

    ``on_request`` receives the ``takeHeapSnapshot`` request: after a cancel V8 goes on
    sending the rest of the chunks (it cannot be stopped), so the session must let that
    request finish before it starts another snapshot on this connection.
    """
    if gc:
        _collect_garbage(connection)
    try:
        writer = _ChunkWriter(destination)
    except OSError as error:
        raise InspectorError(
            f"cannot create a snapshot file in {destination.parent}: {describe_os_error(error)}",
            kind=InspectorErrorKind.FILE,
        ) from None
    last_activity = [time.monotonic()]

    def on_chunk(params: dict[str, Any]) -> None:
        last_activity[0] = time.monotonic()
        writer.write(params.get("chunk", ""))
        if progress is not None and writer.error is None:
            progress(Progress(Phase.SNAPSHOT_TRANSFER, writer.bytes_written))

    def on_progress(params: dict[str, Any]) -> None:
        last_activity[0] = time.monotonic()
        if progress is not None:
            progress(Progress(Phase.SNAPSHOT_BUILD, int(params.get("done", 0)), int(params.get("total", 0))))

    unsubscribers = [
        connection.subscribe("HeapProfiler.addHeapSnapshotChunk", on_chunk),
        connection.subscribe("HeapProfiler.reportHeapSnapshotProgress", on_progress),
    ]
    committed = False
    try:
        reply = connection.send("HeapProfiler.takeHeapSnapshot", {"reportProgress": True})
        if on_request is not None:
            on_request(reply)
        while not reply.wait_done(0.1):
            if cancel is not None and cancel.is_set():
                raise InspectorError(
                    f"snapshot cancelled; nothing was written to {destination}",
                    kind=InspectorErrorKind.CANCELLED,
                    target=connection.name,
                )
            if time.monotonic() - last_activity[0] > stall_timeout:
                raise InspectorError(
                    f"the target sent no snapshot data for {stall_timeout:g} s; "
                    "gave up and removed the partial file",
                    kind=InspectorErrorKind.TIMEOUT,
                    target=connection.name,
                )
        try:
            reply.wait(0)
        except InspectorError as error:
            if connection.closed:
                raise InspectorError(
                    "the target went away while taking the snapshot; the partial file was removed "
                    f"(earlier snapshots are untouched): {error}",
                    kind=error.kind,
                    target=connection.name,
                ) from None
            raise
        if writer.error is not None:
            raise _write_error(destination, writer.error)
        if writer.bytes_written == 0:
            raise InspectorError(
                "the inspector finished the snapshot without sending any data",
                kind=InspectorErrorKind.PROTOCOL,
                target=connection.name,
            )
        try:
            writer.commit()
        except OSError as error:
            raise _write_error(destination, error) from None
        committed = True
        if progress is not None:
            progress(Progress(Phase.SNAPSHOT_TRANSFER, writer.bytes_written, writer.bytes_written))
        return writer.bytes_written
    finally:
        for unsubscribe in unsubscribers:
            unsubscribe()
        if not committed:
            writer.discard()


def _write_error(destination: Path, error: OSError) -> InspectorError:
    return InspectorError(
        f"cannot write the snapshot to {destination}: {describe_os_error(error)}; "
        "the partial file was removed",
        kind=InspectorErrorKind.FILE,
    )


def write_sidecar(snapshot: Path, document: dict[str, Any]) -> Path:
    """Write the sidecar (:func:`~heapscope.snapshot_files.sidecar_document`) atomically with mode 0600.

    It holds the target's argv and paths, so it is as private as the snapshot.
    """
    path = sidecar_path(snapshot)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(orjson.dumps(document, option=orjson.OPT_INDENT_2))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise InspectorError(
            f"cannot write the snapshot's sidecar {path}: {describe_os_error(error)}; "
            f"the snapshot itself was saved to {snapshot}",
            kind=InspectorErrorKind.FILE,
        ) from None
    return path


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable; not every platform can open a directory, which is fine."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)

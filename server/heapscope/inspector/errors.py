"""The one error type of the live inspector layer, and the kinds of failure it tells apart."""

from __future__ import annotations

from enum import Enum


class InspectorErrorKind(Enum):
    """What went wrong, for callers that act on it; the message is only ever shown."""

    BAD_TARGET = "bad_target"
    """The target text is not a URL, HOST:PORT, PID or proxy address we can use."""
    NOT_LOOPBACK = "not_loopback"
    """A remote host was refused because remote targets were not allowed."""
    NOT_LISTENING = "not_listening"
    """Nothing accepts connections at the address (connection refused)."""
    UNREACHABLE = "unreachable"
    """The address could not be reached for another network reason."""
    NOT_INSPECTOR = "not_inspector"
    """Something answered, but it is not a Node.js inspector (or lists no target)."""
    NO_PROCESS = "no_process"
    """No such process, not a Node.js process, or not ours to signal."""
    TIMEOUT = "timeout"
    """The target did not answer in time (busy, stopped, or a snapshot stalled)."""
    PROTOCOL = "protocol"
    """The inspector answered a request with an error."""
    NO_CONTEXT = "no_context"
    """The program has no JavaScript context left to evaluate in: its script has ended."""
    EVALUATION = "evaluation"
    """One of our fixed probes threw in the target."""
    CLOSED = "closed"
    """The session was closed on our side."""
    TARGET_EXITED = "target_exited"
    """The target (process or worker) went away, before or while we were attached."""
    CANCELLED = "cancelled"
    """The user cancelled the step."""
    BUSY = "busy"
    """The target is still sending a snapshot that was cancelled."""
    FILE = "file"
    """A snapshot, sidecar or folder could not be written."""
    LAUNCH = "launch"
    """The program could not be started or did not open its inspector."""
    INVALID = "invalid"
    """The caller asked for something that cannot work (a bad interval, a waiting flag)."""


class InspectorError(Exception):
    """Attaching to or talking with a live target failed; ``str()`` is one sentence.

    The CLI and the language server show the message as is, so it names the target or
    the file and says what to do, with no traceback needed. Code that must act on the
    failure checks :attr:`kind` (never the message). ``target`` names what was being
    talked to, when known; ``details`` may carry more (e.g. a program's last stderr
    lines) for a log or an expanded view; for a program that exited, ``exit_code`` and
    ``reason`` (the stderr line that says why, or "") say how.
    """

    def __init__(
        self,
        message: str,
        details: str = "",
        *,
        kind: InspectorErrorKind,
        target: str | None = None,
        exit_code: int | None = None,
        reason: str = "",
    ) -> None:
        super().__init__(message)
        self.details = details
        self.kind = kind
        self.target = target
        self.exit_code = exit_code
        self.reason = reason

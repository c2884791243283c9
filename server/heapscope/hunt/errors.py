"""The errors of a live hunt; ``str()`` is one line for the user, :attr:`RunError.kind` is for code."""

from __future__ import annotations

from enum import Enum

from ..inspector import InspectorErrorKind


class RunErrorKind(Enum):
    """Why a hunt stopped short."""

    INVALID = "invalid"
    """The options cannot work (no program, a non-positive interval)."""
    LAUNCH = "launch"
    """The program could not be started, or exited before it could be attached to."""
    ATTACH = "attach"
    """The program runs, but no inspector session could be opened with it."""
    PROGRAM_EXITED = "program_exited"
    """The program exited or crashed while it was measured."""
    PROGRAM_FINISHED = "program_finished"
    """The program's script ended (nothing keeps it running), so there is nothing to measure."""
    SNAPSHOT = "snapshot"
    """A snapshot could not be taken (the target stalled, the disk is full, ...)."""
    INSPECTOR = "inspector"
    """Another request to the inspector failed (e.g. turning on allocation tracking)."""
    ANALYSIS = "analysis"
    """The snapshots were taken but could not be analysed."""
    FILE = "file"
    """The hunt's folder could not be made."""
    CANCELLED = "cancelled"
    """The user cancelled the hunt."""


class RunError(Exception):
    """A hunt (``heapscope run``, a live ``find-leaks``, the editor's Find Leaks) could not complete.

    ``inspector_kind`` is the inspector's own kind of failure when one caused this error.
    """

    def __init__(
        self, message: str, *, kind: RunErrorKind, inspector_kind: InspectorErrorKind | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.inspector_kind = inspector_kind


class Cancelled(RunError):
    """The user cancelled the hunt; not worth a warning."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message, kind=RunErrorKind.CANCELLED)

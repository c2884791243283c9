"""The errors of a live hunt; ``str()`` is one line for the user."""

from __future__ import annotations


class RunError(Exception):
    """A hunt (``heapscope run``, a live ``find-leaks``, the editor's Find Leaks) could not complete."""


class Cancelled(RunError):
    """The user cancelled the hunt; not worth a warning."""

"""The one error type of the live inspector layer."""

from __future__ import annotations


class InspectorError(Exception):
    """Attaching to or talking with a live target failed; ``str()`` is one sentence.

    The CLI and the language server show the message as is, so it names the target or
    the file and says what to do, with no traceback needed. ``details`` may carry more
    (e.g. a program's last stderr lines) for a log or an expanded view.
    """

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details

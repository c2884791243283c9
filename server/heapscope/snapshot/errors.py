"""The one error type the engine raises for bad snapshot files."""

from __future__ import annotations

from pathlib import Path


class SnapshotError(Exception):
    """A snapshot file cannot be used; ``str()`` is one sentence naming the file and the problem.

    Callers (CLI, language server) show ``str(error)`` as is, so the message must make
    sense to a Node developer without a traceback.
    """

    def __init__(self, path: str | Path | None, problem: str) -> None:
        self.path = str(path) if path is not None else None
        self.problem = problem
        where = f"{self.path}: " if self.path else ""
        super().__init__(f"{where}{problem}")

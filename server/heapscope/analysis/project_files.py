"""Which files the analysis may read: regular files inside the project, nothing else.

Script paths, source-map URLs and a map's ``sources`` all come from the snapshot or from
the program under test, so a crafted snapshot or map could name ``/etc/shadow``,
``../../../../etc/passwd`` or a FIFO. Every read of a source file or a source map goes
through :class:`ProjectFiles`: the real path (symlinks resolved) must lie inside one of
the project roots, and the file must be a regular file. What is refused is remembered,
once per path, so that a report can say it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

# A Node project is the nearest directory with a package.json; .git is not used, since a
# home directory kept in git would make the whole home directory "the project".
_PROJECT_MARKER = "package.json"
# Larger source files or maps than this are not sources a person wrote or a compiler emits.
MAX_BYTES = 64 << 20
_STATE_DIRECTORY = ".heapscope"


def project_root(place: str | os.PathLike[str]) -> Path:
    """The nearest directory at or above ``place`` holding a package.json, else ``place``'s directory.

    A snapshot under ``<project>/.heapscope/`` belongs to ``<project>``.
    """
    start = Path(os.path.realpath(place))
    if not start.is_dir():
        start = start.parent
    for directory in (start, *start.parents):
        if directory.name == _STATE_DIRECTORY:
            return directory.parent
    for directory in (start, *start.parents):
        if (directory / _PROJECT_MARKER).is_file():
            return directory
    return start


class ProjectFiles:
    """Answers "may this path be read?" and reads it if so; remembers what it refused."""

    def __init__(self, roots: Iterable[str | os.PathLike[str]]) -> None:
        unique: dict[str, Path] = {}
        for root in roots:
            real = Path(os.path.realpath(root))
            unique.setdefault(str(real), real)
        self.roots: list[Path] = list(unique.values())
        self.refused: dict[str, str] = {}

    @classmethod
    def around(cls, places: Iterable[str | os.PathLike[str]]) -> ProjectFiles:
        """The projects the given files or directories belong to (see :func:`project_root`)."""
        return cls(project_root(place) for place in places)

    def contains(self, path: str | os.PathLike[str]) -> bool:
        """Whether ``path``, with symlinks and ``..`` resolved, lies inside a project root."""
        real = Path(os.path.realpath(path))
        return any(real == root or root in real.parents for root in self.roots)

    def refusal(self, path: str | os.PathLike[str]) -> str | None:
        """Why ``path`` may not be read, or None when it may."""
        text = os.fspath(path)
        if not os.path.isabs(text):
            return "not an absolute path"
        if not self.contains(text):
            return "outside the project"
        try:
            mode = os.stat(text).st_mode
        except OSError as error:
            return f"cannot be read ({error.strerror or error})"
        if not stat.S_ISREG(mode):
            return "not a regular file"
        return None

    def read_bytes(self, path: str | os.PathLike[str]) -> bytes | None:
        """The file's bytes, or None (and the reason remembered) when it may not or cannot be read."""
        text = os.fspath(path)
        reason = self.refusal(text)
        if reason is None:
            try:
                # O_NONBLOCK: if the file was swapped for a FIFO since the check, open must
                # not wait for a writer; fstat below then refuses it.
                descriptor = os.open(text, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
            except OSError as error:
                reason = f"cannot be read ({error.strerror or error})"
            else:
                with os.fdopen(descriptor, "rb") as handle:
                    info = os.fstat(handle.fileno())
                    if not stat.S_ISREG(info.st_mode) or not self.contains(text):
                        reason = "not a regular file inside the project"
                    elif info.st_size > MAX_BYTES:
                        reason = f"larger than {MAX_BYTES >> 20} MB"
                    else:
                        return handle.read(MAX_BYTES)
        if not reason.startswith("cannot be read"):  # a missing file is ordinary, not a refusal
            self.refused.setdefault(text, reason)
        return None

    def read_text(self, path: str | os.PathLike[str]) -> str | None:
        data = self.read_bytes(path)
        return None if data is None else data.decode("utf-8", errors="replace")

    def notes(self) -> list[str]:
        """One line per refused file, for a report's notes."""
        return [f"not read: {path} ({reason})" for path, reason in sorted(self.refused.items())]

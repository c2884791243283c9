"""Script names as V8 gives them -> the file a developer opens.

V8 names a CommonJS script by its path (``/srv/app.js``, ``C:\\app\\app.js``), an ES
module, a worker or a source map by a ``file://`` URL (percent-encoded, and
``file:///C:/app/app.js`` on Windows), and its own and eval code by names that are no
file at all (``node:internal/...``, ``internal/...``, ``evalmachine.<anonymous>``). The
snapshot, the inspector, the analysis and the editor all meet these names; this is the
one place that reads them, so that a space in a folder name or a drive letter reads the
same everywhere.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_URL_DRIVE = re.compile(r"^/[A-Za-z]:(?:[\\/]|$)")


def is_absolute_path(name: str) -> bool:
    """A POSIX path (``/srv``), a Windows one with a drive (``C:\\``, ``C:/``) or a share (``\\\\host``)."""
    return name.startswith(("/", "\\\\")) or bool(_DRIVE.match(name))


def is_file_url(name: str) -> bool:
    return name[:7].lower() == "file://"


def file_url_to_path(url: str) -> str:
    """``file:///srv/my%20app/a.js`` -> ``/srv/my app/a.js``; ``file:///C:/app/a.js`` -> ``C:/app/a.js``.

    A host other than ``localhost`` is a network share: ``file://host/share/a.js`` ->
    ``//host/share/a.js``. The query and fragment are not part of the path.
    """
    parts = urlsplit(url)
    path = unquote(parts.path)
    if _URL_DRIVE.match(path):
        path = path[1:]
    host = parts.netloc.lower()
    if host and host != "localhost":
        path = f"//{parts.netloc}{path}"
    return path


def script_path(name: str) -> str | None:
    """The absolute file path a script name stands for, or None for internal, eval and remote code."""
    if not name:
        return None
    if is_file_url(name):
        path = file_url_to_path(name)
        return path if is_absolute_path(path) else None
    return name if is_absolute_path(name) else None

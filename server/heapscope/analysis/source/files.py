"""Reading source files: one place that opens them, and one parse per file content.

A :class:`~.index.SourceIndex` is cached by path and content digest, so a multi-megabyte
bundle is parsed once however many findings ask about it, and an edited file is parsed again.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import orjson

from .index import SourceIndex, dialect_for

_PACKAGE = re.compile(r"[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)")
_CACHE_SIZE = 64
_parsed: OrderedDict[tuple[str, str], SourceIndex] = OrderedDict()


def read_source(path: str) -> bytes | None:
    """A source file's bytes, or None when it cannot be read (deleted, remote, a directory)."""
    try:
        return Path(path).read_bytes()
    except (OSError, ValueError):
        return None


Reader = Callable[[str], bytes | None]
"""How an analysis reads a file: :func:`read_source`, or one limited to the project's files."""


def source_index(path: str, text: bytes) -> SourceIndex:
    """The parsed file, cached by path and content: the same bytes are parsed once."""
    key = (path, hashlib.sha1(text, usedforsecurity=False).hexdigest())
    index = _parsed.get(key)
    if index is None:
        index = SourceIndex(text, dialect_for(path), path)
        _parsed[key] = index
        while len(_parsed) > _CACHE_SIZE:
            _parsed.popitem(last=False)
    else:
        _parsed.move_to_end(key)
    return index


def package_of(path: str) -> str | None:
    """The npm package a file belongs to (innermost ``node_modules`` entry), or None."""
    matches = _PACKAGE.findall(path)
    return matches[-1].replace("\\", "/") if matches else None


def is_user_path(path: str | None) -> bool:
    """A file the developer wrote: a real path outside ``node_modules``."""
    return bool(path) and package_of(path or "") is None


def package_root(path: str) -> str | None:
    """The directory of the innermost package a file sits in (``.../node_modules/pkg``)."""
    matches = list(_PACKAGE.finditer(path))
    return path[: matches[-1].end()] if matches else None


def package_version(path: str, read: Reader = read_source) -> str | None:
    """The ``version`` in the package.json of the package a file belongs to, if readable."""
    root = package_root(path)
    raw = read(os.path.join(root, "package.json")) if root else None
    try:
        document = orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError:
        return None
    version = document.get("version") if isinstance(document, dict) else None
    return version if isinstance(version, str) else None

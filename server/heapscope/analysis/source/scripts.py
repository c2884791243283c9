"""From V8 script ids and positions to files and lines a developer opens.

Script ids are mapped from the snapshot's own graph first (closure -> shared function info
-> script -> name), which works offline and behind js-debug's CDP proxy; the script map
recorded by the inspector in the snapshot's sidecar is the fallback. ``file://`` URLs (ESM)
and plain paths (CommonJS) both become absolute paths; ``node:`` and other non-file
scripts are not user code. Source maps turn compiled positions into original ones.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ...script_urls import script_path
from ...snapshot import HeapSnapshot, SourceLocation
from ..model import Location
from ..project_files import ProjectFiles
from .files import Reader, source_index
from .index import SourceIndex
from .sourcemaps import SourceMap, SourceMapError, load_source_map


def normalise_script_map(scripts: Mapping[str, Any] | None) -> dict[str, tuple[str, str | None]]:
    """Accept the sidecar's JSON or the inspector's ``ScriptInfo`` objects; give id -> (url, map url)."""
    result: dict[str, tuple[str, str | None]] = {}
    for script_id, entry in (scripts or {}).items():
        if isinstance(entry, str):
            result[str(script_id)] = (entry, None)
        elif isinstance(entry, Mapping):
            url = entry.get("url")
            if isinstance(url, str):
                map_url = entry.get("sourceMapURL") or entry.get("source_map_url")
                result[str(script_id)] = (url, map_url if isinstance(map_url, str) and map_url else None)
        else:
            url = getattr(entry, "url", None)
            if isinstance(url, str):
                result[str(script_id)] = (url, getattr(entry, "source_map_url", None) or None)
    return result


class SourceResolver:
    """Script id -> file, position -> user-facing :class:`Location` (source-mapped), file text cache.

    Files are read only through ``files`` (by default the project the snapshot belongs
    to): a script, map or mapped source outside it is neither read nor reported as the
    location, and ``files.notes()`` says which. ``read`` replaces the reader itself.
    """

    def __init__(
        self,
        snapshot: HeapSnapshot,
        script_map: Mapping[str, Any] | None = None,
        read: Reader | None = None,
        files: ProjectFiles | None = None,
    ) -> None:
        self.snapshot = snapshot
        self.files = files if files is not None else ProjectFiles.around([snapshot.path])
        self.live_scripts = normalise_script_map(script_map)
        self.read = read if read is not None else self.files.read_bytes
        """Every source file and map of this analysis is read through this."""
        self._maps: dict[str, SourceMap | None] = {}
        self._texts: dict[str, bytes | None] = {}
        self.warnings: list[str] = []

    def script_url(self, script_id: int) -> str | None:
        from_graph = self.snapshot.script_names.get(script_id)
        if from_graph:
            return from_graph
        live = self.live_scripts.get(str(script_id))
        return live[0] if live else None

    def script_path(self, script_id: int) -> str | None:
        url = self.script_url(script_id)
        return script_path(url) if url else None

    def source_map(self, path: str, script_id: int | None = None) -> SourceMap | None:
        if path not in self._maps:
            map_url = None
            if script_id is not None:
                live = self.live_scripts.get(str(script_id))
                map_url = live[1] if live else None
            try:
                self._maps[path] = load_source_map(path, map_url, self.read)
            except (SourceMapError, ValueError) as error:
                self.warnings.append(f"{path}: {error}")
                self._maps[path] = None
        return self._maps[path]

    def location(self, where: SourceLocation | None) -> Location | None:
        """A V8 0-based location -> a 1-based, source-mapped one; None for non-file scripts."""
        if where is None:
            return None
        path = self.script_path(where.script_id)
        if path is None:
            return None
        return self.position(path, where.line, where.column, where.script_id)

    def position(self, path: str, line0: int, column0: int, script_id: int | None = None) -> Location:
        """A 0-based position in a generated file -> the original file's 1-based position."""
        source_map = self.source_map(path, script_id)
        if source_map is not None:
            original = source_map.original_position(line0, column0)
            if original is not None and original.source:
                source = original.source
                if not os.path.isabs(source) and "://" not in source:
                    source = os.path.normpath(os.path.join(os.path.dirname(path), source))
                if "://" in source or self.files.contains(source):
                    return Location(source, original.line + 1, original.column + 1)
                # A map that points outside the project: keep the generated position.
                self.files.refused.setdefault(source, "outside the project")
        return Location(path, line0 + 1, column0 + 1)

    def node_location(self, node: int) -> Location | None:
        return self.location(self.snapshot.location(node))

    def text(self, path: str) -> bytes | None:
        """A source file's bytes (read once per analysis), or None when it cannot be read."""
        if path not in self._texts:
            self._texts[path] = self.read(path)
        return self._texts[path]

    def index(self, path: str) -> SourceIndex | None:
        """The parsed file, or None when it cannot be read."""
        text = self.text(path)
        return source_index(path, text) if text is not None else None

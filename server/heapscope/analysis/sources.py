"""From V8 script ids and positions to files and lines a developer opens.

Script ids are mapped from the snapshot's own graph first (closure -> shared function info
-> script -> name), which works offline and behind js-debug's CDP proxy; the script map
recorded by the inspector in the snapshot's sidecar is the fallback. ``file://`` URLs (ESM)
and plain paths (CommonJS) both become absolute paths; ``node:`` and other non-file
scripts are not user code. Source maps turn compiled positions into original ones.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from ..snapshot import HeapSnapshot, SourceLocation
from .model import Location
from .sourcemaps import SourceMap, SourceMapError, file_url_to_path, load_source_map

SIDECAR_SUFFIX = ".meta.json"
_PACKAGE = re.compile(r"[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)")


def script_url_to_path(url: str) -> str | None:
    """An absolute file path for a script URL, or None for ``node:`` internals, eval code, etc."""
    if not url:
        return None
    if url.startswith("file://"):
        return file_url_to_path(url)
    if url.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", url):
        return url
    return None


def package_of(path: str) -> str | None:
    """The npm package a file belongs to (innermost ``node_modules`` entry), or None."""
    matches = _PACKAGE.findall(path)
    return matches[-1].replace("\\", "/") if matches else None


def is_user_path(path: str | None) -> bool:
    """A file the developer wrote: a real path outside ``node_modules``."""
    return bool(path) and package_of(path or "") is None


def sidecar_scripts(snapshot_path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """The inspector's script map saved beside a snapshot (``x.meta.json``), or {} when there is none."""
    path = Path(snapshot_path)
    stem = path.name[: -len(".heapsnapshot")] if path.name.endswith(".heapsnapshot") else path.name
    try:
        data = orjson.loads(path.with_name(stem + SIDECAR_SUFFIX).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    scripts = data.get("scripts") if isinstance(data, dict) else None
    return scripts if isinstance(scripts, dict) else {}


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
    """Script id -> file, position -> user-facing :class:`Location` (source-mapped), file text cache."""

    def __init__(self, snapshot: HeapSnapshot, script_map: Mapping[str, Any] | None = None) -> None:
        self.snapshot = snapshot
        self.live_scripts = normalise_script_map(script_map)
        self._maps: dict[str, SourceMap | None] = {}
        self._texts: dict[str, list[str] | None] = {}
        self.warnings: list[str] = []

    def script_url(self, script_id: int) -> str | None:
        from_graph = self.snapshot.script_names.get(script_id)
        if from_graph:
            return from_graph
        live = self.live_scripts.get(str(script_id))
        return live[0] if live else None

    def script_path(self, script_id: int) -> str | None:
        url = self.script_url(script_id)
        return script_url_to_path(url) if url else None

    def source_map(self, path: str, script_id: int | None = None) -> SourceMap | None:
        if path not in self._maps:
            map_url = None
            if script_id is not None:
                live = self.live_scripts.get(str(script_id))
                map_url = live[1] if live else None
            try:
                self._maps[path] = load_source_map(path, map_url)
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
                return Location(source, original.line + 1, original.column + 1)
        return Location(path, line0 + 1, column0 + 1)

    def node_location(self, node: int) -> Location | None:
        return self.location(self.snapshot.location(node))

    def lines(self, path: str) -> list[str] | None:
        """The file's lines (cached), or None when it cannot be read."""
        if path not in self._texts:
            try:
                self._texts[path] = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                self._texts[path] = None
        return self._texts[path]


def function_body_lines(lines: list[str], start_line0: int, start_column0: int, limit: int = 400) -> range:
    """The 0-based line range of a function starting at a position, by brace matching.

    Strings and comments are skipped roughly (quotes and ``//`` line comments), which is
    enough to bound a search for where a function inserts into a collection.
    """
    depth = 0
    seen_open = False
    end = min(len(lines), start_line0 + limit)
    for number in range(start_line0, end):
        text = lines[number][start_column0:] if number == start_line0 else lines[number]
        quote = ""
        index = 0
        while index < len(text):
            char = text[index]
            if quote:
                if char == "\\":
                    index += 2
                    continue
                if char == quote:
                    quote = ""
            elif char in "'\"`":
                quote = char
            elif text.startswith("//", index):
                break
            elif char == "{":
                depth += 1
                seen_open = True
            elif char == "}":
                depth -= 1
                if seen_open and depth <= 0:
                    return range(start_line0, number + 1)
            index += 1
        if not seen_open and number > start_line0 and "=>" in lines[number - 1] and "{" not in text:
            return range(start_line0, number)  # expression-bodied arrow on one line
    return range(start_line0, end)


_INSERT_TEMPLATES = (
    r"\b{name}\s*\.\s*(?:set|push|add|unshift|splice|append|enqueue)\s*\(",
    r"\b{name}\s*\[[^\]]+\]\s*=(?!=)",
    r"\b{name}\s*\.\s*[A-Za-z_$][\w$]*\s*=(?!=)",
    r"\b{name}\s*=\s*\[\s*\.\.\.\s*{name}\b",
    r"\b{name}\s*=\s*\{{\s*\.\.\.\s*{name}\b",
    r"\b{name}\s*(?:\+=|=\s*{name}\s*\.\s*concat\s*\()",
)


def insertion_lines(lines: list[str], name: str, within: range | None = None) -> list[int]:
    """0-based lines that insert into the collection named ``name`` (``name.set(``, ``name.push(``, ...)."""
    if not re.fullmatch(r"[A-Za-z_$][\w$]*", name):
        return []
    escaped = re.escape(name)
    patterns = [re.compile(template.format(name=escaped)) for template in _INSERT_TEMPLATES]
    span = within if within is not None else range(len(lines))
    found: list[int] = []
    for rank, pattern in enumerate(patterns):
        for number in span:
            if number < len(lines) and pattern.search(_strip_comment(lines[number])):
                found.append(number)
        if found and rank == 0:
            break
    return sorted(set(found))


def _strip_comment(line: str) -> str:
    index = line.find("//")
    return line if index < 0 else line[:index]


def package_bindings(lines: list[str], package: str) -> list[str]:
    """Names a file binds a package to: ``const x = require('pkg')``, ``import x, { y } from 'pkg'``."""
    quoted = rf"""['"]{re.escape(package)}(?:/[^'"]*)?['"]"""
    patterns = (
        re.compile(rf"(?:const|let|var)\s+([^=]+?)\s*=\s*require\(\s*{quoted}\s*\)"),
        re.compile(rf"import\s+(.+?)\s+from\s+{quoted}"),
    )
    names: list[str] = []
    for line in lines:
        for pattern in patterns:
            match = pattern.search(line)
            if match:
                names += [
                    part.split(" as ")[-1].split(":")[-1].strip()
                    for part in re.split(r"[{},]", match.group(1))
                    if part.strip() and part.strip() != "*"
                ]
    return [name.replace("* as ", "").strip() for name in names if re.fullmatch(r"[\w$* ]+", name)]


def mentions(lines: list[str], pattern: str) -> bool:
    regex = re.compile(pattern)
    return any(regex.search(_strip_comment(line)) for line in lines)

"""Source Map v3 reading: our own base64 VLQ decoder and a generated -> original position lookup.

Used to report the TypeScript (or other) line a developer wrote instead of the compiled
JavaScript line V8 knows about. Handles ``//# sourceMappingURL=`` comments pointing at a file
or at an inline ``data:`` URL, and index maps with ``sections``.
"""

from __future__ import annotations

import base64
import bisect
import os
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

import orjson

from ...script_urls import file_url_to_path, is_absolute_path, is_file_url
from ..project_files import ProjectFiles
from .files import Reader

_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_BASE64_VALUE = {char: value for value, char in enumerate(_BASE64)}
_CONTINUATION = 0b100000
_DIGIT_MASK = 0b011111
_MAPPING_URL = re.compile(r"[#@]\s*sourceMappingURL\s*=\s*(\S+)")


class SourceMapError(ValueError):
    """A source map that cannot be read; the message names what is wrong."""


def decode_vlq(text: str) -> list[int]:
    """Decode one VLQ segment (e.g. ``"AAgBC"``) into its signed integers."""
    values: list[int] = []
    value = 0
    shift = 0
    for char in text:
        digit = _BASE64_VALUE.get(char)
        if digit is None:
            raise SourceMapError(f"invalid base64 character {char!r} in mappings")
        value += (digit & _DIGIT_MASK) << shift
        if digit & _CONTINUATION:
            shift += 5
            continue
        negative = value & 1
        value >>= 1
        values.append(-value if negative else value)
        value = 0
        shift = 0
    if shift:
        raise SourceMapError("mappings end in the middle of a number")
    return values


def encode_vlq(values: list[int]) -> str:
    """The inverse of :func:`decode_vlq`; used by tests and to build small maps."""
    out: list[str] = []
    for number in values:
        value = (-number << 1) | 1 if number < 0 else number << 1
        while True:
            digit = value & _DIGIT_MASK
            value >>= 5
            if value:
                digit |= _CONTINUATION
            out.append(_BASE64[digit])
            if not value:
                break
    return "".join(out)


@dataclass(frozen=True)
class OriginalPosition:
    """Where a generated position came from; 0-based line and column, as in the map."""

    source: str
    line: int
    column: int
    name: str | None = None


class SourceMap:
    """One decoded map: per generated line, sorted segments (gen col, source, line, col, name)."""

    def __init__(self, document: dict[str, Any], base: str | None = None) -> None:
        if document.get("version") != 3:
            raise SourceMapError(f"unsupported source map version {document.get('version')!r}")
        self._lines: list[list[tuple[int, int, int, int, int]]] = []
        self._columns: list[list[int]] = []
        self.sources: list[str] = []
        self.names: list[str] = []
        if "sections" in document:
            self._load_sections(document["sections"], base)
        else:
            self._load_flat(document, base, 0, 0)

    def _resolve_source(self, source: str, root: str, base: str | None) -> str:
        source = (root.rstrip("/") + "/" + source) if root and not _is_absolute(source) else source
        if is_file_url(source):
            return file_url_to_path(source)
        if base and not _is_absolute(source) and "://" not in source:
            return os.path.normpath(os.path.join(base, source))
        return source

    def _load_flat(
        self, document: dict[str, Any], base: str | None, line_offset: int, column_offset: int
    ) -> None:
        mappings = document.get("mappings")
        if not isinstance(mappings, str):
            raise SourceMapError("the source map has no 'mappings' string")
        root = document.get("sourceRoot") or ""
        source_offset = len(self.sources)
        name_offset = len(self.names)
        self.sources.extend(
            self._resolve_source(str(s or ""), root, base) for s in document.get("sources", [])
        )
        self.names.extend(str(n) for n in document.get("names", []))
        source = line = column = name = 0
        for line_number, line_text in enumerate(mappings.split(";")):
            target = line_number + line_offset
            while len(self._lines) <= target:
                self._lines.append([])
            generated = 0
            segments = self._lines[target]
            for segment_text in line_text.split(","):
                if not segment_text:
                    continue
                fields = decode_vlq(segment_text)
                if len(fields) not in (1, 4, 5):
                    raise SourceMapError(f"a mappings segment has {len(fields)} fields")
                generated += fields[0]
                if len(fields) == 1:
                    continue
                source += fields[1]
                line += fields[2]
                column += fields[3]
                name_index = -1
                if len(fields) == 5:
                    name += fields[4]
                    name_index = name + name_offset
                shift = column_offset if line_number == 0 else 0
                segments.append((generated + shift, source + source_offset, line, column, name_index))
        for segments in self._lines:
            segments.sort()
        self._columns = [[segment[0] for segment in segments] for segments in self._lines]

    def _load_sections(self, sections: list[Any], base: str | None) -> None:
        for section in sections:
            offset = section.get("offset", {})
            nested = section.get("map")
            if not isinstance(nested, dict):
                raise SourceMapError("index map sections with 'url' are not supported")
            self._load_flat(nested, base, int(offset.get("line", 0)), int(offset.get("column", 0)))

    def original_position(self, line: int, column: int) -> OriginalPosition | None:
        """Map a 0-based generated position; the closest segment at or left of ``column`` wins.

        A position left of the line's first segment maps with that first segment, since V8
        reports functions at their parameter list while compilers map the keyword before it.
        """
        if line < 0 or line >= len(self._lines) or not self._lines[line]:
            return None
        columns = self._columns[line]
        index = bisect.bisect_right(columns, column) - 1
        segment = self._lines[line][max(index, 0)]
        _, source, original_line, original_column, name = segment
        if source >= len(self.sources):
            return None
        return OriginalPosition(
            source=self.sources[source],
            line=original_line,
            column=original_column,
            name=self.names[name] if 0 <= name < len(self.names) else None,
        )


def _is_absolute(path: str) -> bool:
    return is_absolute_path(path) or "://" in path


def find_mapping_url(source_text: str) -> str | None:
    """The last ``sourceMappingURL`` comment of a script, as compilers append it."""
    tail = source_text[-4096:] if len(source_text) > 4096 else source_text
    matches = _MAPPING_URL.findall(tail)
    if not matches:
        matches = _MAPPING_URL.findall(source_text)
    return matches[-1] if matches else None


def load_source_map(
    script_path: str, mapping_url: str | None = None, read: Reader | None = None
) -> SourceMap | None:
    """A script's map, from its comment or the inspector's ``mapping_url``; None if it has none.

    The script and its map are read only through ``read`` (by default only inside the
    script's own project, see :class:`ProjectFiles`): a map it will not read (outside the
    project, a special file) gives None. Raises :class:`SourceMapError` when a map is
    named but missing or not a source map.
    """
    read = read if read is not None else ProjectFiles.around([script_path]).read_bytes
    if mapping_url is None:
        raw_script = read(script_path)
        if raw_script is None:
            return None
        mapping_url = find_mapping_url(raw_script.decode("utf-8", "replace"))
        if mapping_url is None:
            return None
    directory = os.path.dirname(script_path)
    if mapping_url.startswith("data:"):
        header, _, payload = mapping_url.partition(",")
        try:
            raw = (
                base64.b64decode(payload)
                if header.endswith(";base64")
                else urllib.parse.unquote(payload).encode()
            )
        except ValueError as error:
            raise SourceMapError(f"the inline source map of {script_path} is not base64: {error}") from None
        map_dir = directory
    elif "://" in mapping_url and not is_file_url(mapping_url):
        return None  # an http(s) map of a bundle: nothing on this machine to read
    else:
        map_path = os.path.normpath(
            file_url_to_path(mapping_url)
            if is_file_url(mapping_url)
            else os.path.join(directory, urllib.parse.unquote(mapping_url))
        )
        raw_map = read(map_path)
        if raw_map is None:
            if os.path.lexists(map_path):  # there, but refused (outside the project) or unreadable
                return None
            raise SourceMapError(f"cannot read source map {map_path}")
        raw = raw_map
        map_dir = os.path.dirname(map_path)
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise SourceMapError(f"source map of {script_path} is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise SourceMapError(f"source map of {script_path} is not a JSON object")
    return SourceMap(document, base=map_dir)

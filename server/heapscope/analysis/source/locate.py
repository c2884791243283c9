"""From what the heap shows to the line a developer changes, through :class:`~.index.SourceIndex`.

The graph side knows a function's start (an allocation frame or a closure), the names a growing
collection is known by, and the package that holds it; these queries find the statement: the
insertion into the collection within that function, or the call into the package. Positions
given are V8's (0-based, generated file); results are mapped through source maps. When a file
cannot be read, the answer is V8's own position, marked so the finding can say so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ...script_urls import script_path
from ..model import Location
from .files import is_user_path, package_of
from .index import Site
from .scripts import SourceResolver

_IDENTIFIER = re.compile(r"#?[A-Za-z_$][\w$]*")
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_QUEUE_WORDS = frozenset(
    {"queue", "queued", "job", "jobs", "task", "tasks", "pending", "backlog", "inbox", "outbox", "messages"}
)


@dataclass(frozen=True)
class Found:
    """A location and whether the source behind it could be read (else it is V8's position)."""

    location: Location
    source_available: bool = True


def source_names(names: Iterable[str]) -> list[str]:
    """The names code can spell: identifiers. The heap also names collections by edges such as
    ``10 / part of key (memoized @7) -> value pair in WeakMap``, which no source mentions."""
    return [name for name in names if name and _IDENTIFIER.fullmatch(name)]


def name_words(name: str) -> list[str]:
    """``pendingJobs`` -> ["pending", "jobs"]; ``job_queue`` -> ["job", "queue"]."""
    return [word.lower() for word in _WORD.findall(name)]


def queue_like_name(name: str) -> bool:
    """A name whose words say queue (``jobQueue``, ``pending``, ``outbox``), not ones that merely
    contain such letters (``networkPeers``, ``workers``, ``homework``)."""
    return any(word in _QUEUE_WORDS for word in name_words(name))


class LineFinder:
    """Source queries for one analysis, sharing the resolver's script map and source maps."""

    def __init__(self, resolver: SourceResolver) -> None:
        self.resolver = resolver

    def _map(self, path: str, site: Site) -> Location:
        return self.resolver.position(path, site.line, site.column)

    def fallback(self, path: str, line: int, column: int) -> Found:
        """V8's position itself (mapped), flagged when the file cannot be read."""
        readable = self.resolver.index(path) is not None
        return Found(self.resolver.position(path, line, column), readable)

    def insertion(self, path: str, line: int, column: int, names: Sequence[str]) -> Location | None:
        """The first statement inserting into ``names`` within the function at a V8 position; with
        no names (the heap's path had none), the first insertion into any collection there."""
        index = self.resolver.index(path)
        if index is None:
            return None
        function = index.function_at(line, column)
        if function is None:
            return None
        names = source_names(names)
        sites = index.insertions(names or None, function)
        return self._map(path, sites[0]) if sites else None

    def insertion_in_files(self, files: Iterable[str], names: Sequence[str]) -> Location | None:
        """The first insertion into ``names`` anywhere in these files (first file that has one)."""
        names = source_names(names)
        needles = [name.encode() for name in names]
        if not needles:
            return None
        for path in files:
            text = self.resolver.text(path)
            if text is None or not any(needle in text for needle in needles):
                continue
            index = self.resolver.index(path)
            sites = index.insertions(names) if index else []
            if sites:
                return self._map(path, sites[0])
        return None

    def link(
        self, path: str, line: int, column: int, edge: str, *, whole_file: bool = False
    ) -> Location | None:
        """Where a linked list gets a link (``tail.<edge> = node``), in a function or the whole file."""
        index = self.resolver.index(path)
        if index is None or not edge:
            return None
        within = None if whole_file else index.function_at(line, column)
        if within is None and not whole_file:
            return None
        sites = index.link_assignments(edge, within)
        return self._map(path, sites[0]) if sites else None

    def package_call(
        self, path: str, line: int, column: int, package: str, through: Sequence[str] = ()
    ) -> Location | None:
        """The call into ``package`` within the function at a V8 position."""
        index = self.resolver.index(path)
        if index is None:
            return None
        function = index.function_at(line, column)
        sites = index.package_calls(package, function, through) if function else []
        return self._map(path, sites[0]) if sites else None

    def package_call_in_files(
        self, files: Iterable[str], package: str, through: Sequence[str] = ()
    ) -> Location | None:
        """The app's call into ``package`` in these files: through the names the heap shows when
        given, else the first call made inside a function (per request), else a top-level one."""
        needle = package.encode()
        for path in files:
            text = self.resolver.text(path)
            if text is None or needle not in text:
                continue
            index = self.resolver.index(path)
            if index is None:
                continue
            sites = index.package_calls(package, through=through) if through else []
            if not sites:
                sites = index.package_calls(package)
                inside = [s for s in sites if index.function_at(s.line, s.column) is not None]
                sites = inside or sites
            if sites:
                return self._map(path, sites[0])
        return None

    def consumed_from_front(self, path: str, names: Sequence[str]) -> bool:
        """Does the file take entries off the front of the collection (``x.shift()``)?"""
        index = self.resolver.index(path)
        return bool(index and any(names) and index.front_removals(names))

    def user_scripts(self) -> list[str]:
        """Every user file the snapshot's scripts name (sorted, so the answer is the same every run)."""
        paths = set()
        for url in self.resolver.snapshot.script_names.values():
            path = script_path(url)
            if path is not None and is_user_path(path):
                paths.add(path)
        return sorted(paths)

    def package_scripts(self, package: str) -> list[str]:
        """The files of one package that the snapshot's scripts name."""
        paths = set()
        for url in self.resolver.snapshot.script_names.values():
            path = script_path(url)
            if path is not None and package_of(path) == package:
                paths.add(path)
        return sorted(paths)

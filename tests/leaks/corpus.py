"""The leak corpus as data: which programs exist and what Heapscope must say about each.

Expectations come from the programs themselves: a leaking program marks the line a finding must
point at with a trailing ``// LEAK: <kind>`` comment, so adding a program needs no test edit. A
program with several markers leaks in several places: each marker must be matched by its own
finding, and the top finding must be one of them.
A program is a directory under tests/leaks holding ``main.js``/``main.mjs`` (leaks if the
directory's non-``fixed-`` sources carry a marker, otherwise it is noise that must stay clean) and
optionally ``fixed-main.*`` (the fixed twin, must stay clean). A directory with a tsconfig.json
is TypeScript: its entries are ``src/main.ts``/``src/fixed-main.ts``, run from ``build/`` after
compiling, and its markers sit in the ``.ts`` sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
EXAMPLES = CORPUS.parent.parent / "examples"
KINDS = ("event-listener", "closure", "collection", "timer", "global", "queue", "third-party")
MARKER = re.compile(r"//\s*LEAK:\s*(?P<kind>[a-z-]+)\s*$")
# For growth inside an npm package: the package file (under tests/leaks/node_modules) and the text
# of the line inserting into the growing collection, which a finding names as a related location.
GROWS_IN = re.compile(r"^//\s*GROWS IN:\s*(?P<file>\S+)\s+(?P<text>.+?)\s*$")
NODE_MODULES = CORPUS / "node_modules"
SOURCE_SUFFIXES = (".js", ".mjs", ".cjs", ".ts")
ENTRY_STEMS = ("main", "fixed-main")
# Support code shared by programs, not programs themselves.
NOT_PROGRAMS = {"_shared", "packages", "node_modules", "__pycache__"}
SKIPPED_DIRS = {"node_modules", "build", "__pycache__"}


@dataclass(frozen=True)
class Marker:
    kind: str
    path: Path
    line: int  # 1-based, as in every user-facing Heapscope output

    def __str__(self) -> str:
        return f"{self.kind} at {self.path}:{self.line}"


@dataclass(frozen=True)
class Program:
    name: str
    entry: Path  # what `node` runs (for TypeScript, the compiled file)
    markers: tuple[Marker, ...]  # empty: must produce no error/warning finding
    typescript_project: Path | None = None
    grows_in: GrowsIn | None = None  # the insertion inside node_modules, for third-party leaks

    @property
    def expected(self) -> Marker | None:
        """The first marker (the only one for most programs), or None for a clean program."""
        return self.markers[0] if self.markers else None

    @property
    def both_modes(self) -> bool:
        """Programs whose line comes from reading the source are checked with allocation tracking
        on and off (on is the default, which every program runs)."""
        return self.expected is not None and self.expected.kind in (
            "collection",
            "global",
            "queue",
            "third-party",
        )


def markers_in(directory: Path) -> list[Marker]:
    """Every ``// LEAK:`` marker in the leaky (non-``fixed-``) sources of one program directory."""
    found: list[Marker] = []
    for source in sorted(directory.rglob("*")):
        relative = source.relative_to(directory)
        if source.suffix not in SOURCE_SUFFIXES or source.name.startswith("fixed-"):
            continue
        if SKIPPED_DIRS.intersection(relative.parts[:-1]):
            continue
        for number, text in enumerate(source.read_text().splitlines(), start=1):
            match = MARKER.search(text)
            if match:
                found.append(Marker(match["kind"], source, number))
    return found


@dataclass(frozen=True)
class GrowsIn:
    """A ``// GROWS IN: pkg/file.js text`` line: the package line that inserts into the collection."""

    path: Path
    text: str

    def line(self) -> int:
        """1-based line of ``text`` in the installed package file (0 if absent); read when asked,
        after the corpus's npm packages are installed."""
        lines = self.path.read_text().splitlines() if self.path.exists() else []
        return next((number for number, line in enumerate(lines, 1) if self.text in line), 0)

    def __str__(self) -> str:
        return f"{self.path}:{self.line()} ({self.text})"


def grows_in(directory: Path) -> GrowsIn | None:
    for source in sorted(directory.glob("*.js")):
        if source.name.startswith("fixed-"):
            continue
        for text in source.read_text().splitlines():
            match = GROWS_IN.match(text.strip())
            if match:
                return GrowsIn(NODE_MODULES / match["file"], match["text"])
    return None


def _expected_for(directory: Path) -> tuple[Marker, ...]:
    markers = markers_in(directory)
    for marker in markers:
        if marker.kind not in KINDS:
            raise ValueError(f"{marker}: unknown leak kind, expected one of {', '.join(KINDS)}")
    return tuple(markers)


def _programs_in(directory: Path) -> list[Program]:
    leaky = _expected_for(directory)
    tsconfig = directory / "tsconfig.json"
    programs: list[Program] = []
    for stem in ENTRY_STEMS:
        expected = leaky if stem == "main" else ()
        label = directory.name if stem == "main" else f"{directory.name}/fixed"
        if tsconfig.exists():
            if (directory / "src" / f"{stem}.ts").exists():
                entry = directory / "build" / f"{stem}.js"
                programs.append(Program(label, entry, expected, typescript_project=directory))
            continue
        for suffix in (".js", ".mjs", ".cjs"):
            if (directory / f"{stem}{suffix}").exists():
                inside = grows_in(directory) if expected else None
                programs.append(Program(label, directory / f"{stem}{suffix}", expected, grows_in=inside))
    return programs


def _example_programs() -> list[Program]:
    """The user guide's example: its leak is the ``emitter.on('leak', ...)`` line."""
    leaky = EXAMPLES / "leaky-emitter.js"
    programs: list[Program] = []
    if leaky.exists():
        lines = leaky.read_text().splitlines()
        line = next(n for n, text in enumerate(lines, start=1) if "emitter.on('leak'" in text)
        programs.append(Program("examples/leaky-emitter", leaky, (Marker("event-listener", leaky, line),)))
    fixed = EXAMPLES / "fixed-emitter.js"
    if fixed.exists():
        programs.append(Program("examples/fixed-emitter", fixed, ()))
    return programs


def discover() -> list[Program]:
    programs: list[Program] = []
    for directory in sorted(CORPUS.iterdir()):
        if directory.is_dir() and directory.name not in NOT_PROGRAMS:
            programs.extend(_programs_in(directory))
    return programs + _example_programs()

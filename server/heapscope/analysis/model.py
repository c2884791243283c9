"""The analysis results as plain data: what every front end (CLI, SARIF, HTML, LSP) reads.

``LeakReport.to_json()`` is the stable contract (``"version": 1``); everything else in this
package produces these objects, and nothing here knows how they are displayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

KINDS = ("event-listener", "closure", "collection", "timer", "global", "queue", "third-party", "other")
SEVERITIES = ("error", "warning", "information")
_SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class KindWords:
    """How people name a leak kind: a heading, and what they count when it grows."""

    label: str
    """``Event listeners``: the kind as a heading or a tag."""
    singular: str
    """``listener``: one of what grows."""
    plural: str

    def noun(self, count: int) -> str:
        """``1 listener``, ``0 listeners``, ``-2 listeners``: the word that goes with ``count``."""
        return self.singular if abs(count) == 1 else self.plural

    def to_json(self) -> dict[str, str]:
        return {"label": self.label, "singular": self.singular, "plural": self.plural}


KIND_WORDS = {
    "event-listener": KindWords("Event listeners", "listener", "listeners"),
    "closure": KindWords("Closures", "closure", "closures"),
    "collection": KindWords("Collection", "entry", "entries"),
    "timer": KindWords("Timers", "timer", "timers"),
    "global": KindWords("Global", "object", "objects"),
    "queue": KindWords("Queue", "queued item", "queued items"),
    "third-party": KindWords("Third party", "object", "objects"),
    "other": KindWords("Other", "object", "objects"),
}
"""Every kind of :data:`KINDS`; what the CLI, the editor and its Leaks view call them."""


def kind_words(kind: str) -> KindWords:
    """The words for ``kind``; a kind this version does not know reads as its name and counts objects."""
    known = KIND_WORDS.get(kind)
    if known is not None:
        return known
    return KindWords(kind.replace("-", " ").replace("_", " ").capitalize(), "object", "objects")


@dataclass(frozen=True)
class Location:
    """A source position for people: absolute path, 1-based line and column."""

    path: str
    line: int
    column: int

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "column": self.column}

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class PathHop:
    """One step of a retainer path: the node reached (``Class`` or ``Class name``) and the edge taken."""

    node: str
    edge: str
    location: Location | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "edge": self.edge,
            "location": self.location.to_json() if self.location else None,
        }


class FindingEvidence(Protocol):
    """A kind rule's typed evidence (see :mod:`heapscope.analysis.kinds`)."""

    @property
    def kind(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def related(self) -> list[Location]: ...

    def to_json(self) -> dict[str, Any]: ...


@dataclass
class Finding:
    """One leak: what grows, where to fix it, why it stays alive."""

    id: str
    kind: str
    severity: str
    message: str
    location: Location | None
    growth_count: list[int]
    growth_retained: list[int]
    retainer_path: list[PathHop]
    fix_hint: str
    title: str = ""
    """Short label for lenses and headings, e.g. ``'leak' listeners on EventEmitter``."""
    allocation_site: Location | None = None
    """Where the growing entries were allocated, when the snapshots carried allocation traces."""
    evidence: FindingEvidence | None = None
    """What the kind's rule found (event name, captured variables, package, names, ...)."""
    labels: tuple[str, ...] = ()
    """Short tags for the kind (``listener``, the event, the package)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Measurements beside the evidence (new objects and bytes, merged groups)."""

    @property
    def related(self) -> list[Location]:
        """Further places worth opening (the line inside a package, for a call into it)."""
        return list(self.evidence.related) if self.evidence is not None else []

    @property
    def details(self) -> dict[str, Any]:
        """The evidence and measurements as one JSON object (the report's ``details``).

        It is :attr:`extra` with the evidence's facts filled in, so a later stage that adds a
        fact (the worker a finding came from) writes it where the report reads it.
        """
        if self.evidence is not None:
            for key, value in self.evidence.to_json().items():
                self.extra.setdefault(key, value)
        return self.extra

    @property
    def severity_rank(self) -> int:
        return _SEVERITY_RANK.get(self.severity, len(SEVERITIES))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "location": self.location.to_json() if self.location else None,
            "growth": {"count": list(self.growth_count), "retained_bytes": list(self.growth_retained)},
            "retainer_path": [hop.to_json() for hop in self.retainer_path],
            "fix_hint": self.fix_hint,
            "title": self.title,
            "allocation_site": self.allocation_site.to_json() if self.allocation_site else None,
            "details": self.details,
            "labels": list(self.labels),
        }


@dataclass(frozen=True)
class ClosureSite:
    """A function literal with many closures alive in the final snapshot (a census, not a finding)."""

    location: Location
    count: int
    retained_bytes: int
    function_name: str = ""


@dataclass(frozen=True)
class ClassDelta:
    """One row of DevTools' Comparison view: how a class changed between two snapshots."""

    name: str
    new_count: int
    deleted_count: int
    new_size: int
    deleted_size: int

    @property
    def delta_count(self) -> int:
        return self.new_count - self.deleted_count

    @property
    def delta_size(self) -> int:
        return self.new_size - self.deleted_size

    def to_json(self) -> dict[str, Any]:
        return {
            "class": self.name,
            "new": self.new_count,
            "deleted": self.deleted_count,
            "delta": self.delta_count,
            "alloc_size": self.new_size,
            "freed_size": self.deleted_size,
            "size_delta": self.delta_size,
        }


@dataclass
class LeakReport:
    """Everything one analysis found, plus what the HTML report needs to draw the run."""

    target: dict[str, Any]
    snapshots: list[str]
    findings: list[Finding]
    comparison: list[ClassDelta] = field(default_factory=list)
    samples: list[dict[str, Any]] = field(default_factory=list)
    """Memory samples taken during a run (``timestamp`` in seconds, ``heapUsed``, ...)."""
    snapshot_times: list[float] = field(default_factory=list)
    """When each snapshot was taken, on the samples' clock."""
    notes: list[str] = field(default_factory=list)
    project_roots: list[str] = field(default_factory=list)
    """The directories source files may be read from (the HTML report's excerpts)."""
    closures: list[ClosureSite] = field(default_factory=list)
    """Function literals with many closures alive in the final snapshot (the editor's lenses)."""

    def sort(self) -> None:
        """Most severe first; within a severity, the biggest retained growth first."""
        self.findings.sort(key=lambda f: (f.severity_rank, -_growth_bytes(f), f.id))

    @property
    def has_leak(self) -> bool:
        return any(finding.severity in ("error", "warning") for finding in self.findings)

    def to_json(self) -> dict[str, Any]:
        self.sort()
        return {
            "version": 1,
            "target": self.target,
            "snapshots": list(self.snapshots),
            "findings": [finding.to_json() for finding in self.findings],
            "comparison": [row.to_json() for row in self.comparison],
            "notes": list(self.notes),
        }


def _growth_bytes(finding: Finding) -> int:
    retained = finding.growth_retained
    return retained[-1] - retained[0] if retained else 0

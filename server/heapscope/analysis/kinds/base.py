"""What every leak-kind rule shares: the subject it looks at, its evidence, its description.

A rule is a small object with three steps, run in order by the classifier:

* ``match(subject)`` decides from the holder's structure (an emitter's ``_events``, a
  ``Timeout`` in Node's timer lists, a Map's table, a context chain) and returns typed
  evidence, or None to let the next rule try;
* ``locate(subject, evidence)`` asks the source resolver (``subject.source``) for the line a
  developer changes and fills ``evidence.location``;
* ``describe(evidence, growth)`` writes the title, message, fix hint and labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from ...snapshot import RetainerHop
from ...units import format_bytes
from ..model import Location

if TYPE_CHECKING:
    from ..classify import Classifier
    from ..leaks import LeakGroup


@dataclass
class Subject:
    """One growing group as the rules see it: its holder, the preferred path to it, its names."""

    group: LeakGroup
    source: Classifier
    """Graph helpers and the source resolver (file lines, insertion sites, package calls)."""
    path: list[RetainerHop]
    """Preferred retainer path from the root to a representative entry."""
    anchor_hop: int
    """Index in ``path`` of the holder (the container that grows)."""
    edge_names: list[str]
    name: str
    """The holder's name on the path ("" if none)."""
    owner: str
    """What holds that name: ``SessionStore``, ``makeHandler()``, ``the global object``."""
    names: list[str]
    """Every user-visible name of the holder (property, closure variable), path's name first."""
    owner_file: str | None
    chain: str = ""
    """The edge chaining a linked list's entries (``next``), when the holder is a list."""


@dataclass
class Evidence:
    """What a rule found; each kind adds its own typed fields."""

    kind: ClassVar[str] = "other"
    path: list[RetainerHop]
    anchor_hop: int
    name: str
    owner: str
    names: list[str] = field(default_factory=list)
    location: Location | None = None
    allocation_site: Location | None = None
    related: list[Location] = field(default_factory=list)
    """Further places worth opening (e.g. the insertion inside a package)."""

    @property
    def holder(self) -> int:
        """Ordinal (final snapshot) of the holder the evidence is about, -1 without a path."""
        return self.path[self.anchor_hop].node if 0 <= self.anchor_hop < len(self.path) else -1

    def facts(self) -> dict[str, Any]:
        """Kind-specific facts for the JSON report's ``details`` object."""
        return {}

    def to_json(self) -> dict[str, Any]:
        return {
            **self.facts(),
            "name": self.name,
            "names": list(self.names),
            "owner": self.owner,
            "related": [location.to_json() for location in self.related],
        }


@dataclass(frozen=True)
class Growth:
    """How a group grew, in the units a message quotes."""

    counts: list[int]
    retained: list[int]
    entry_class: str

    @property
    def counts_text(self) -> str:
        return " → ".join(f"{count:,}" for count in self.counts)

    @property
    def bytes_text(self) -> str:
        growth = self.retained[-1] - self.retained[0] if self.retained else 0
        last = self.retained[-1] if self.retained else 0
        return f"retaining {format_bytes(last)} (+{format_bytes(max(growth, 0))})"


@dataclass(frozen=True)
class Description:
    """A kind's words for one finding, kept together so message, hint and labels agree."""

    title: str
    message: str
    fix_hint: str
    labels: tuple[str, ...] = ()


class Rule(Protocol):
    """One leak kind."""

    kind: str

    def match(self, subject: Subject) -> Evidence | None: ...

    def locate(self, subject: Subject, evidence: Evidence) -> None: ...

    def describe(self, evidence: Evidence, growth: Growth) -> Description: ...


def named(evidence: Evidence) -> str:
    """`` `name` `` with a leading space, or nothing."""
    return f" `{evidence.name}`" if evidence.name else ""

"""Closures piling up: many new functions from one literal, kept by a context chain or a list.

Decided from the entries: the group's growing entries are closures, or closures from one
literal outnumber the entries more than twice (each link of a chain of closures keeps the
previous one through its context). The location is that function literal, chosen by the
bytes its closures keep alive, so small helpers that ride along do not win.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..model import Location
from .base import Description, Evidence, Growth, Subject


@dataclass
class ClosureEvidence(Evidence):
    kind = "closure"
    captured: list[dict[str, object]] = field(default_factory=list)
    closure_count: int = 0

    def facts(self) -> dict[str, Any]:
        return {"captured": self.captured, "closure_count": self.closure_count}


class ClosureRule:
    kind = "closure"

    def match(self, subject: Subject) -> Evidence | None:
        source = subject.source
        snapshot = source.final
        group = subject.group
        closures = group.members[snapshot.node_type[group.members] == source.closure_type]
        if len(closures) < 3:
            return None
        weights: Counter[Location] = Counter()
        by_literal: dict[Location, list[int]] = {}
        retained = snapshot.retained_sizes
        for closure in closures[:2000].tolist():
            location = source.any_location(int(closure))
            if location:
                weights[location] += int(retained[int(closure)]) + 1
                by_literal.setdefault(location, []).append(int(closure))
        if not weights:
            return None
        literal = min(weights, key=lambda loc: (-weights[loc], loc.path, loc.line, loc.column))
        count = len(by_literal[literal])
        chained = count >= 3 and count > 2 * max(len(group.entries), 1)
        if not (group.entry_class == "(closure)" or chained):
            return None
        return ClosureEvidence(
            path=subject.path,
            anchor_hop=subject.anchor_hop,
            name=subject.name,
            owner=subject.owner,
            names=subject.names,
            location=literal,
            captured=source.captured(by_literal[literal]),
            closure_count=count,
        )

    def locate(self, subject: Subject, evidence: Evidence) -> None:
        """The literal itself is the location, found while matching."""

    def describe(self, evidence: Evidence, growth: Growth) -> Description:
        assert isinstance(evidence, ClosureEvidence)
        captured = [str(item["name"]) for item in evidence.captured][:3]
        holding = f"; their scope keeps {', '.join(f'`{c}`' for c in captured)} alive" if captured else ""
        return Description(
            title="closures piling up",
            message=(
                f"Closures created by this function keep accumulating ({evidence.closure_count} new ones "
                f"alive){holding}: {growth.counts_text} {growth.entry_class or 'objects'}, "
                f"{growth.bytes_text}."
            ),
            fix_hint=(
                "Stop keeping every closure alive (drop the reference that stores it, or reuse one "
                "function), "
                "and capture only what it needs: copy small values out of large objects, or set the captured "
                "variable to null once it is no longer used."
            ),
            labels=("closure", *captured),
        )

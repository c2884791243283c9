"""Growth no other rule explains: say what grows (the biggest growing classes) and where it is
held, so a growing heap never ends in "No leak found"."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...units import format_bytes
from .base import Description, Evidence, Growth, Subject, named


@dataclass
class OtherEvidence(Evidence):
    kind = "other"
    holder_class: str = ""
    top_classes: list[tuple[str, int]] = field(default_factory=list)
    """(class, new bytes) of the biggest growing classes, biggest first."""

    def facts(self) -> dict[str, Any]:
        return {
            "collection_class": self.holder_class,
            "top_classes": [{"class": name, "new_bytes": size} for name, size in self.top_classes],
        }


class OtherRule:
    kind = "other"

    def match(self, subject: Subject) -> Evidence | None:
        return OtherEvidence(
            path=subject.path,
            anchor_hop=subject.anchor_hop,
            name=subject.name,
            owner=subject.owner,
            names=subject.names,
            holder_class=subject.source.final.class_name(subject.group.anchor),
            top_classes=subject.source.top_classes(subject.group.members),
        )

    def locate(self, subject: Subject, evidence: Evidence) -> None:
        subject.source.locate_insertion(subject, evidence)

    def describe(self, evidence: Evidence, growth: Growth) -> Description:
        assert isinstance(evidence, OtherEvidence)
        classes = ", ".join(f"{name} (+{format_bytes(size)})" for name, size in evidence.top_classes[:3])
        held = f" kept by {evidence.holder_class}{named(evidence)}" if evidence.holder_class else ""
        return Description(
            title=f"{growth.entry_class or 'objects'} keep growing",
            message=(
                f"{growth.entry_class or 'Objects'}{held} keep growing: {growth.counts_text}, "
                f"{growth.bytes_text}" + (f"; biggest new classes: {classes}." if classes else ".")
            ),
            fix_hint=(
                "Follow the retainer path to the object that should have let go, and remove that reference."
            ),
            labels=("other", *(name for name, _ in evidence.top_classes[:3])),
        )

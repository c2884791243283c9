"""A queue nobody drains: an Array or a linked list that is pushed to and, by its name or by a
``shift()`` somewhere in its file, meant to be consumed."""

from __future__ import annotations

from dataclasses import dataclass

from .base import Description, Evidence, Growth, Subject, named
from .collection import CollectionEvidence, collection_evidence


@dataclass
class QueueEvidence(CollectionEvidence):
    kind = "queue"


class QueueRule:
    kind = "queue"

    def match(self, subject: Subject) -> Evidence | None:
        anchor_class = subject.source.final.class_name(subject.group.anchor)
        if anchor_class != "Array" and not subject.chain:
            return None
        if not subject.source.looks_like_queue(subject):
            return None
        return collection_evidence(subject, QueueEvidence)

    def locate(self, subject: Subject, evidence: Evidence) -> None:
        subject.source.locate_insertion(subject, evidence)

    def describe(self, evidence: Evidence, growth: Growth) -> Description:
        assert isinstance(evidence, QueueEvidence)
        kind = evidence.collection_class
        owner = f" in {evidence.owner}" if evidence.owner else ""
        return Description(
            title=f"queue{named(evidence)} never drained",
            message=(
                f"{kind[:1].upper()}{kind[1:]}{named(evidence)}{owner} is used as a queue that is never "
                "drained: "
                f"{growth.counts_text} queued {growth.entry_class or 'items'}, {growth.bytes_text}."
            ),
            fix_hint=(
                "Drain the queue: make sure a consumer removes items (shift/splice) at least as fast as they "
                "are pushed, bound its length (drop, reject or apply back-pressure when full), and stop "
                "producing when no consumer runs."
            ),
            labels=("queue", kind),
        )

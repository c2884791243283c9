"""A collection that only grows: Map, Set, Array or object used as a dictionary, held by the
program (a module variable, a property, a closure variable).

The location is the line inserting the growing entries (``set``/``add``/``push``/index
assignment) into any of the collection's names, from allocation traces when present, else
from the file that owns the collection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .base import Description, Evidence, Growth, Subject, named

COLLECTION_CLASSES = ("Map", "Set", "Array", "Object", "WeakMap", "WeakSet")


@dataclass
class CollectionEvidence(Evidence):
    kind = "collection"
    collection_class: str = "object"
    entry_class: str = ""

    def facts(self) -> dict[str, Any]:
        return {"collection_class": self.collection_class, "entry_class": self.entry_class}


def collection_evidence(
    subject: Subject, cls: type[CollectionEvidence], name: str = "", owner: str = ""
) -> CollectionEvidence:
    """Evidence about the holder as a collection (shared by queues, globals and packages)."""
    snapshot = subject.source.final
    holder_class = snapshot.class_name(subject.group.anchor)
    if holder_class == "TimersList":  # Node's own list of timers due at one interval
        return cls(
            path=subject.path,
            anchor_hop=subject.anchor_hop,
            name="",
            owner="",
            names=[],
            collection_class="Node's timer list",
            entry_class=subject.group.entry_class,
        )
    return cls(
        path=subject.path,
        anchor_hop=subject.anchor_hop,
        name=name or subject.name,
        owner=owner or subject.owner,
        names=subject.names,
        collection_class="linked list" if subject.chain else holder_class,
        entry_class=subject.group.entry_class,
    )


class CollectionRule:
    kind = "collection"

    def match(self, subject: Subject) -> Evidence | None:
        anchor_class = subject.source.final.class_name(subject.group.anchor)
        if anchor_class in COLLECTION_CLASSES or subject.name:
            return collection_evidence(subject, CollectionEvidence)
        return None

    def locate(self, subject: Subject, evidence: Evidence) -> None:
        subject.source.locate_insertion(subject, evidence)

    def describe(self, evidence: Evidence, growth: Growth) -> Description:
        assert isinstance(evidence, CollectionEvidence)
        owner = f" in {evidence.owner}" if evidence.owner else ""
        return Description(
            title=f"{evidence.collection_class}{named(evidence)} grows without bound",
            message=(
                f"{evidence.collection_class}{named(evidence)}{owner} grows without bound: "
                f"{growth.counts_text} "
                f"{growth.entry_class or 'entries'}, {growth.bytes_text}."
            ),
            fix_hint=(
                "Bound the collection: evict old entries (an LRU with a maximum size, or a TTL), delete an "
                "entry "
                "when the thing it describes goes away, or use a WeakMap/WeakRef when keys are objects."
            ),
            labels=("collection", evidence.collection_class),
        )

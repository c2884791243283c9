"""Data accumulated on the global object: the holder hangs off ``globalThis`` through property
edges only (a module variable reached through some global function's scope is not a global)."""

from __future__ import annotations

from dataclasses import dataclass

from .base import Description, Evidence, Growth, Subject, named
from .collection import CollectionEvidence, collection_evidence

GLOBAL_CLASSES = ("global", "global / ", "Window", "globalThis")


@dataclass
class GlobalEvidence(CollectionEvidence):
    kind = "global"


def global_name(subject: Subject) -> str | None:
    """The global property holding the holder; "" for the global object itself; None otherwise."""
    source = subject.source
    snapshot = source.final
    path = subject.path
    for index in range(subject.anchor_hop, 0, -1):
        node = path[index - 1].node
        edge = path[index].edge
        if (
            snapshot.edge_type_name(edge) == "context"
            or int(snapshot.node_type[path[index].node]) == source.closure_type
        ):
            return None
        if snapshot.class_name(node) in GLOBAL_CLASSES and snapshot.edge_type_name(edge) == "property":
            return snapshot.edge_name(edge)
    if snapshot.class_name(path[subject.anchor_hop].node) in GLOBAL_CLASSES:
        return ""
    return None


class GlobalRule:
    kind = "global"

    def match(self, subject: Subject) -> Evidence | None:
        name = global_name(subject)
        if name is None:
            return None
        return collection_evidence(subject, GlobalEvidence, name=name, owner="the global object")

    def locate(self, subject: Subject, evidence: Evidence) -> None:
        subject.source.locate_insertion(subject, evidence, search_all_scripts=True)

    def describe(self, evidence: Evidence, growth: Growth) -> Description:
        assert isinstance(evidence, GlobalEvidence)
        return Description(
            title=f"global{named(evidence)} grows",
            message=(
                f"Global{named(evidence)} ({evidence.collection_class} on the global object) keeps growing: "
                f"{growth.counts_text} {growth.entry_class or 'entries'}, {growth.bytes_text}."
            ),
            fix_hint=(
                "Do not accumulate data on the global object: keep it in a module-scoped structure with a "
                "size "
                "limit, delete entries when done, and declare variables with let/const (a missing "
                "declaration "
                "creates an implicit global)."
            ),
            labels=("global", evidence.name),
        )

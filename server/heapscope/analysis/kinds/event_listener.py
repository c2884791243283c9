"""Event listeners that are added and never removed: the holder is an emitter's listener store.

Decided from structure: the growing container is an ``EventEmitter``'s ``_events`` object (or
the listener array under it), or an ``EventTarget``'s ``kEvents`` map, and no closure or
function scope sits between the store and the container. The location is the listener
function most new listeners were created from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ...snapshot import RetainerHop
from ..diff import present_in
from ..leaks import element_count
from .base import Description, Evidence, Growth, Subject

_STORE_EDGES = ("_events", "<symbol kEvents>")


@dataclass
class ListenerEvidence(Evidence):
    kind = "event-listener"
    emitter_class: str = "EventEmitter"
    emitter: str = ""
    event: str = ""
    api: str = "EventEmitter"
    listener_counts: list[int] = field(default_factory=list)
    listeners: list[int] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        return {
            "emitter_class": self.emitter_class,
            "emitter": self.emitter,
            "event": self.event,
            "api": self.api,
        }


class EventListenerRule:
    kind = "event-listener"

    def match(self, subject: Subject) -> Evidence | None:
        source = subject.source
        snapshot = source.final
        path, edge_names = subject.path, subject.edge_names
        markers = [
            i for i, name in enumerate(edge_names) if name in _STORE_EDGES and i <= subject.anchor_hop + 1
        ]
        if not markers:
            path = self._through_store(subject)
            edge_names = [snapshot.edge_name(hop.edge) if hop.edge >= 0 else "" for hop in path]
            markers = [i for i, name in enumerate(edge_names) if name in _STORE_EDGES]
            subject = replace(subject, path=path, edge_names=edge_names, anchor_hop=max([*markers, 0]) + 1)
        for at in markers[-1:]:
            between = path[at + 1 : subject.anchor_hop + 1]
            if any(source.is_code_scope(hop.node) for hop in between):
                return None
            emitter = path[at - 1].node
            first, _ = source.holder_name(path, at - 1, emitter)
            if first in {name for name, _ in source.names_of(emitter)}:
                # Shown through the emitter's own variable, not whatever reached it first.
                path, emitter_hop = source.path_by_name(path, at - 1, first)
                shift = emitter_hop + 1 - at
                at += shift
                edge_names = [snapshot.edge_name(hop.edge) if hop.edge >= 0 else "" for hop in path]
                subject = replace(
                    subject, path=path, edge_names=edge_names, anchor_hop=subject.anchor_hop + shift
                )
            marker = edge_names[at]
            event = edge_names[at + 1] if at + 1 < len(edge_names) else ""
            if marker == "<symbol kEvents>":
                event = self._event_target_type(subject, at) or event
            listeners = self._new_listeners(subject, path[at].node, event) if marker == "_events" else None
            if listeners is None or not len(listeners):
                listeners = source.entries_of_class(subject.group)
            emitter_names = [first] if first else []
            emitter_names += [name for name, _ in source.names_of(emitter) if name not in emitter_names]
            return ListenerEvidence(
                path=path,
                anchor_hop=at,
                name=event,
                owner=snapshot.class_name(emitter),
                names=emitter_names,
                emitter_class=snapshot.class_name(emitter),
                emitter=emitter_names[0] if emitter_names else "",
                event=event,
                api="EventTarget" if marker == "<symbol kEvents>" else "EventEmitter",
                listener_counts=self._listener_counts(subject, int(snapshot.node_id[emitter]), event),
                listeners=[int(n) for n in listeners[:300].tolist()],
            )
        return None

    def locate(self, subject: Subject, evidence: Evidence) -> None:
        assert isinstance(evidence, ListenerEvidence)
        source = subject.source
        callbacks = [source.callback_of(node) for node in evidence.listeners]
        evidence.location = source.dominant_location([c for c in callbacks if c >= 0])

    def describe(self, evidence: Evidence, growth: Growth) -> Description:
        assert isinstance(evidence, ListenerEvidence)
        variable = f" `{evidence.emitter}`" if evidence.emitter else ""
        event = evidence.event or "?"
        if evidence.api == "EventTarget":
            hint = (
                f"Remove the listener when its owner is done: call target.removeEventListener('{event}', fn) "
                f"(same function), pass {{ once: true }} if it should run once, or pass a per-owner "
                f"{{ signal }} and abort it when the owner finishes."
            )
        else:
            hint = (
                f"Remove the listener when its owner is done: keep a reference to the function and call "
                f"emitter.off('{event}', fn) (removeListener), use emitter.once('{event}', ...) if it should "
                f"run once, or register it a single time instead of on every call."
            )
        return Description(
            title=f"'{event}' listeners on {evidence.emitter_class}{variable}",
            message=(
                f"{evidence.emitter_class}{variable} gains '{event}' listeners that are never removed: "
                f"{growth.counts_text} listeners, {growth.bytes_text}."
            ),
            fix_hint=hint,
            labels=("listener", event),
        )

    @staticmethod
    def _through_store(subject: Subject) -> list[RetainerHop]:
        """The path through the emitter's store when the holder is (or sits right under) one.

        The preferred path may reach a listener array from elsewhere (a warning that names
        the emitter, say); what makes it a listener leak is the store that holds it, so the
        path is rebuilt through that store. Returns [] when the holder is not in a store.
        """
        snapshot = subject.source.final
        finder = subject.source.paths
        anchor = subject.path[subject.anchor_hop].node if subject.path else subject.group.anchor
        tail = subject.path[subject.anchor_hop + 1 :]
        edges, sources = snapshot.retainers_of(anchor)
        for edge, source in zip(edges.tolist()[:64], sources.tolist()[:64], strict=True):
            if snapshot.edge_name(edge) in _STORE_EDGES:
                return [*finder.retainer_path(source), RetainerHop(anchor, edge), *tail]
        for edge, source in zip(edges.tolist()[:64], sources.tolist()[:64], strict=True):
            if snapshot.edge_type_name(edge) != "property":
                continue
            outer_edges, outer_sources = (part.tolist()[:64] for part in snapshot.retainers_of(source))
            for outer_edge, holder in zip(outer_edges, outer_sources, strict=True):
                if snapshot.edge_name(outer_edge) in _STORE_EDGES:
                    store_path = finder.retainer_path(holder)
                    return [*store_path, RetainerHop(source, outer_edge), RetainerHop(anchor, edge), *tail]
        return []

    @staticmethod
    def _new_listeners(
        subject: Subject, events: int, event: str
    ) -> np.ndarray[Any, np.dtype[np.int64]] | None:
        """The listeners ``_events[event]`` holds that did not exist at the baseline.

        Read from the store itself: when the listener array was created after the baseline
        the growing container is ``_events``, whose entry is the array, not the functions.
        """
        source = subject.source
        snapshot = source.final
        store = snapshot.find_edge(events, event) if event else -1
        if store < 0:
            return None
        if int(snapshot.node_type[store]) == source.closure_type:
            listeners = np.array([store], dtype=np.int64)
        else:
            element = snapshot.edge_type_id("element")
            start, end = int(snapshot.first_edge[store]), int(snapshot.first_edge[store + 1])
            edges = np.arange(start, end)
            listeners = snapshot.edge_to[edges[snapshot.edge_type[edges] == element]].astype(np.int64)
        fresh = listeners[~present_in(snapshot.node_id[listeners], source.snapshots[0])]
        return fresh if len(fresh) else listeners

    @staticmethod
    def _event_target_type(subject: Subject, at: int) -> str:
        """An EventTarget's event type: the key stored just before the listener record in its Map."""
        snapshot = subject.source.final
        path = subject.path
        if at + 2 >= len(path) or snapshot.edge_name(path[at + 1].edge) != "table":
            return ""
        table = path[at + 1].node
        value_name = snapshot.edge_name(path[at + 2].edge)
        if not value_name.isdigit():
            return ""
        key_name = str(int(value_name) - 1)
        for edge, target in snapshot.children(table):
            if snapshot.edge_name(edge) == key_name and "string" in snapshot.type_name(target):
                return snapshot.name(target)
        return ""

    @staticmethod
    def _listener_counts(subject: Subject, emitter_id: int, event: str) -> list[int]:
        counts: list[int] = []
        for snapshot in subject.source.snapshots:
            emitter = snapshot.node_by_id(emitter_id)
            events = snapshot.find_edge(emitter, "_events") if emitter >= 0 else -1
            listeners = snapshot.find_edge(events, event) if events >= 0 and event else -1
            if listeners < 0:
                counts.append(0)
            elif snapshot.type_name(listeners) == "closure":
                counts.append(1)
            else:
                counts.append(element_count(snapshot, listeners))
        return counts if any(counts) else list(subject.group.counts)

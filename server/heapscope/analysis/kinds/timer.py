"""Timers that are never cleared: the growing entries are ``Timeout``/``Immediate`` objects in
Node's timer lists (or the holder is such a list), and their callbacks are the program's own.

Timers whose callbacks live in a package (a library's housekeeping timer) are left to the
third-party rule. The location is the callback function most of the new timers run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..source import is_user_path
from .base import Description, Evidence, Growth, Subject

TIMER_CLASSES = ("Timeout", "Immediate")


@dataclass
class TimerEvidence(Evidence):
    kind = "timer"
    timer_class: str = "Timeout"
    callbacks: tuple[int, ...] = ()

    def facts(self) -> dict[str, Any]:
        return {"timer_class": self.timer_class}


def timers_of(subject: Subject) -> np.ndarray[Any, np.dtype[np.int64]]:
    """The group's new ``Timeout``/``Immediate`` objects."""
    snapshot = subject.source.final
    members = subject.group.members
    wanted = [snapshot.class_names.index(c) for c in TIMER_CLASSES if c in snapshot.class_names]
    timers: np.ndarray[Any, np.dtype[np.int64]] = members[np.isin(snapshot.class_index[members], wanted)]
    return timers


def is_timer_holder(subject: Subject) -> bool:
    """The entries are timers, or the holder is a timer list (entries chained by ``_idleNext``)."""
    if subject.group.entry_class in TIMER_CLASSES:
        return True
    snapshot = subject.source.final
    return snapshot.class_name(subject.group.anchor) in ("TimersList", *TIMER_CLASSES) or (
        "_idleNext" in subject.edge_names[subject.anchor_hop + 1 :]
    )


class TimerRule:
    kind = "timer"

    def match(self, subject: Subject) -> Evidence | None:
        if not is_timer_holder(subject):
            return None
        source = subject.source
        callbacks = [source.callback_of(int(node)) for node in timers_of(subject)[:300].tolist()]
        callbacks = [c for c in callbacks if c >= 0]
        location = source.dominant_location(callbacks)
        if location is None or not is_user_path(location.path):
            return None  # a package's own timer: third-party
        entry = subject.group.entry_class
        snapshot = source.final
        holder = subject.path[subject.anchor_hop].node if subject.path else subject.group.anchor
        # Node's own timer list (or a link of it) has no name in the program: the list's
        # plumbing (``_idleNext``) or the timers module's variables are not names to show.
        in_node_list = snapshot.class_name(holder) in ("TimersList", *TIMER_CLASSES)
        return TimerEvidence(
            path=subject.path,
            anchor_hop=subject.anchor_hop,
            name="" if in_node_list else subject.name,
            owner="" if in_node_list else subject.owner,
            names=[] if in_node_list else subject.names,
            timer_class=entry if entry in TIMER_CLASSES else "Timeout",
            callbacks=tuple(callbacks),
            location=location,
        )

    def locate(self, subject: Subject, evidence: Evidence) -> None:
        """The callback's own location was found while matching."""

    def describe(self, evidence: Evidence, growth: Growth) -> Description:
        assert isinstance(evidence, TimerEvidence)
        return Description(
            title=f"{evidence.timer_class} objects never cleared",
            message=(
                f"Timers created here are never cleared: {growth.counts_text} {evidence.timer_class} objects "
                f"alive, {growth.bytes_text}."
            ),
            fix_hint=(
                "Keep the handle returned by setInterval/setTimeout and call clearInterval/clearTimeout when "
                "the work is finished or its owner is closed; create a repeating timer once, not on every "
                "call."
            ),
            labels=("timer", evidence.timer_class),
        )

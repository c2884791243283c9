"""The leak kinds as rules, tried in order; the first that matches a growing group decides it.

Order matters where structures overlap: listener stores and timer lists are recognised
before anything else; a package's holder before the generic closure and collection rules;
globals before queues and collections; ``other`` matches everything left.
"""

from __future__ import annotations

from .base import Description, Evidence, Growth, Rule, Subject
from .closure import ClosureRule
from .collection import CollectionRule
from .event_listener import EventListenerRule
from .global_ import GlobalRule
from .other import OtherRule
from .queue import QueueRule
from .third_party import ThirdPartyRule
from .timer import TimerRule

RULES: tuple[Rule, ...] = (
    EventListenerRule(),
    TimerRule(),
    ThirdPartyRule(),
    ClosureRule(),
    GlobalRule(),
    QueueRule(),
    CollectionRule(),
    OtherRule(),
)

__all__ = ["RULES", "Description", "Evidence", "Growth", "Rule", "Subject"]

"""The loader's progress: a real snapshot reports its named phases in order, each done <= total."""

from __future__ import annotations

from pathlib import Path

from heapscope.progress import Phase, Progress
from heapscope.snapshot import load_snapshot


def phases_in_order(events: list[Progress]) -> list[Phase]:
    """Each phase once, in the order it first reported."""
    seen: list[Phase] = []
    for event in events:
        if event.phase not in seen:
            seen.append(event.phase)
    return seen


def test_load_and_initialize_report_their_phases(listener_snapshot: tuple[Path, Path]) -> None:
    _program, path = listener_snapshot
    events: list[Progress] = []
    snapshot = load_snapshot(path, progress=events.append)
    snapshot.initialize(progress=events.append)

    assert phases_in_order(events) == [
        Phase.PARSE,
        Phase.COLUMNS,
        Phase.RETAINERS,
        Phase.DISTANCES,
        Phase.DOMINATORS,
        Phase.RETAINED_SIZES,
        Phase.CLASSES,
    ]
    # A phase reports as one run: it never comes back once the next one started.
    runs = [event.phase for i, event in enumerate(events) if i == 0 or events[i - 1].phase is not event.phase]
    assert runs == phases_in_order(events)
    assert all(event.total is not None and 0 <= event.done <= event.total for event in events)
    # Parsing counts the file's bytes: it moves forward, through the members, to the whole file.
    parsed = [event for event in events if event.phase is Phase.PARSE]
    assert [event.done for event in parsed] == sorted(event.done for event in parsed)
    assert parsed[-1].done == parsed[-1].total == path.stat().st_size
    assert {"parsing the nodes", "parsing the strings"} <= {event.message for event in parsed}
    # Every phase ends complete.
    for phase in phases_in_order(events):
        assert [event for event in events if event.phase is phase][-1].fraction == 1.0
    assert snapshot.node_count > 0


def test_an_event_without_a_message_reads_as_its_phase() -> None:
    assert Progress(Phase.DOMINATORS, 1, 2).message == "computing dominators"
    assert Progress(Phase.SNAPSHOT_TRANSFER, 5_000).fraction is None
    assert Progress(Phase.LOAD, 3, 2).done == 2  # never more done than the total

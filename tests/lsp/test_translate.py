"""Findings -> diagnostics, lenses and hovers, on hand-built findings of the analysis's own model."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from lsprotocol import types

from heapscope.analysis import KIND_WORDS, KINDS, ClosureSite, Finding, Location, PathHop, kind_words
from heapscope.lsp import translate
from heapscope.units import format_bytes

APP = "/srv/app/app.js"
LIB = "/srv/app/lib/bus.js"


def listener_finding(**overrides: Any) -> Finding:
    finding = Finding(
        id="f1",
        kind="event-listener",
        severity="error",
        message="EventEmitter `emitter` gains 'leak' listeners that are never removed: 10 → 610 → 1,210.",
        title="'leak' listeners on EventEmitter",
        location=Location(APP, 12, 22),
        growth_count=[10, 610, 1210],
        growth_retained=[80_000, 4_880_000, 9_680_000],
        retainer_path=[
            PathHop("(GC roots)", ""),
            PathHop("Object", "emitter"),
            PathHop("EventEmitter", "_events"),
            PathHop("Array", "leak"),
            PathHop("(closure)", "[1209]", Location(APP, 12, 22)),
            PathHop("createLeak", "context", Location(LIB, 4, 1)),
        ],
        fix_hint="Remove the listener with emitter.off('leak', fn) or register it with once().",
    )
    return dataclasses.replace(finding, **overrides)


def test_message_counts_growth_and_retained_bytes() -> None:
    finding = listener_finding()
    assert translate.diagnostic_message(finding) == (
        "Leak: +1,200 'leak' listeners on EventEmitter (app.js:12) · +9.6 MB retained"
    )
    assert translate.growth_text(finding) == "1,210 listeners (+1,200) · 9.7 MB retained (+9.6 MB)"
    assert translate.lens_title(finding) == (
        "▲ 1,210 listeners (+1,200) · 9.7 MB retained (+9.6 MB) · Show retainers"
    )


def test_numbers_of_a_shrinking_or_flat_finding_are_signed() -> None:
    shrinking = listener_finding(growth_count=[5, 3], growth_retained=[2_000_000, 1_500_000])
    assert translate.growth_text(shrinking) == "3 listeners (-2) · 1.5 MB retained (−500.0 kB)"
    flat = listener_finding(growth_count=[1, 1], growth_retained=[100, 100])
    assert translate.growth_text(flat) == "1 listener (+0) · 100 B retained (±0 B)"
    assert translate.lens_title(listener_finding(growth_count=[], growth_retained=[])) == "▲ Show retainers"


def test_notification_icon_follows_the_severity() -> None:
    assert translate.message_type("error") == types.MessageType.Error
    assert translate.message_type("warning") == types.MessageType.Warning
    assert translate.message_type("information") == types.MessageType.Info
    assert translate.message_type("hint") == types.MessageType.Info


def test_message_of_other_kinds_and_without_title() -> None:
    cache = listener_finding(kind="collection", title="Map `cache` grows without bound")
    assert translate.diagnostic_message(cache) == (
        "Leak: Map `cache` grows without bound, +1,200 entries (app.js:12) · +9.6 MB retained"
    )
    untitled = listener_finding(title="", message="Timeout objects pile up, retaining 9.7 MB.")
    assert translate.diagnostic_message(untitled) == "Leak: Timeout objects pile up, retaining 9.7 MB."
    plain = listener_finding(title="", message="Timeout objects pile up.")
    assert translate.diagnostic_message(plain) == "Leak: Timeout objects pile up. · +9.6 MB retained"


def test_diagnostic_sits_on_the_leak_line_with_kind_and_retainer_hops() -> None:
    lines = {12: "  emitter.on('leak', () => console.log(big.length));"}
    published = translate.diagnostics_by_uri(
        [listener_finding()], read_line=lambda path, line: lines.get(line) if path == APP else None
    )
    assert list(published) == [Path(APP).as_uri()]
    (diagnostic,) = published[Path(APP).as_uri()]
    assert diagnostic.range.start == types.Position(11, 21)
    assert diagnostic.range.end == types.Position(11, len(lines[12]))
    assert diagnostic.code == "event-listener"
    assert diagnostic.source == "heapscope"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.data == {"findingId": "f1"}
    related = diagnostic.related_information or []
    assert [(info.location.uri, info.location.range.start.line, info.message) for info in related] == [
        (Path(APP).as_uri(), 11, "'leak' listener at app.js:12"),
        (Path(LIB).as_uri(), 3, "createLeak at bus.js:4"),
    ]


def _hops(*hops: tuple[str, str, int | None]) -> list[PathHop]:
    return [PathHop(node, edge, Location(APP, line, 1) if line else None) for node, edge, line in hops]


def test_related_information_names_the_user_code_on_a_real_shaped_path() -> None:
    # The path Node 20 gives for a listener added from a setInterval callback.
    path = _hops(
        ("(root)", "", None),
        ("global", "2", None),
        ("Timeout", "_idleNext", None),
        ("(anonymous function)", "_onTimeout", 12),
        ("system / Context", "context", None),
        ("EventEmitter", "emitter", None),
        ("Object", "_events", None),
        ("Array", "leak", None),
        ("(anonymous function)", "[51]", 9),
        ("handle()", "onDone", 20),
    )
    finding = listener_finding(retainer_path=path)
    (diagnostic,) = translate.diagnostics_by_uri([finding])[Path(APP).as_uri()]
    assert [info.message for info in diagnostic.related_information or []] == [
        "timer callback at app.js:12 (its closure holds `emitter`)",
        "'leak' listener at app.js:9",
        "function handle at app.js:20",
    ]
    once = _hops(("Object", "_events", None), ("bound handler()", "data", 4), ("Map", "x", 5))
    assert translate.hop_text(once, 1) == "'data' listener at app.js:4"
    assert translate.hop_role(path, 5) == "EventEmitter"


def test_threshold_and_missing_locations_filter_diagnostics() -> None:
    weak = listener_finding(id="f2", severity="information")
    nowhere = listener_finding(id="f3", location=None)
    relative = listener_finding(id="f4", location=Location("app.js", 1, 1))
    published = translate.diagnostics_by_uri(
        [listener_finding(), weak, nowhere, relative], shows=lambda severity: severity != "information"
    )
    assert [d.data for diagnostics in published.values() for d in diagnostics] == [{"findingId": "f1"}]


def test_unknown_line_text_spans_the_whole_line() -> None:
    (diagnostic,) = translate.diagnostics_by_uri([listener_finding()])[Path(APP).as_uri()]
    assert diagnostic.range == types.Range(types.Position(11, 21), types.Position(12, 0))


def test_code_lens_above_leak_and_busy_closure_sites() -> None:
    hotspots = [
        ClosureSite(Location(APP, 12, 22), count=1210, retained_bytes=9_680_000),
        ClosureSite(Location(APP, 30, 5), count=5000, retained_bytes=400_000),
        ClosureSite(Location(LIB, 2, 1), count=300, retained_bytes=1_000),
    ]
    lenses = translate.code_lenses(Path(APP).as_uri(), [listener_finding()], hotspots)
    assert [(lens.range.start.line, lens.command and lens.command.title) for lens in lenses] == [
        (11, "▲ 1,210 listeners (+1,200) · 9.7 MB retained (+9.6 MB) · Show retainers"),
        (29, "5,000 closures alive · 400.0 kB"),
    ]
    assert lenses[0].command is not None
    assert lenses[0].command.command == "heapscope.showRetainers"
    assert lenses[0].command.arguments == [{"findingId": "f1"}]
    assert lenses[1].command is not None
    assert lenses[1].command.arguments == [{"path": APP, "line": 30, "column": 5}]
    assert translate.code_lenses(Path("/elsewhere.js").as_uri(), [listener_finding()], hotspots) == []


def test_hover_lists_retainers_growth_and_fix() -> None:
    uri = Path(APP).as_uri()
    assert translate.hover(uri, types.Position(10, 0), [listener_finding()]) is None
    result = translate.hover(uri, types.Position(11, 3), [listener_finding()])
    assert result is not None
    assert isinstance(result.contents, types.MarkupContent)
    text = result.contents.value
    assert "event-listener leak" in text
    assert "gains 'leak' listeners that are never removed" in text
    assert f"**{translate.growth_text(listener_finding())}**" in text
    assert (
        "In each of the 3 snapshots: 10 → 610 → 1,210 listeners · 80.0 kB → 4.9 MB → 9.7 MB retained" in text
    )
    assert "4. `leak` → `Array`" in text
    assert f"([bus.js:4]({Path(LIB).as_uri()}#L4))" in text
    assert "**Fix:** Remove the listener with emitter.off('leak', fn)" in text


def test_long_retainer_paths_are_shortened_in_the_middle() -> None:
    hops = [PathHop(f"N{i}", f"e{i}") for i in range(30)]
    items = translate.retainer_markdown(hops)
    assert len(items) == 8
    assert items[0] == "1. `e0` → `N0`"
    assert "more hops" in items[2]
    assert items[-1].endswith("`e29` → `N29`")


def test_navigation_prefers_the_hop_nearest_the_leak() -> None:
    finding = listener_finding()
    assert translate.first_source_hop(finding) == Location(LIB, 4, 1)
    params = translate.show_document_params(Location(APP, 12, 22))
    assert params.uri == Path(APP).as_uri()
    assert params.selection == types.Range(types.Position(11, 21), types.Position(11, 21))
    bare = listener_finding(retainer_path=[])
    assert translate.first_source_hop(bare) == Location(APP, 12, 22)


def test_every_kind_is_named_and_counted_as_the_analysis_says() -> None:
    assert set(KIND_WORDS) == set(KINDS)
    for kind, words in KIND_WORDS.items():
        assert translate.noun(kind, 1) == words.singular and translate.noun(kind, 2) == words.plural
    assert translate.noun("queue", 3) == "queued items"
    assert translate.growth_text(listener_finding(kind="collection")).startswith("1,210 entries (+1,200)")
    newer = kind_words("weak-ref")
    assert (newer.label, newer.noun(1), newer.noun(5)) == ("Weak ref", "object", "objects")


def test_bytes_read_like_devtools() -> None:
    assert format_bytes(999) == "999 B"
    assert format_bytes(9_600_000) == "9.6 MB"
    assert format_bytes(1_234) == "1.2 kB"


def test_allocation_site_is_related_information_and_in_the_hover() -> None:
    finding = listener_finding(allocation_site=Location(LIB, 20, 3))
    (diagnostic,) = translate.diagnostics_by_uri([finding])[Path(APP).as_uri()]
    related = diagnostic.related_information or []
    assert (related[-1].location.uri, related[-1].location.range.start.line) == (Path(LIB).as_uri(), 19)
    assert related[-1].message == "the growing objects are allocated here"
    result = translate.hover(Path(APP).as_uri(), types.Position(11, 0), [finding])
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert f"Allocated at [bus.js:20]({Path(LIB).as_uri()}#L20)" in result.contents.value


def test_an_opened_snapshot_is_one_sentence() -> None:
    summary = {
        "nodes": 1200,
        "totalBytes": 9_600_000,
        "topClasses": [{"name": "Map", "retainedBytes": 2_100_000}],
    }
    assert translate.summary_sentence(Path("/srv/a.heapsnapshot"), summary) == (
        "Opened a.heapsnapshot: 1,200 objects, 9.6 MB; largest: Map 2.1 MB."
    )
    empty = {"nodes": 0, "totalBytes": 0, "topClasses": []}
    assert (
        translate.summary_sentence(Path("b.heapsnapshot"), empty) == "Opened b.heapsnapshot: 0 objects, 0 B."
    )

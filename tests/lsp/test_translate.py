"""Findings -> diagnostics, lenses and hovers, on hand-built findings in the report's JSON shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from heapscope.lsp import translate
from heapscope.lsp.translate import ClosureHotspot, FindingJson, as_finding
from heapscope.units import format_bytes

APP = "/srv/app/app.js"
LIB = "/srv/app/lib/bus.js"


def listener_finding(**overrides: Any) -> FindingJson:
    raw: dict[str, Any] = {
        "id": "f1",
        "kind": "event-listener",
        "severity": "error",
        "message": "EventEmitter `emitter` gains 'leak' listeners that are never removed: 10 → 610 → 1,210.",
        "title": "'leak' listeners on EventEmitter",
        "location": {"path": APP, "line": 12, "column": 22},
        "growth": {"count": [10, 610, 1210], "retained_bytes": [80_000, 4_880_000, 9_680_000]},
        "retainer_path": [
            {"node": "(GC roots)", "edge": "", "location": None},
            {"node": "Object", "edge": "emitter", "location": None},
            {"node": "EventEmitter", "edge": "_events", "location": None},
            {"node": "Array", "edge": "leak", "location": None},
            {"node": "(closure)", "edge": "[1209]", "location": {"path": APP, "line": 12, "column": 22}},
            {"node": "createLeak", "edge": "context", "location": {"path": LIB, "line": 4, "column": 1}},
        ],
        "fix_hint": "Remove the listener with emitter.off('leak', fn) or register it with once().",
    }
    raw.update(overrides)
    return as_finding(raw)


def test_message_counts_growth_and_retained_bytes() -> None:
    finding = listener_finding()
    assert translate.diagnostic_message(finding) == (
        "Leak: +1,200 'leak' listeners on EventEmitter (app.js:12) · +9.6 MB retained"
    )
    assert translate.lens_title(finding) == "▲ 1,200 listeners retained · 9.6 MB · Show retainers"


def test_message_of_other_kinds_and_without_title() -> None:
    cache = listener_finding(kind="collection", title="Map `cache` grows without bound")
    assert translate.diagnostic_message(cache) == (
        "Leak: Map `cache` grows without bound, +1,200 entries (app.js:12) · +9.6 MB retained"
    )
    untitled = listener_finding(title=None, message="Timeout objects pile up, retaining 9.7 MB.")
    assert translate.diagnostic_message(untitled) == "Leak: Timeout objects pile up, retaining 9.7 MB."
    plain = listener_finding(title=None, message="Timeout objects pile up.")
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
        (Path(APP).as_uri(), 11, "(closure) via [1209]"),
        (Path(LIB).as_uri(), 3, "createLeak via context"),
    ]


def test_threshold_and_missing_locations_filter_diagnostics() -> None:
    weak = listener_finding(id="f2", severity="information")
    nowhere = listener_finding(id="f3", location=None)
    relative = listener_finding(id="f4", location={"path": "app.js", "line": 1, "column": 1})
    published = translate.diagnostics_by_uri(
        [listener_finding(), weak, nowhere, relative], shows=lambda severity: severity != "information"
    )
    assert [d.data for diagnostics in published.values() for d in diagnostics] == [{"findingId": "f1"}]


def test_unknown_line_text_spans_the_whole_line() -> None:
    (diagnostic,) = translate.diagnostics_by_uri([listener_finding()])[Path(APP).as_uri()]
    assert diagnostic.range == types.Range(types.Position(11, 21), types.Position(12, 0))


def test_code_lens_above_leak_and_busy_closure_sites() -> None:
    hotspots = [
        ClosureHotspot(path=APP, line=12, column=22, count=1210, retained_bytes=9_680_000),
        ClosureHotspot(path=APP, line=30, column=5, count=5000, retained_bytes=400_000),
        ClosureHotspot(path=LIB, line=2, column=1, count=300, retained_bytes=1_000),
    ]
    lenses = translate.code_lenses(Path(APP).as_uri(), [listener_finding()], hotspots)
    assert [(lens.range.start.line, lens.command and lens.command.title) for lens in lenses] == [
        (11, "▲ 1,200 listeners retained · 9.6 MB · Show retainers"),
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
    assert "Growth per snapshot: 10 → 610 → 1,210 listeners · 80.0 kB → 4.9 MB → 9.7 MB retained" in text
    assert "4. `leak` → `Array`" in text
    assert f"([bus.js:4]({Path(LIB).as_uri()}#L4))" in text
    assert "**Fix:** Remove the listener with emitter.off('leak', fn)" in text


def test_long_retainer_paths_are_shortened_in_the_middle() -> None:
    hops = [{"node": f"N{i}", "edge": f"e{i}", "location": None} for i in range(30)]
    finding = as_finding({**listener_finding(), "retainer_path": hops})
    items = translate.retainer_markdown(finding["retainer_path"])
    assert len(items) == 8
    assert items[0] == "1. `e0` → `N0`"
    assert "more hops" in items[2]
    assert items[-1].endswith("`e29` → `N29`")


def test_navigation_prefers_the_hop_nearest_the_leak() -> None:
    finding = listener_finding()
    assert translate.first_source_hop(finding) == {"path": LIB, "line": 4, "column": 1}
    params = translate.show_document_params({"path": APP, "line": 12, "column": 22})
    assert params.uri == Path(APP).as_uri()
    assert params.selection == types.Range(types.Position(11, 21), types.Position(11, 21))
    bare = listener_finding(retainer_path=[])
    assert translate.first_source_hop(bare) == {"path": APP, "line": 12, "column": 22}


def test_as_finding_rejects_what_it_cannot_show() -> None:
    with pytest.raises(ValueError, match="'kind'"):
        as_finding({"id": "x", "message": "m"})


def test_bytes_read_like_devtools() -> None:
    assert format_bytes(999) == "999 B"
    assert format_bytes(9_600_000) == "9.6 MB"
    assert format_bytes(1_234) == "1.2 kB"


def test_allocation_site_is_related_information_and_in_the_hover() -> None:
    site = {"path": LIB, "line": 20, "column": 3}
    finding = as_finding({**listener_finding(), "allocation_site": site})
    (diagnostic,) = translate.diagnostics_by_uri([finding])[Path(APP).as_uri()]
    related = diagnostic.related_information or []
    assert (related[-1].location.uri, related[-1].location.range.start.line) == (Path(LIB).as_uri(), 19)
    assert related[-1].message == "the growing objects are allocated here"
    result = translate.hover(Path(APP).as_uri(), types.Position(11, 0), [finding])
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert f"Allocated at [bus.js:20]({Path(LIB).as_uri()}#L20)" in result.contents.value

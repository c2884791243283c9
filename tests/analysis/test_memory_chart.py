"""The one memory chart (HTML report and the editor's memory view): axes, lines and legend."""

from __future__ import annotations

import itertools
import re
from typing import Any

from heapscope.analysis import memory_chart
from heapscope.analysis.memory_chart import format_duration, nice_ceiling, render, time_step


def sample(seconds: float, heap_used: float, **extra: Any) -> dict[str, Any]:
    return {"timestamp": 1_700_000_000 + seconds, "rss": heap_used * 2, "heapUsed": heap_used, **extra}


def points(svg: str, series: str) -> int:
    match = re.search(rf'data-series="{series}" points="([^"]*)"', svg)
    return len(match.group(1).split(" ")) if match else 0


def time_labels(svg: str) -> list[tuple[float, str]]:
    return [(float(x), label) for x, label in re.findall(r'<text x="([\d.]+)" y="268"[^>]*>([^<]+)<', svg)]


def test_one_line_per_series_with_a_point_per_sample_after_gc_only_where_known() -> None:
    svg = render([sample(0, 10e6), sample(1, 20e6, afterGc=9e6), sample(2, 30e6, afterGc=12e6)])
    assert (points(svg, "rss"), points(svg, "heapUsed"), points(svg, "afterGc")) == (3, 3, 2)
    assert svg.startswith("<svg ") and 'viewBox="0 0 720 300"' in svg
    assert ">100.0 MB<" in svg  # the y axis tops out at a round number above rss (60 MB)


def test_time_labels_at_evenly_spaced_round_times() -> None:
    svg = render([sample(i * 0.5, i + 1) for i in range(10)])  # 4.5 s
    ticks = time_labels(svg)
    assert [label for _, label in ticks] == ["0 s", "2 s", "4 s"]
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(ticks)]
    assert abs(gaps[0] - gaps[1]) < 0.2
    short = render([sample(0, 1), sample(1.5, 2), sample(3, 3)])
    assert [label for _, label in time_labels(short)] == ["0 s", "1 s", "2 s", "3 s"]
    hour = render([sample(0, 1), sample(3900, 2)])
    assert [label for _, label in time_labels(hour)] == ["0 s", "30 min", "1 h"]


def test_every_legend_entry_has_its_line_and_heap_after_gc_is_dashed() -> None:
    def legend(svg: str) -> list[str]:
        return re.findall(r'data-legend="(\w+)"', svg)

    def lines(svg: str) -> list[str]:
        return re.findall(r'<polyline [^>]*data-series="(\w+)"', svg)

    before_gc = render([sample(0, 1), sample(1, 2)])
    assert legend(before_gc) == lines(before_gc) == ["rss", "heapUsed"]
    assert "heap after GC" not in before_gc
    after_gc = render([sample(0, 1), sample(1, 2, afterGc=1)])
    assert legend(after_gc) == lines(after_gc) == ["rss", "heapUsed", "afterGc"]
    (entry,) = re.findall(r'<line class="series-afterGc"[^>]*data-legend="afterGc"[^>]*/>', after_gc)
    assert 'stroke-dasharray="4 3"' in entry
    assert ">heap after GC</text>" in after_gc


def test_no_inline_style_or_script_and_text_is_escaped() -> None:
    svg = render([sample(0, 1), sample(1, 2)], [(1_700_000_000.5, "<b>baseline</b> snapshot")])
    assert not re.search(r"style=|<script|javascript:", svg)
    assert "&lt;b&gt;baseline&lt;/b&gt; snapshot" in svg
    assert '<line class="marker"' in svg
    assert all(f".series-{key}{{" in memory_chart.STYLESHEET for key, _ in memory_chart.SERIES)


def test_says_so_when_there_is_nothing_to_draw() -> None:
    assert "Waiting for samples" in render([], empty="Waiting for samples")
    assert "<polyline" not in render([{"timestamp": "now", "heapUsed": True}])


def test_a_long_run_is_thinned_to_one_point_per_pixel() -> None:
    svg = render([sample(i, i + 1) for i in range(3600)])
    assert points(svg, "heapUsed") == 720 - 72 - 16


def test_scale_and_duration_helpers() -> None:
    assert [nice_ceiling(v) for v in (42_000_000, 150, 1000, 0)] == [50_000_000, 200, 1000, 1]
    assert [time_step(s) for s in (4.5, 100, 0.5)] == [2, 30, 1]
    assert [format_duration(s) for s in (45.4, 200, 120, 3900, 7200)] == [
        "45 s",
        "3 min 20 s",
        "2 min",
        "1 h 5 min",
        "2 h",
    ]

"""The memory chart: rss, heap used and heap after GC over time, drawn as one SVG string.

One renderer for every place that draws memory: the HTML report (a finished run's samples,
its snapshots marked) and the editor's memory view (the live monitor's samples; the
language server renders them and the extension only shows the result). The SVG holds
numbers and escaped text, no script and no inline style, so it fits a strict Content
Security Policy, and it is made to sit inside an HTML page (no XML namespace, no address
of any kind): each line carries a class (``series-rss``, ``series-heapUsed``,
``series-afterGc``, ``marker``) that the page colours — the report with fixed colours
(:data:`STYLESHEET`), the editor with its theme's — and text and grid use ``currentColor``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

from ..units import format_bytes

SERIES: tuple[tuple[str, str], ...] = (
    ("rss", "rss"),
    ("heapUsed", "heap used"),
    ("afterGc", "heap after GC"),
)
"""Sample key and legend label of each line, drawn in this order."""

STYLESHEET = (
    ".series-rss{stroke:#9ca3af}.series-heapUsed{stroke:#2563eb}.series-afterGc{stroke:#dc2626}"
    ".marker{stroke:#dc2626}"
)
"""Colours for a page without a theme (the HTML report)."""

# Seconds between two time labels: round steps, so that labels are evenly spaced and each
# names exactly the time under it.
_TIME_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 18000, 36000, 86400)
_TIME_LABELS = 4
"""At most this many intervals between time labels."""


def nice_ceiling(value: float) -> float:
    """A y-axis maximum that lands on a round number: 1, 2 or 5 × 10ⁿ (bytes)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return 10 * power


def time_step(span: float) -> int:
    """Seconds between time labels: the smallest round step giving at most four intervals."""
    for step in _TIME_STEPS:
        if span / step <= _TIME_LABELS:
            return step
    return math.ceil(span / _TIME_LABELS / 86400) * 86400


def format_duration(seconds: float) -> str:
    """``45`` -> ``45 s``, ``200`` -> ``3 min 20 s``, ``3900`` -> ``1 h 5 min``."""
    total = max(0, round(seconds))
    if total < 60:
        return f"{total} s"
    if total < 3600:
        minutes, rest = divmod(total, 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, rest = divmod(total, 3600)
    return f"{hours} h {rest // 60} min" if rest // 60 else f"{hours} h"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _thin(samples: list[Mapping[str, Any]], limit: int) -> list[Mapping[str, Any]]:
    """At most ``limit`` samples, evenly spread, first and last kept: one point per pixel is enough."""
    if len(samples) <= limit:
        return samples
    last = len(samples) - 1
    return [samples[round(i * last / (limit - 1))] for i in range(limit)]


def render(
    samples: Sequence[Mapping[str, Any]],
    markers: Sequence[tuple[float, str]] = (),
    *,
    width: int = 720,
    height: int = 300,
    empty: str = "No memory samples yet.",
) -> str:
    """The chart of ``samples`` (``timestamp`` in seconds, ``rss``, ``heapUsed``, ``afterGc``).

    ``markers`` are moments on the samples' clock drawn as labelled vertical lines (the
    report's snapshots). A line, and its legend entry, appear only for a series with values:
    every legend entry has its line. ``empty`` is said when there is nothing to draw.
    """
    left, right, top, bottom = 72, 16, 16, 48
    plot_width, plot_height = width - left - right, height - top - bottom
    head = (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="Memory over time">'
    )
    points = [s for s in samples if None not in (_number(s.get("timestamp")), _number(s.get("heapUsed")))]
    if not points:
        return (
            f'{head}<text x="{width / 2:g}" y="{height / 2:g}" text-anchor="middle" fill="currentColor">'
            f"{html.escape(empty)}</text></svg>"
        )
    points = _thin(points, plot_width)
    moments = [float(s["timestamp"]) for s in points]
    marks = [(float(t), label) for t, label in markers if _number(t) is not None]
    start = min(moments + [t for t, _ in marks])
    span = max(max(moments + [t for t, _ in marks]) - start, 1.0)
    peak = max(_number(s.get(key)) or 0.0 for s in points for key, _ in SERIES)
    ceiling = nice_ceiling(peak)

    def x(t: float) -> str:
        return f"{left + (t - start) / span * plot_width:.1f}"

    def y(value: float) -> str:
        return f"{top + plot_height - value / ceiling * plot_height:.1f}"

    parts = [head]
    for i in range(5):
        value = ceiling * i / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value)}" y2="{y(value)}" '
            f'stroke="currentColor" stroke-opacity="0.15"/>'
            f'<text x="{left - 6}" y="{float(y(value)) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="currentColor">{html.escape(format_bytes(value))}</text>'
        )
    step = time_step(span)
    for i in range(int(span // step) + 1):
        at = start + i * step
        parts.append(
            f'<text x="{x(at)}" y="{height - bottom + 16}" text-anchor="middle" font-size="11" '
            f'fill="currentColor">{html.escape(format_duration(i * step))}</text>'
        )
    for moment, label in marks:
        parts.append(
            f'<line class="marker" x1="{x(moment)}" x2="{x(moment)}" y1="{top}" y2="{top + plot_height}" '
            f'stroke-dasharray="2 3"/>'
            f'<text x="{float(x(moment)) + 3:.1f}" y="{top + 12}" font-size="11" fill="currentColor">'
            f"{html.escape(label)}</text>"
        )
    legend_x = left
    for key, label in SERIES:
        values = [(t, _number(s.get(key))) for t, s in zip(moments, points, strict=True)]
        line = [(t, v) for t, v in values if v is not None]
        if not line:
            continue
        dash = ' stroke-dasharray="4 3"' if key == "afterGc" else ""
        style = f'class="series-{key}" fill="none" stroke-width="2"{dash}'
        coords = " ".join(f"{x(t)},{y(v)}" for t, v in line)
        if len(line) == 1:
            coords = f"{coords} {coords}"  # one sample: a dot, still a line the eye finds
        parts.append(
            f'<polyline {style} data-series="{key}" points="{coords}"/>'
            f'<line {style} data-legend="{key}" x1="{legend_x}" x2="{legend_x + 16}" '
            f'y1="{height - 12}" y2="{height - 12}"/>'
            f'<text x="{legend_x + 20}" y="{height - 8}" font-size="11" fill="currentColor">'
            f"{html.escape(label)}</text>"
        )
        legend_x += 120
    parts.append("</svg>")
    return "".join(parts)

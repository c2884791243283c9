"""Render a :class:`LeakReport` for people and tools: text, JSON, SARIF 2.1.0 and one HTML file.

The JSON is the contract (``docs/report.schema.json``); SARIF puts one result per finding with the
retainer hops as related locations; the HTML is self-contained (inline CSS and SVG, no
script or network), so it can be attached to a bug report and opened anywhere.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

import orjson

from .. import __version__
from ..units import format_bytes
from . import memory_chart
from .model import KINDS, Finding, LeakReport, Location
from .project_files import ProjectFiles

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVELS = {"error": "error", "warning": "warning", "information": "note"}
_RULE_TEXT = {
    "event-listener": "Event listeners are added and never removed",
    "closure": "Closures accumulate and keep their scope alive",
    "collection": "A Map, Set, Array or object grows without bound",
    "timer": "Timers are created and never cleared",
    "global": "Data accumulates on the global object",
    "queue": "A queue is filled faster than it is drained",
    "third-party": "A dependency keeps growing internal state",
    "other": "Objects keep growing",
}


def to_json_bytes(report: LeakReport) -> bytes:
    return orjson.dumps(report.to_json(), option=orjson.OPT_INDENT_2) + b"\n"


# ---------------------------------------------------------------- text


def _growth_text(finding: Finding) -> str:
    counts = " → ".join(f"{c:,}" for c in finding.growth_count)
    sizes = " → ".join(format_bytes(b) for b in finding.growth_retained)
    return f"count {counts}; retained {sizes}"


def to_text(report: LeakReport) -> str:
    report.sort()
    lines: list[str] = []
    leaks = [f for f in report.findings]
    if not leaks:
        lines.append("No leak found: nothing kept growing across the snapshots.")
    else:
        lines.append(f"{len(leaks)} finding{'s' if len(leaks) != 1 else ''}:")
    for finding in leaks:
        where = str(finding.location) if finding.location else "(no source location)"
        lines.append("")
        lines.append(f"{where}: {finding.severity}: [{finding.kind}] {finding.message}")
        lines.append(f"  growth: {_growth_text(finding)}")
        if finding.allocation_site and finding.allocation_site != finding.location:
            lines.append(f"  allocated at: {finding.allocation_site}")
        for related in finding.related:
            lines.append(f"  see also: {related}")
        lines.append("  retainer path:")
        for hop in finding.retainer_path:
            edge = (hop.edge if hop.edge.startswith("[") else f".{hop.edge}") + " -> " if hop.edge else ""
            at = f"  ({hop.location})" if hop.location else ""
            lines.append(f"    {edge}{hop.node}{at}")
        lines.append(f"  fix: {finding.fix_hint}")
    for note in report.notes:
        lines.append(f"note: {note}")
    if report.snapshots:
        lines.append("")
        lines.append("snapshots: " + ", ".join(report.snapshots))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- SARIF


def _artifact(location: Location) -> dict[str, Any]:
    uri = Path(location.path).as_uri() if os.path.isabs(location.path) else location.path
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": uri},
            "region": {"startLine": max(location.line, 1), "startColumn": max(location.column, 1)},
        }
    }


def to_sarif(report: LeakReport) -> dict[str, Any]:
    report.sort()
    rules = [
        {
            "id": kind,
            "name": "".join(part.capitalize() for part in kind.split("-")) + "Leak",
            "shortDescription": {"text": _RULE_TEXT[kind]},
            "helpUri": "https://nodejs.org/en/learn/diagnostics/memory",
        }
        for kind in KINDS
    ]
    results = []
    for finding in report.findings:
        result: dict[str, Any] = {
            "ruleId": finding.kind,
            "ruleIndex": KINDS.index(finding.kind),
            "level": _SARIF_LEVELS.get(finding.severity, "warning"),
            "message": {"text": f"{finding.message} Fix: {finding.fix_hint}"},
            "partialFingerprints": {"heapscopeFinding/v1": finding.id},
            "properties": {
                "growthCount": finding.growth_count,
                "growthRetainedBytes": finding.growth_retained,
                **({"worker": finding.details["worker"]} if "worker" in finding.details else {}),
            },
        }
        if finding.location:
            result["locations"] = [_artifact(finding.location)]
        related = []
        for index, hop in enumerate(finding.retainer_path):
            if hop.location is None:
                continue
            entry = _artifact(hop.location)
            entry["id"] = index
            entry["message"] = {"text": f"retained via .{hop.edge} by {hop.node}" if hop.edge else hop.node}
            related.append(entry)
        if related:
            result["relatedLocations"] = related
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "heapscope",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": results,
                "properties": {"snapshots": report.snapshots},
            }
        ],
    }


# ---------------------------------------------------------------- HTML

_CSS = (
    "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;"
    "max-width:1100px;color:#1d2330;padding:0 1rem}"
    "h1{font-size:1.5rem;margin-bottom:.2rem}"
    "h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d9dde5;padding-bottom:.3rem}"
    ".muted{color:#667}"
    ".finding{border:1px solid #d9dde5;border-left:6px solid #999;border-radius:6px;"
    "padding:.8rem 1rem;margin:1rem 0;background:#fff}"
    ".finding.error{border-left-color:#d33}"
    ".finding.warning{border-left-color:#e3a008}"
    ".finding.information{border-left-color:#3b82f6}"
    ".kind{display:inline-block;font-size:.75rem;padding:.05rem .45rem;border-radius:99px;"
    "background:#eef1f6;margin-right:.4rem}"
    "code,.path{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}"
    "ol.path{margin:.3rem 0 .3rem 1rem;padding-left:1rem}"
    "ol.path li{margin:.1rem 0}"
    ".fix{background:#f3f8f1;border-radius:4px;padding:.4rem .6rem}"
    "table{border-collapse:collapse;width:100%}"
    "th,td{text-align:right;padding:.25rem .5rem;border-bottom:1px solid #eceff4}"
    "th:last-child,td:last-child{text-align:left}"
    "pre.src{background:#f6f7f9;padding:.4rem .6rem;border-radius:4px;overflow:auto;margin:.4rem 0}"
    "pre.src .hit{background:#ffe9a8;display:inline-block;width:100%}"
    "svg{max-width:100%;height:auto;color:#556}"
    "svg text{font:11px system-ui,sans-serif}" + memory_chart.STYLESHEET
)


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _chart(report: LeakReport) -> str:
    samples = [s for s in report.samples if isinstance(s.get("timestamp"), int | float)]
    if len(samples) < 2:
        return '<p class="muted">No memory samples were recorded for this analysis.</p>'
    labels = ("baseline", "target", "final")
    markers = [
        (moment, f"{labels[index] if index < len(labels) else f'#{index + 1}'} snapshot")
        for index, moment in enumerate(report.snapshot_times)
    ]
    return memory_chart.render(samples, markers, width=900, height=300)


def _source_excerpt(location: Location, files: ProjectFiles, context: int = 2) -> str:
    text = files.read_text(location.path)
    if text is None:
        return ""
    lines = text.splitlines()
    first = max(location.line - 1 - context, 0)
    last = min(location.line + context, len(lines))
    rows = []
    for number in range(first, last):
        text = f"{number + 1:>5}  {lines[number]}"
        rows.append(f'<span class="hit">{_esc(text)}</span>' if number + 1 == location.line else _esc(text))
    return '<pre class="src">' + "\n".join(rows) + "</pre>"


def to_html(report: LeakReport) -> str:
    report.sort()
    # Excerpts come only from the project the analysis read, never from a path a map named.
    files = ProjectFiles(report.project_roots)
    target = report.target.get("argv") or report.target.get("target") or ""
    title = " ".join(target) if isinstance(target, list) else str(target)
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>Heapscope report {_esc(title)}</title><style>{_CSS}</style></head><body>",
        "<h1>Heapscope leak report</h1>",
        f'<p class="muted">{_esc(title)} — {len(report.findings)} finding(s), '
        f"{len(report.snapshots)} snapshots</p>",
        "<h2>Heap over time</h2>",
        _chart(report),
        "<h2>Findings</h2>",
    ]
    if not report.findings:
        parts.append("<p>No leak found: nothing kept growing across the snapshots.</p>")
    for finding in report.findings:
        where = _esc(finding.location) if finding.location else "no source location"
        parts.append(f'<div class="finding {_esc(finding.severity)}" id="{_esc(finding.id)}">')
        parts.append(
            f'<div><span class="kind">{_esc(finding.kind)}</span>'
            f'<span class="kind">{_esc(finding.severity)}</span>'
            f'<span class="path">{where}</span></div>'
        )
        parts.append(f"<p>{_esc(finding.message)}</p>")
        if finding.location:
            parts.append(_source_excerpt(finding.location, files))
        parts.append(f"<p class=muted>Growth: {_esc(_growth_text(finding))}</p>")
        parts.append("<div>Retainer path from the GC root:</div><ol class=path>")
        for hop in finding.retainer_path:
            edge = f"<code>.{_esc(hop.edge)}</code> → " if hop.edge else ""
            at = f' <span class="muted path">{_esc(hop.location)}</span>' if hop.location else ""
            parts.append(f"<li>{edge}<code>{_esc(hop.node)}</code>{at}</li>")
        parts.append("</ol>")
        parts.append(f'<div class="fix"><b>Fix:</b> {_esc(finding.fix_hint)}</div></div>')
    parts.append("<h2>Per-class comparison (baseline → final)</h2>")
    if report.comparison:
        parts.append(
            "<table><tr><th># new</th><th># deleted</th><th># delta</th><th>alloc. size</th><th>freed</th>"
            "<th>size delta</th><th>class</th></tr>"
        )
        for row in report.comparison[:40]:
            parts.append(
                f"<tr><td>{row.new_count:,}</td><td>{row.deleted_count:,}</td><td>{row.delta_count:+,}</td>"
                f"<td>{_esc(format_bytes(row.new_size))}</td><td>{_esc(format_bytes(row.deleted_size))}</td>"
                f"<td>{_esc(format_bytes(row.delta_size))}</td><td><code>{_esc(row.name)}</code></td></tr>"
            )
        parts.append("</table>")
    if report.snapshots:
        parts.append("<h2>Snapshots</h2><ul>")
        parts.extend(f"<li class=path>{_esc(path)}</li>" for path in report.snapshots)
        parts.append("</ul>")
    for note in report.notes:
        parts.append(f'<p class="muted">Note: {_esc(note)}</p>')
    parts.append("</body></html>\n")
    return "".join(parts)


def render(report: LeakReport, fmt: str) -> str:
    if fmt == "json":
        return to_json_bytes(report).decode()
    if fmt == "sarif":
        return orjson.dumps(to_sarif(report), option=orjson.OPT_INDENT_2).decode() + "\n"
    if fmt == "html":
        return to_html(report)
    return to_text(report)

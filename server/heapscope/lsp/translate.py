"""The analysis's :class:`~heapscope.analysis.LeakReport` -> LSP diagnostics, code lenses and hovers.

Pure functions over the report's own objects (:class:`Finding`, :class:`Location`,
:class:`PathHop`, :class:`ClosureSite`): the language server calls them with the latest
report, as the hunt returned it, and publishes what they return; unit tests call them
with hand-built findings. What a kind is called and how its growth is counted comes
from the analysis (:func:`~heapscope.analysis.kind_words`), never from a list here.

Lines and columns in findings are 1-based; LSP positions are 0-based.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import from_fs_path

from ..analysis.model import ClosureSite, Finding, Location, PathHop, kind_words
from ..units import format_bytes

SOURCE = "heapscope"
SHOW_RETAINERS = "heapscope.showRetainers"
VERIFY_FIX = "heapscope.verifyFix"
GO_TO_LEAK = "heapscope.goToLeak"

_SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}

_MESSAGE_TYPES = {
    "error": types.MessageType.Error,
    "warning": types.MessageType.Warning,
}


def message_type(severity: str) -> types.MessageType:
    """The notification icon that matches a finding's diagnostic: an error reads as an error."""
    return _MESSAGE_TYPES.get(severity, types.MessageType.Info)


_MAX_HOVER_HOPS = 8


LineReader = Callable[[str, int], str | None]
"""(absolute path, 1-based line) -> the line's text, or None if unknown."""


# ---------------------------------------------------------------- formatting


def _change(values: Sequence[int]) -> int:
    return values[-1] - values[0] if len(values) >= 2 else (values[0] if values else 0)


def count_growth(finding: Finding) -> int:
    return _change(finding.growth_count)


def retained_growth(finding: Finding) -> int:
    return _change(finding.growth_retained)


def noun(kind: str, count: int) -> str:
    return kind_words(kind).noun(count)


def location_label(location: Location | None) -> str:
    if location is None:
        return "unknown location"
    return f"{Path(location.path).name}:{location.line}"


def leak_summary(finding: Finding) -> str:
    """One line: what grows, by how much, where — ``+1,200 'leak' listeners on EventEmitter (app.js:12)``.

    Built from the finding's short title and numbers so every front end line reads
    alike; the analysis's longer explanation goes into the hover. Without a title the
    analysis's own message is used as is.
    """
    title = finding.title.strip()
    if not title:
        return finding.message.strip()
    count = count_growth(finding)
    where = f" ({location_label(finding.location)})" if finding.location else ""
    if finding.kind == "event-listener":  # the title starts with what is counted
        return f"{count:+,} {title}{where}"
    return f"{title}, {count:+,} {noun(finding.kind, count)}{where}"


def diagnostic_message(finding: Finding) -> str:
    """``Leak: <what grows> · +9.6 MB retained``."""
    message = leak_summary(finding)
    if not message.lower().startswith("leak"):
        message = f"Leak: {message}"
    growth = retained_growth(finding)
    if growth > 0 and not finding.title.strip() and "retain" in message:
        return message  # the analysis's own sentence already gives the size
    if growth > 0:
        message = f"{message} · +{format_bytes(growth)} retained"
    return message


def _signed_bytes(size: int) -> str:
    return f"+{format_bytes(size)}" if size > 0 else f"−{format_bytes(-size)}" if size < 0 else "±0 B"


def verify_growth(before: int, now: int | None) -> str:
    """``+2.4 MB → +2.6 MB retained``: a finding's growth in the earlier hunt and in the new one."""
    return f"{_signed_bytes(before)} → {_signed_bytes(now or 0)} retained"


def growth_text(finding: Finding) -> str:
    """Totals at the last snapshot, growth over the run: ``34 listeners (+12) · 27.2 MB retained (+9.6 MB)``.

    The one wording of a finding's numbers: the code lens, the hover and the editor's
    Leaks view (client-vscode/src/logic/findings.ts ``growthText``) all show this, so a
    total is never read as a delta or the other way round.
    """
    counts = finding.growth_count
    sizes = finding.growth_retained
    parts = []
    if counts:
        total = counts[-1]
        parts.append(f"{total:,} {noun(finding.kind, total)} ({count_growth(finding):+,})")
    if sizes:
        parts.append(f"{format_bytes(sizes[-1])} retained ({_signed_bytes(retained_growth(finding))})")
    return " · ".join(parts)


def lens_title(finding: Finding) -> str:
    """``▲ 34 listeners (+12) · 27.2 MB retained (+9.6 MB) · Show retainers``."""
    numbers = growth_text(finding)
    return f"▲ {numbers} · Show retainers" if numbers else "▲ Show retainers"


# ---------------------------------------------------------------- positions


def path_uri(path: str) -> str:
    uri = from_fs_path(path)
    return uri if uri is not None else Path(path).as_uri()


def line_range(location: Location, read_line: LineReader | None = None) -> types.Range:
    """The span from the finding's column to the end of its line (or the whole line if unknown)."""
    line = max(location.line - 1, 0)
    column = max(location.column - 1, 0)
    text = read_line(location.path, location.line) if read_line else None
    if text is None:
        return types.Range(types.Position(line, column), types.Position(line + 1, 0))
    text = text.rstrip("\r\n")
    if column >= len(text):
        column = len(text) - len(text.lstrip())
    return types.Range(types.Position(line, column), types.Position(line, max(len(text), column)))


def _is_usable(location: Location | None) -> bool:
    return location is not None and bool(location.path) and Path(location.path).is_absolute()


# ---------------------------------------------------------------- diagnostics


def _is_function(node: str) -> bool:
    return node in ("(anonymous function)", "(closure)") or node.endswith("()")


def hop_role(path: Sequence[PathHop], index: int) -> str:
    """What a hop is to the developer, read from the edges around it: ``'leak' listener``,
    ``timer callback``, ``function handle``; a hop that is no function keeps its class name.

    An EventEmitter keeps listeners under ``_events.<event>`` (one function, or an array
    of them); a timer keeps its callback as ``_onTimeout``; an ``Immediate`` as ``_onImmediate``.
    """
    hop = path[index]
    node, edge = hop.node, hop.edge
    if not _is_function(node):
        return node
    edges = [path[i].edge if i >= 0 else "" for i in (index - 2, index - 1)]
    if edges[1] == "_events":
        return f"'{edge}' listener"
    if edges[0] == "_events" and edge.startswith("["):
        return f"'{edges[1]}' listener"
    if edge in ("_onTimeout", "_repeat"):
        return "timer callback"
    if edge == "_onImmediate":
        return "setImmediate callback"
    name = node[:-2] if node.endswith("()") else ""
    return f"function {name}" if name else "function"


def _held_variable(path: Sequence[PathHop], index: int) -> str | None:
    """The variable of a function's closure scope the path goes through next, if any."""
    if index + 2 < len(path) and path[index + 1].edge == "context":
        variable = path[index + 2].edge
        if variable and not variable.startswith("[") and not variable.isdigit():
            return variable
    return None


def hop_text(path: Sequence[PathHop], index: int) -> str:
    """``'leak' listener at app.js:12``, ``timer callback at app.js:30 (its closure holds `emitter`)``."""
    text = hop_role(path, index)
    location = path[index].location
    if location is not None:
        text += f" at {location_label(location)}"
    variable = _held_variable(path, index)
    if variable is not None:
        text += f" (its closure holds `{variable}`)"
    return text


def diagnostics_by_uri(
    findings: Iterable[Finding],
    *,
    shows: Callable[[str], bool] = lambda severity: True,
    read_line: LineReader | None = None,
) -> dict[str, list[types.Diagnostic]]:
    """One diagnostic per finding with a source location, grouped by the file's URI."""
    result: dict[str, list[types.Diagnostic]] = {}
    for finding in findings:
        location = finding.location
        if location is None or not _is_usable(location) or not shows(finding.severity):
            continue
        hops = finding.retainer_path
        related = [
            types.DiagnosticRelatedInformation(
                location=types.Location(uri=path_uri(hop_location.path), range=line_range(hop_location)),
                message=hop_text(hops, index),
            )
            for index, hop in enumerate(hops)
            if (hop_location := hop.location) is not None and _is_usable(hop_location)
        ]
        allocated = finding.allocation_site
        if allocated is not None and _is_usable(allocated):
            related.append(
                types.DiagnosticRelatedInformation(
                    location=types.Location(uri=path_uri(allocated.path), range=line_range(allocated)),
                    message="the growing objects are allocated here",
                )
            )
        diagnostic = types.Diagnostic(
            range=line_range(location, read_line),
            message=diagnostic_message(finding),
            severity=_SEVERITIES.get(finding.severity, types.DiagnosticSeverity.Warning),
            code=finding.kind,
            source=SOURCE,
            related_information=related or None,
            data={"findingId": finding.id},
        )
        result.setdefault(path_uri(location.path), []).append(diagnostic)
    return result


# ---------------------------------------------------------------- code lenses


def _same_file(uri: str, path: str) -> bool:
    return path_uri(path) == uri


def code_lenses(
    uri: str,
    findings: Iterable[Finding],
    closures: Iterable[ClosureSite] = (),
    *,
    verify: bool = False,
) -> list[types.CodeLens]:
    """Lenses above each leak site in ``uri`` and above functions with many live closures.

    With ``verify`` (a live target is attached, so the hunt can run again) each leak site
    also gets "Verify fix".
    """
    lenses: list[types.CodeLens] = []
    leak_lines: set[int] = set()
    for finding in findings:
        location = finding.location
        if location is None or not _same_file(uri, location.path):
            continue
        line = max(location.line - 1, 0)
        leak_lines.add(line)
        lenses.append(
            types.CodeLens(
                range=types.Range(types.Position(line, 0), types.Position(line, 0)),
                command=types.Command(
                    title=lens_title(finding),
                    command=SHOW_RETAINERS,
                    arguments=[{"findingId": finding.id}],
                ),
            )
        )
        if verify:
            lenses.append(
                types.CodeLens(
                    range=types.Range(types.Position(line, 0), types.Position(line, 0)),
                    command=types.Command(
                        title="Verify fix", command=VERIFY_FIX, arguments=[{"findingId": finding.id}]
                    ),
                )
            )
    for site in closures:
        where = site.location
        line = max(where.line - 1, 0)
        if line in leak_lines or not _same_file(uri, where.path):
            continue
        title = f"{site.count:,} {noun('closure', site.count)} alive · {format_bytes(site.retained_bytes)}"
        lenses.append(
            types.CodeLens(
                range=types.Range(types.Position(line, 0), types.Position(line, 0)),
                command=types.Command(
                    title=title,
                    command=SHOW_RETAINERS,
                    arguments=[where.to_json()],
                ),
            )
        )
    return lenses


# ---------------------------------------------------------------- hover


def findings_at(uri: str, line: int, findings: Iterable[Finding]) -> list[Finding]:
    """Findings whose leak site is on 0-based ``line`` of ``uri``."""
    return [
        finding
        for finding in findings
        if (location := finding.location) is not None
        and location.line - 1 == line
        and _same_file(uri, location.path)
    ]


def _link(location: Location) -> str:
    return f"[{location_label(location)}]({path_uri(location.path)}#L{location.line})"


def _hop_markdown(hop: PathHop) -> str:
    edge = f"`{hop.edge}` → " if hop.edge else ""
    text = f"{edge}`{hop.node}`"
    if hop.location is not None and _is_usable(hop.location):
        text += f" ({_link(hop.location)})"
    return text


def retainer_markdown(path: Sequence[PathHop], limit: int = _MAX_HOVER_HOPS) -> list[str]:
    """The retainer path as Markdown list items; long paths keep the root end and the leak end."""
    hops = [_hop_markdown(hop) for hop in path]
    if len(hops) > limit:
        head = limit // 3
        hops = [
            *hops[:head],
            f"… {len(hops) - limit + 1} more hops …",
            *hops[len(hops) - (limit - head - 1) :],
        ]
    return [f"{number}. {hop}" for number, hop in enumerate(hops, start=1)]


def growth_markdown(finding: Finding) -> str:
    """The lens's numbers in bold, then the value in each snapshot they come from."""
    counts = finding.growth_count
    sizes = finding.growth_retained
    if not counts and not sizes:
        return "Growth: unknown"
    count_text = " → ".join(f"{count:,}" for count in counts)
    size_text = " → ".join(format_bytes(size) for size in sizes)
    what = noun(finding.kind, counts[-1] if counts else 0)
    parts = []
    if counts:
        parts.append(f"{count_text} {what}")
    if sizes:
        parts.append(f"{size_text} retained")
    snapshots = max(len(counts), len(sizes))
    return (
        f"**{growth_text(finding)}** (now, and growth since the first snapshot)\n\n"
        f"In each of the {snapshots} snapshots: " + " · ".join(parts)
    )


def finding_markdown(finding: Finding) -> str:
    lines = [
        f"**Heapscope — {finding.kind} leak** ({finding.severity})",
        "",
        finding.message.strip() or diagnostic_message(finding),
        "",
        growth_markdown(finding),
    ]
    allocated = finding.allocation_site
    if allocated is not None and _is_usable(allocated):
        lines += ["", f"Allocated at {_link(allocated)}"]
    retainers = retainer_markdown(finding.retainer_path)
    if retainers:
        lines += ["", "Retained by:", "", *retainers]
    if finding.fix_hint:
        lines += ["", f"**Fix:** {finding.fix_hint}"]
    return "\n".join(lines)


def hover(uri: str, position: types.Position, findings: Iterable[Finding]) -> types.Hover | None:
    here = findings_at(uri, position.line, findings)
    if not here:
        return None
    text = "\n\n---\n\n".join(finding_markdown(finding) for finding in here)
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=types.Range(types.Position(position.line, 0), types.Position(position.line + 1, 0)),
    )


# ---------------------------------------------------------------- snapshots


def summary_sentence(path: Path, summary: Mapping[str, Any]) -> str:
    """``Opened x.heapsnapshot: 120,000 objects, 9.6 MB; largest: Map 2.1 MB, ...``."""
    biggest = ", ".join(
        f"{item['name']} {format_bytes(item['retainedBytes'])}" for item in summary.get("topClasses", [])[:3]
    )
    return f"Opened {path.name}: {summary['nodes']:,} objects, {format_bytes(summary['totalBytes'])}" + (
        f"; largest: {biggest}." if biggest else "."
    )


# ---------------------------------------------------------------- navigation


def first_source_hop(finding: Finding) -> Location | None:
    """The retainer hop nearest the leaked object that has a source file — where to look first."""
    for hop in reversed(finding.retainer_path):
        if hop.location is not None and _is_usable(hop.location):
            return hop.location
    return finding.location if _is_usable(finding.location) else None


def show_document_params(location: Location) -> types.ShowDocumentParams:
    position = types.Position(max(location.line - 1, 0), max(location.column - 1, 0))
    return types.ShowDocumentParams(
        uri=path_uri(location.path),
        take_focus=True,
        selection=types.Range(position, position),
    )

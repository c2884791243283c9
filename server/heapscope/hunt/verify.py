"""Verify a fix: the same hunt again, and for each earlier finding whether it still leaks.

An earlier finding is matched in the new report by its id, else by kind and source
location (file and line), else, for findings without a location, by kind and title.
Finding ids hash heap object ids, which differ from one process to the next, so the
location is what normally matches. Only findings that count as leaks (error or warning)
are compared: information-level growth is context, not a leak to fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..analysis import LeakReport
from ..units import format_bytes

LEAK_SEVERITIES = ("error", "warning")
Json = Mapping[str, Any]


@dataclass(frozen=True)
class Verdict:
    """One earlier finding and what became of it."""

    before: Json
    now: Json | None
    """The matching finding of the new hunt; None: fixed."""

    @property
    def fixed(self) -> bool:
        return self.now is None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.before.get("id"),
            "kind": self.before.get("kind"),
            "location": self.before.get("location"),
            "status": "fixed" if self.fixed else "still leaking",
            "growthBefore": growth_bytes(self.before),
            "growthNow": None if self.now is None else growth_bytes(self.now),
            "now": None if self.now is None else self.now.get("id"),
        }


@dataclass
class Verification:
    verdicts: list[Verdict] = field(default_factory=list)
    new: list[Json] = field(default_factory=list)
    """Leaks of the new hunt that match no earlier finding."""

    @property
    def all_fixed(self) -> bool:
        """Every earlier leak is gone and nothing new appeared: the exit code 0 case."""
        return all(verdict.fixed for verdict in self.verdicts) and not self.new

    def to_json(self) -> dict[str, Any]:
        return {
            "verified": self.all_fixed,
            "findings": [verdict.to_json() for verdict in self.verdicts],
            "new": [dict(finding) for finding in self.new],
        }


def leaks(findings: Sequence[Json]) -> list[Json]:
    return [finding for finding in findings if finding.get("severity") in LEAK_SEVERITIES]


def growth_bytes(finding: Json) -> int:
    retained = (finding.get("growth") or {}).get("retained_bytes") or []
    return int(retained[-1] - retained[0]) if len(retained) >= 2 else 0


def _place(finding: Json) -> tuple[Any, ...]:
    location = finding.get("location")
    if location:
        return (finding.get("kind"), location.get("path"), location.get("line"))
    return (finding.get("kind"), None, finding.get("title"))


def compare(before: Sequence[Json], after: Sequence[Json]) -> Verification:
    """Match each earlier leak to at most one leak of the new hunt; the unmatched new ones are new."""
    remaining = leaks(after)
    result = Verification()
    for earlier in leaks(before):
        match = next((f for f in remaining if f.get("id") == earlier.get("id")), None)
        if match is None:
            match = next((f for f in remaining if _place(f) == _place(earlier)), None)
        if match is not None:
            remaining.remove(match)
        result.verdicts.append(Verdict(earlier, match))
    result.new = remaining
    return result


def verify_report(before: Json, after: LeakReport) -> Verification:
    """Compare an earlier report's JSON with a new hunt's report."""
    return compare(list(before.get("findings") or []), after.to_json()["findings"])


def _signed(size: int) -> str:
    return ("+" if size >= 0 else "-") + format_bytes(abs(size))


def _where(finding: Json) -> str:
    location = finding.get("location")
    place = f"{location['path']}:{location['line']}" if location else "(no source location)"
    return f"{place}: [{finding.get('kind')}] {finding.get('title') or finding.get('message', '')}"


def to_text(verification: Verification) -> str:
    """One line per earlier leak, then the new ones apart, then the overall outcome."""
    lines: list[str] = []
    if not verification.verdicts:
        lines.append("The earlier report had no leak to verify.")
    for verdict in verification.verdicts:
        if verdict.now is None:
            status = "fixed"
        else:
            before, now = growth_bytes(verdict.before), growth_bytes(verdict.now)
            status = f"still leaking ({_signed(before)} → {_signed(now)})"
        lines.append(f"{_where(verdict.before)}: {status}")
    if verification.new:
        lines.append("")
        lines.append(f"New since the earlier report ({len(verification.new)}):")
        lines += [f"  {_where(finding)}: {_signed(growth_bytes(finding))}" for finding in verification.new]
    lines.append("")
    fixed = sum(verdict.fixed for verdict in verification.verdicts)
    outcome = "verified" if verification.all_fixed else "not verified"
    lines.append(
        f"{outcome}: {fixed} of {len(verification.verdicts)} earlier leak(s) fixed, "
        f"{len(verification.new)} new"
    )
    return "\n".join(lines) + "\n"

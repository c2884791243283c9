"""How serious a finding is, from how it grew and whether it points at the program's code."""

from __future__ import annotations

# Three snapshots and at least this much retained growth make a leak an error.
ERROR_BYTES = 256 * 1024


def severity(*, growth: int, located: bool, three_snapshots: bool, slowing: bool) -> str:
    """``error``, ``warning`` or ``information``.

    Growth that slowed down in the second interval is probably a cache warming up; growth
    confirmed over two intervals and tied to a line is a leak; two snapshots or no location
    weaken the claim.
    """
    if slowing:
        return "information"
    if three_snapshots and growth >= ERROR_BYTES and located:
        return "error"
    if located and (three_snapshots or growth >= ERROR_BYTES):
        return "warning"
    return "information"

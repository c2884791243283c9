"""Byte sizes for people, shared by every output (terminal, reports, the editor).

One function so that a size reads the same in `heapscope inspect`, a SARIF message and a
code lens: the user compares them side by side with DevTools, which counts 1 kB = 1000 B.
"""

from __future__ import annotations


def format_bytes(size: float) -> str:
    """``1234567`` -> ``"1.2 MB"``, as DevTools writes sizes (1 kB = 1000 B)."""
    for unit in ("B", "kB", "MB"):
        if abs(size) < 1000:
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1000
    return f"{size:,.1f} GB"

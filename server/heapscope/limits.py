"""Sane bounds for the numbers a user types: CLI options and language-server command arguments.

A number of seconds that is NaN, infinite, zero, negative or absurdly large would make a
wait never end, a loop spin, or a monitor flood the editor. The same checks serve the
CLI (as argparse types, so the error names the option) and the server (as one-sentence
errors naming the argument).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from dataclasses import dataclass

DAY = 86400.0


@dataclass(frozen=True)
class Bounds:
    """An inclusive range for a number of seconds; ``what`` says what the number is."""

    low: float
    high: float
    what: str = "seconds"

    def describe(self) -> str:
        return f"between {_number(self.low)} and {_number(self.high)} {self.what}".rstrip()


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:g}"


# Between samples of the memory monitor or snapshots of a hunt: faster than 10 per second
# floods the editor with notifications and the target with GCs.
INTERVAL = Bounds(0.1, DAY)
WARMUP = Bounds(0.0, DAY)
TIMEOUT = Bounds(0.1, 3600.0)
COUNT = Bounds(0, 10**9, "")


class NumberError(ValueError):
    """A number out of its bounds; ``str()`` is one sentence naming the value."""


def check(value: object, name: str, bounds: Bounds) -> float:
    """``value`` as a float if it is a finite number within ``bounds``; else :class:`NumberError`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise NumberError(f"{name} must be a number {bounds.describe()}, not {value!r}")
    number = float(value)
    if not math.isfinite(number) or not bounds.low <= number <= bounds.high:
        raise NumberError(f"{name} must be {bounds.describe()}, not {value!r}")
    return number


def check_int(value: object, name: str, bounds: Bounds) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise NumberError(f"{name} must be a whole number {bounds.describe()}, not {value!r}")
    check(value, name, bounds)
    return value


def _parse(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def seconds(bounds: Bounds) -> Callable[[str], float]:
    """An argparse ``type=`` for a number of seconds within ``bounds`` (argparse adds the option name)."""

    def parse(text: str) -> float:
        number = _parse(text)
        if number is None or not math.isfinite(number) or not bounds.low <= number <= bounds.high:
            raise argparse.ArgumentTypeError(f"{text!r} is not {bounds.describe()}")
        return number

    return parse


def whole(bounds: Bounds) -> Callable[[str], int]:
    """An argparse ``type=`` for a whole number within ``bounds``."""

    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            number = None
        if number is None or not bounds.low <= number <= bounds.high:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number {bounds.describe()}")
        return number

    return parse

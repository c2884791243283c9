"""``--format text|json`` for the commands that print facts rather than a leak report.

``inspect``, ``diff``, ``snapshot`` print one JSON document; ``monitor`` prints one JSON
object per line, one per sample (JSON Lines), so a script can read samples as they come.
Leak reports have their own formats (text, json, sarif, html) in :mod:`heapscope.analysis.report`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

import orjson


def add_format_option(parser: argparse.ArgumentParser, json_help: str) -> None:
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help=f"output format (default text; json: {json_help})",
    )


def print_json(value: Any, *, one_line: bool = False, file: TextIO | None = None) -> None:
    """Write ``value`` as JSON (numpy numbers included) and a newline to ``file`` (stdout); flushed."""
    stream = file if file is not None else sys.stdout
    option = orjson.OPT_SERIALIZE_NUMPY | (0 if one_line else orjson.OPT_INDENT_2)
    stream.write(orjson.dumps(value, option=option).decode() + "\n")
    stream.flush()

"""``heapscope inspect FILE``: the summary a developer reads before digging in."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .. import limits
from ..output import add_format_option, print_json
from ..units import format_bytes
from .classes import ClassTable, class_table
from .errors import SnapshotError
from .model import HeapSnapshot, load_snapshot


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("inspect", help="summarise a .heapsnapshot file")
    parser.add_argument("file", help="a .heapsnapshot written by Node, the inspector or Chrome DevTools")
    parser.add_argument(
        "--top", type=limits.whole(limits.COUNT), default=20, help="how many classes to list (default 20)"
    )
    add_format_option(parser, "totals and the top classes by count and by retained size")
    parser.set_defaults(func=run_inspect)


def inspect_json(file: str, snapshot: HeapSnapshot, table: ClassTable, top: int) -> dict[str, Any]:
    """The text summary's numbers, in bytes and counts (no formatting), for scripts and CI."""

    def rows(by: str) -> list[dict[str, Any]]:
        return [
            {
                "class": snapshot.class_names[index],
                "count": int(table.count[index]),
                "shallowSize": int(table.shallow[index]),
                "retainedSize": int(table.retained[index]),
            }
            for index in table.order(by)[:top].tolist()
        ]

    return {
        "file": file,
        "nodes": snapshot.node_count,
        "edges": snapshot.edge_count,
        "totalSize": int(snapshot.total_size),
        "reachable": len(snapshot.dominator_reachable),
        "topByCount": rows("count"),
        "topByRetainedSize": rows("retained"),
    }


def run_inspect(args: argparse.Namespace) -> int:
    try:
        snapshot = load_snapshot(args.file)
        snapshot.initialize()
    except SnapshotError as error:
        print(f"heapscope: {error}", file=sys.stderr)
        return 2
    table = class_table(snapshot)
    names = snapshot.class_names
    if args.format == "json":
        print_json(inspect_json(args.file, snapshot, table, args.top))
        return 0
    print(f"{args.file}")
    print(
        f"  nodes: {snapshot.node_count:,}   edges: {snapshot.edge_count:,}   "
        f"total size: {format_bytes(snapshot.total_size)}   "
        f"reachable: {len(snapshot.dominator_reachable):,}"
    )
    for by, heading in (("count", "count"), ("retained", "retained size")):
        print(f"\nTop {args.top} classes by {heading}")
        print(f"  {'count':>10}  {'shallow':>10}  {'retained':>10}  class")
        for index in table.order(by)[: args.top].tolist():
            print(
                f"  {int(table.count[index]):>10,}  {format_bytes(table.shallow[index]):>10}  "
                f"{format_bytes(table.retained[index]):>10}  {names[index]}"
            )
    return 0

"""``heapscope inspect FILE``: the summary a developer reads before digging in."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np

from .. import limits
from ..output import add_format_option, print_json
from ..units import format_bytes
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


def class_table(snapshot: HeapSnapshot) -> dict[str, np.ndarray[Any, Any]]:
    """Per class: count, shallow size, retained size (of the class's objects not nested in each other).

    Like DevTools' Summary view, the retained size of a class sums only its
    "top-level" members, those whose dominator chain holds no other member of the
    class, so nested objects are not counted twice.
    """
    classes = snapshot.class_index
    class_count = len(snapshot.class_names)
    counts = np.bincount(classes, minlength=class_count)
    shallow = np.bincount(classes, weights=snapshot.self_size.astype(np.float64), minlength=class_count)
    retained = snapshot.retained_sizes.astype(np.float64)
    top_level = snapshot.class_top_level
    retained_sum = np.bincount(classes[top_level], weights=retained[top_level], minlength=class_count)
    return {"count": counts, "shallow": shallow, "retained": retained_sum}


def inspect_json(
    file: str, snapshot: HeapSnapshot, table: dict[str, np.ndarray[Any, Any]], top: int
) -> dict[str, Any]:
    """The text summary's numbers, in bytes and counts (no formatting), for scripts and CI."""

    def rows(order: np.ndarray[Any, Any]) -> list[dict[str, Any]]:
        return [
            {
                "class": snapshot.class_names[index],
                "count": int(table["count"][index]),
                "shallowSize": int(table["shallow"][index]),
                "retainedSize": int(table["retained"][index]),
            }
            for index in order[:top]
        ]

    return {
        "file": file,
        "nodes": snapshot.node_count,
        "edges": snapshot.edge_count,
        "totalSize": int(snapshot.total_size),
        "reachable": len(snapshot.dominator_reachable),
        "topByCount": rows(np.argsort(-table["count"], kind="stable")),
        "topByRetainedSize": rows(np.argsort(-table["retained"], kind="stable")),
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
    top = args.top
    print(f"\nTop {top} classes by count")
    print(f"  {'count':>10}  {'shallow':>10}  {'retained':>10}  class")
    for index in np.argsort(-table["count"], kind="stable")[:top]:
        print(
            f"  {int(table['count'][index]):>10,}  {format_bytes(table['shallow'][index]):>10}  "
            f"{format_bytes(table['retained'][index]):>10}  {names[index]}"
        )
    print(f"\nTop {top} classes by retained size")
    print(f"  {'count':>10}  {'shallow':>10}  {'retained':>10}  class")
    for index in np.argsort(-table["retained"], kind="stable")[:top]:
        print(
            f"  {int(table['count'][index]):>10,}  {format_bytes(table['shallow'][index]):>10}  "
            f"{format_bytes(table['retained'][index]):>10}  {names[index]}"
        )
    return 0

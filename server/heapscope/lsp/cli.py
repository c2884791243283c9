"""``heapscope serve``: run the language server over stdio (what editors expect) or TCP."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("serve", help="run the Heapscope language server (stdio by default)")
    parser.add_argument(
        "--tcp",
        metavar="HOST:PORT",
        help="listen on a TCP socket instead of stdio (e.g. 127.0.0.1:2087, for debugging the server)",
    )
    parser.add_argument("--log-level", default="WARNING", help="server log level on stderr (default WARNING)")
    parser.set_defaults(func=run_serve)


def parse_address(text: str) -> tuple[str, int]:
    host, separator, port = text.rpartition(":")
    if not separator or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--tcp needs HOST:PORT, e.g. 127.0.0.1:2087, not {text!r}")
    return host.strip("[]"), int(port)


def run_serve(args: argparse.Namespace) -> int:
    logging.basicConfig(stream=sys.stderr, level=str(args.log_level).upper(), format="heapscope: %(message)s")
    from .server import server

    if args.tcp:
        try:
            host, port = parse_address(args.tcp)
        except ValueError as error:
            print(f"heapscope: {error}", file=sys.stderr)
            return 2
        server.start_tcp(host, port)
    else:
        server.start_io()
    return 0

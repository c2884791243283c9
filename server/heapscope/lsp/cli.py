"""``heapscope serve``: run the language server over stdio (what editors expect) or TCP."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("serve", help="run the Heapscope language server (stdio by default)")
    parser.add_argument(
        "--tcp",
        metavar="HOST:PORT",
        help="listen on a TCP socket instead of stdio (e.g. 127.0.0.1:2087, for debugging the server)",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="let --tcp listen on a non-loopback address (anyone who reaches it controls the server)",
    )
    parser.add_argument("--log-level", default="WARNING", help="server log level on stderr (default WARNING)")
    parser.set_defaults(func=run_serve)


def parse_address(text: str) -> tuple[str, int]:
    host, separator, port = text.rpartition(":")
    if not separator or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--tcp needs HOST:PORT, e.g. 127.0.0.1:2087, not {text!r}")
    return host.strip("[]"), int(port)


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` names is a loopback address (a name that does not resolve is not)."""
    import socket  # here: every other command would pay for it at start-up

    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    addresses = {info[4][0] for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(str(a).split("%")[0]).is_loopback for a in addresses)


def run_serve(args: argparse.Namespace) -> int:
    logging.basicConfig(stream=sys.stderr, level=str(args.log_level).upper(), format="heapscope: %(message)s")
    from .server import server

    if args.tcp:
        try:
            host, port = parse_address(args.tcp)
        except ValueError as error:
            print(f"heapscope: {error}", file=sys.stderr)
            return 2
        if not args.allow_remote and not is_loopback(host):
            print(
                f"heapscope: {host} is not a loopback address; serving the language server there lets "
                "anyone who reaches it drive it (use --allow-remote if that is intended)",
                file=sys.stderr,
            )
            return 2
        try:
            server.start_tcp(host, port)
        except OSError as error:
            reason = os.strerror(error.errno) if error.errno else str(error)
            print(f"heapscope: cannot listen on {host}:{port}: {reason}", file=sys.stderr)
            return 2
    else:
        server.start_io()
    # The client's bytes stopped being LSP messages: the server quit; say so by the exit code.
    return 1 if server.framing_failed else 0

"""The ``heapscope`` command: one entry point, one sub-command module per area.

Each area (engine, inspector, analysis, language server) registers its sub-commands
from its own module, so this file only wires them and turns errors into one line.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import ctypes
import importlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import NoReturn

from . import __version__
from .threads import only_disposable_left

# Modules exposing ``register(subparsers)``; each sub-command sets ``func(args) -> int``.
_COMMAND_MODULES = (
    "heapscope.snapshot.cli",
    "heapscope.lsp.cli",
    "heapscope.inspector.cli",
    "heapscope.analysis.cli",
    "heapscope.hunt.cli",
)


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad option is one line (``heapscope run: argument --warmup: ...``).

    argparse's default prints the whole usage first; the sub-commands pass this class on
    to their own parsers, so every command reports bad options the same way.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="heapscope",
        description="Find Node.js memory leaks from heap snapshots.",
    )
    parser.add_argument("--version", action="version", version=f"heapscope {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in _COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl+C so that half-written files are removed the same way."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(signum)


# glibc's mallopt parameter for the most malloc arenas (M_ARENA_MAX in malloc.h).
_M_ARENA_MAX = -8


def _fewer_malloc_arenas() -> None:
    """At most two malloc arenas, before any worker thread starts (glibc only).

    glibc gives each new thread an arena of its own, up to eight per core, and memory one
    thread frees stays in its arena. The analysis runs a dozen short-lived threads (three
    loads, two parsers each, the trees, the measuring), so the temporaries of one step
    were not reused by the next: on the TypeScript triple of bench/find_leaks.py two
    arenas took about 8% off the peak RSS and 5% off the CPU time (fewer fresh pages are
    faulted in). ``MALLOC_ARENA_MAX`` in the environment still wins.
    """
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return  # not glibc (or no mallopt): its allocator's own defaults
    if not hasattr(libc, "gnu_get_libc_version"):
        return  # musl and others take mallopt's numbers differently, or ignore them
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    mallopt(_M_ARENA_MAX, 2)


def main(argv: Sequence[str] | None = None) -> int:
    # numpy's OpenBLAS starts a thread per core when numpy is imported, and they spin for a
    # while: 0.1-0.2 s of CPU at each start-up. Nothing in Heapscope does linear algebra, so
    # one thread is enough; set before the sub-command modules import numpy.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # numpy asks the kernel for transparent huge pages on every array of 4 MB or more. On
    # VMs whose host takes freed guest memory back (see _native.fresh_array, which keeps
    # the kernels' own arrays off them for the same reason) a fresh huge page is slow to
    # fault in, and getting one may first compact memory: with ordinary pages the analysis
    # of the TypeScript triple of bench/find_leaks.py took 8% less CPU time.
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    _fewer_malloc_arenas()
    try:
        parser = build_parser()
    except ImportError as error:
        if error.name != "heapscope.snapshot._kernels":
            raise
        # A missing or out-of-date compiled kernel: what to rebuild, not a traceback.
        print(f"heapscope: {error}", file=sys.stderr)
        return 1
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    # Warnings from the library (a .heapscope/ made private) as one "heapscope:" line each.
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="heapscope: %(message)s")
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if signum is not None:
                signal.signal(signum, _terminate)
    try:
        code = int(args.func(args))
        if not sys.stdout.closed:  # the language server's exit closes stdout itself
            sys.stdout.flush()  # here, so that a closed pipe is caught below and not at exit
        return code
    except Terminated as stop:
        print(f"heapscope: stopped by {stop}", file=sys.stderr)
        return 128 + stop.signum
    except KeyboardInterrupt:
        print("heapscope: interrupted", file=sys.stderr)
        return 130
    except MemoryError as error:
        # A snapshot too big for this machine: say so in one line, like any other bad input.
        print(f"heapscope: out of memory{': ' + str(error) if str(error) else ''}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`heapscope inspect big.heapsnapshot | head`): nothing to
        # report. Point stdout at /dev/null so the interpreter's own final flush is quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # what a shell reports for a writer killed by SIGPIPE


def run() -> NoReturn:
    """``heapscope`` and ``python -m heapscope``: :func:`main`, then end the process.

    When the command leaves no other thread running, the process ends without tearing
    the interpreter down: freeing every module and the last snapshot's arrays one by one
    took 0.05-0.1 s after the report was out, and the kernel drops the whole address
    space at once anyway. The exit handlers (logging, coverage, finalizers) still run and
    the output is flushed first. With another thread alive the exit is the usual one,
    unless every other thread only computes in memory ahead of a use that failed
    (:mod:`heapscope.threads`): the process does not wait for those.
    """
    code = main()
    if threading.active_count() > 1 and not only_disposable_left():
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # closed, or a reader that went away
            stream.flush()
    os._exit(code)
